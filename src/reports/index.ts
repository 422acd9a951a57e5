/**
 * Intake levels, staffing, phone calls and daily reports, assembled for the composition root: main.ts builds it from
 * settings, mounts its routers and calls start()/stop().
 */
import path from 'node:path';
import type { TriageVerdict } from '../domain/types';
import type { EventBus } from '../pipeline/events';
import type { TurnContextInfo } from '../pipeline/pipeline';
import type { Clock } from '../store/clock';
import type { DbHandle } from '../store/db';
import type { Executor } from '../store/executor';
import { IntakeLevels } from './intakeLevels';
import { rulesInForce } from './levelStore';
import { loadLevelsFile, type LevelsFile } from './levelSettings';
import { createMetrics, type PlatformMetrics } from './metrics';
import { reportFonts } from './pdf';
import { PhoneCalls } from './phoneCalls';
import { ReportScheduler } from './reportScheduler';
import { ReportService, type ReportMailer } from './reportService';
import { loadTopics, type Topic } from './topics';

export interface ReportsSettings {
  kbDir: string;
  timeZone: string;
  reportTime: string;
  reportRecipients: string[];
  leaderEmails: string[];
  supervisorEmails: string[];
  ackSlaMinutes: number;
  fontFile?: string;
}

export interface ReportsModuleDeps {
  store: DbHandle;
  clock: Clock;
  bus: EventBus;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
  instance: string;
  settings: ReportsSettings;
  /** Mail with attachments for the daily report (undefined without SMTP_URL). */
  mailer?: ReportMailer & { close?(): void };
  /** Wakes the durable notifier after a level notice was queued. */
  kickNotifier?(): void;
  agencyName(id: string | null): string;
  triage?(text: string): TriageVerdict;
  onUrgent?(tx: Executor, info: TurnContextInfo): Promise<void>;
}

export interface ReportsModule {
  file: LevelsFile;
  topics: Topic[];
  levels: IntakeLevels;
  phoneCalls: PhoneCalls;
  reports: ReportService;
  scheduler: ReportScheduler;
  metrics: PlatformMetrics;
  start(options: { levelCheckMs: number; reportCheckMs: number }): void;
  stop(): Promise<void>;
}

export function loadReportsData(kbDir: string): { file: LevelsFile; topics: Topic[] } {
  const file = loadLevelsFile(path.join(kbDir, 'levels.yaml'));
  return { file, topics: loadTopics(kbDir, file.texts('report.topic.other')) };
}

/** A report builder without the running platform (command line, benchmark): files only, no mail. */
export function standaloneReports(deps: { db: Executor; clock: Clock; kbDir: string; timeZone: string; ackSlaMinutes: number; fontFile?: string; agencyName(id: string | null): string }): ReportService {
  const { file, topics } = loadReportsData(deps.kbDir);
  return new ReportService({
    db: deps.db,
    clock: deps.clock,
    timeZone: deps.timeZone,
    texts: file.texts,
    topics: () => topics,
    rules: async () => (await rulesInForce(deps.db, file.rules)).rules,
    agencyName: deps.agencyName,
    ackSlaMinutes: deps.ackSlaMinutes,
    recipients: [],
    fontFile: deps.fontFile,
  });
}

export function createReportsModule(deps: ReportsModuleDeps): ReportsModule {
  const s = deps.settings;
  const { file, topics } = loadReportsData(s.kbDir);
  const db = deps.store.db;
  try {
    reportFonts(s.fontFile);
  } catch (err) {
    // Said at start-up, not first at 10:30: the PDF (and so the daily report) cannot be made without the font.
    deps.log.error({ font: s.fontFile }, (err as Error).message);
  }
  const levels = new IntakeLevels({
    store: deps.store,
    clock: deps.clock,
    bus: deps.bus,
    log: deps.log,
    timeZone: s.timeZone,
    file,
    recipients: () => [...s.leaderEmails, ...s.supervisorEmails],
    kickNotifier: deps.kickNotifier,
  });
  const phoneCalls = new PhoneCalls({ store: deps.store, clock: deps.clock, bus: deps.bus, texts: file.texts, topics: () => topics, triage: deps.triage, onUrgent: deps.onUrgent });
  const reports = new ReportService({
    db,
    clock: deps.clock,
    timeZone: s.timeZone,
    texts: file.texts,
    topics: () => topics,
    rules: () => levels.rules(),
    agencyName: deps.agencyName,
    ackSlaMinutes: s.ackSlaMinutes,
    recipients: s.reportRecipients,
    mailer: deps.mailer,
    fontFile: s.fontFile,
  });
  const scheduler = new ReportScheduler({
    db,
    clock: deps.clock,
    timeZone: s.timeZone,
    reportTime: s.reportTime,
    instance: deps.instance,
    reports,
    canSend: () => !!deps.mailer && s.reportRecipients.length > 0,
    log: deps.log,
  });
  const metrics = createMetrics({ db, clock: deps.clock, levels, timeZone: s.timeZone });
  return {
    file,
    topics,
    levels,
    phoneCalls,
    reports,
    scheduler,
    metrics,
    start(options) {
      levels.start(options.levelCheckMs);
      scheduler.start(options.reportCheckMs);
    },
    async stop() {
      await levels.stop();
      await scheduler.stop();
      deps.mailer?.close?.();
    },
  };
}
