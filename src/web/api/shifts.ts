/**
 * Shifts API: the rota of a week (operators, supervisors and admins read it), adding and removing shifts
 * (supervisors and admins), with the office hours that define the standard periods.
 */
import express from 'express';
import type { Role } from '../../domain/types';
import type { IntakeLevels } from '../../reports/intakeLevels';
import { addDays, dayRange, isDate, localDate } from '../../reports/localTime';
import { addShift, listShifts, removeShift } from '../../reports/shifts';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { requireRole } from '../auth/middleware';
import { bodyOf, handle, paramOf, queryOf, userOf } from './reportsHttp';

const READERS: Role[] = ['operator', 'supervisor', 'admin'];
const PLANNERS: Role[] = ['supervisor', 'admin'];

export interface ShiftsApiDeps {
  db: Executor;
  clock: Clock;
  levels: IntakeLevels;
  timeZone: string;
}

export function createShiftsRouter(deps: ShiftsApiDeps): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb' });

  router.get('/api/shifts', requireRole(...READERS), handle(async (req, res) => {
    const now = deps.clock.now();
    const fromDay = isDate(queryOf(req, 'from')) ? (queryOf(req, 'from') as string) : localDate(now, deps.timeZone);
    const days = Math.min(31, Math.max(1, Number(queryOf(req, 'days') ?? 7) || 7));
    const from = dayRange(fromDay, deps.timeZone).start;
    const to = dayRange(addDays(fromDay, days - 1), deps.timeZone).end;
    const [shifts, staff, rules] = await Promise.all([
      listShifts(deps.db, from, to),
      deps.db.selectFrom('users').select(['id', 'display_name', 'role']).where('role', 'in', ['operator', 'supervisor']).where('disabled', '=', 0).orderBy('display_name').execute(),
      deps.levels.rules(),
    ]);
    res.set('Cache-Control', 'no-store').json({
      from: fromDay,
      days,
      today: localDate(now, deps.timeZone),
      timeZone: deps.timeZone,
      officeHours: rules.officeHours,
      shifts,
      staff: staff.map((s) => ({ id: s.id, displayName: s.display_name, role: s.role })),
    });
  }));

  router.post('/api/shifts', requireRole(...PLANNERS), json, handle(async (req, res) => {
    const b = bodyOf(req);
    const rules = await deps.levels.rules();
    const shift = await addShift(deps.db, { userId: b.userId, date: b.date, period: b.period, start: b.start, end: b.end, kind: b.kind, phoneLine: b.phoneLine, note: b.note }, { rules, timeZone: deps.timeZone, actorId: userOf(res).id, at: deps.clock.now().toISOString() });
    void deps.levels.check().catch(() => undefined);
    res.status(201).json({ shift });
  }));

  router.delete('/api/shifts/:id', requireRole(...PLANNERS), handle(async (req, res) => {
    await removeShift(deps.db, paramOf(req, 'id'), userOf(res).id, deps.clock.now().toISOString());
    res.status(204).end();
  }));

  return router;
}
