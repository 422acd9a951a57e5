/** Every router of the levels-and-reports part, for the composition root to push in one line. */
import type express from 'express';
import type { ReportsModule } from '../../reports';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { createLevelsRouter } from './levels';
import { createPhoneCallsRouter } from './phoneCalls';
import { createReportsRouter } from './reports';
import { createShiftsRouter } from './shifts';

export function createReportsRouters(module: ReportsModule, deps: { db: Executor; clock: Clock; timeZone: string; metricsToken?: string }): express.Router[] {
  const { db, clock, timeZone } = deps;
  return [
    createLevelsRouter({ db, clock, levels: module.levels, fileRules: module.file.rules, timeZone }),
    createShiftsRouter({ db, clock, levels: module.levels, timeZone }),
    createPhoneCallsRouter({ phoneCalls: module.phoneCalls, clock, timeZone, topics: module.topics, texts: module.file.texts }),
    createReportsRouter({ db, clock, reports: module.reports, levels: module.levels, metrics: module.metrics, timeZone, metricsToken: deps.metricsToken }),
  ];
}
