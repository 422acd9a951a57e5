/**
 * What the supervisors' dashboard and /metrics show: today's counts by hour and channel, the level gauge and its
 * projection, staffing against requirement, the queue and its waiting times, operators' load, open urgent cases,
 * the outbox and notification backlog.
 */
import '../cases/schema';
import '../notify/schema';
import type { Executor } from '../store/executor';
import { localHourOf, requestBuckets } from './counting';
import type { IntakeLevels, LevelNotice, LevelStatus } from './intakeLevels';
import { dayRange } from './localTime';
import './schema';

export interface QueueSnapshot {
  waiting: number;
  byUrgency: Record<'none' | 'urgent' | 'emergency', number>;
  oldestWaitSeconds: number;
  averageWaitSeconds: number;
  held: number;
}

export interface OperatorLoad {
  id: string;
  displayName: string;
  role: string;
  presence: string;
  onShift: boolean;
  holding: number;
}

export interface DashboardData {
  now: string;
  timeZone: string;
  status: LevelStatus;
  byHour: number[];
  byChannel: Array<{ channel: string; count: number }>;
  queue: QueueSnapshot;
  operators: OperatorLoad[];
  urgentOpen: number;
  urgentOverdue: number;
  notices: LevelNotice[];
}

export async function queueSnapshot(db: Executor, now: Date): Promise<QueueSnapshot> {
  const rows = await db.selectFrom('conversations').select(['state', 'urgency', 'queued_at']).where('state', 'in', ['queued', 'human']).execute();
  const byUrgency = { none: 0, urgent: 0, emergency: 0 };
  const waits: number[] = [];
  let held = 0;
  for (const r of rows) {
    if (r.state === 'human') {
      held++;
      continue;
    }
    byUrgency[(r.urgency in byUrgency ? r.urgency : 'none') as keyof typeof byUrgency]++;
    if (r.queued_at) waits.push(Math.max(0, (now.getTime() - Date.parse(r.queued_at)) / 1000));
  }
  return {
    waiting: byUrgency.none + byUrgency.urgent + byUrgency.emergency,
    byUrgency,
    oldestWaitSeconds: Math.round(waits.length ? Math.max(...waits) : 0),
    averageWaitSeconds: Math.round(waits.length ? waits.reduce((a, b) => a + b, 0) / waits.length : 0),
    held,
  };
}

export async function operatorLoads(db: Executor, now: Date): Promise<OperatorLoad[]> {
  const when = now.toISOString();
  const [users, holding, shifts] = await Promise.all([
    db.selectFrom('users').select(['id', 'display_name', 'role', 'presence']).where('role', 'in', ['operator', 'supervisor']).where('disabled', '=', 0).orderBy('display_name').execute(),
    db.selectFrom('conversations').select(['assignee_id', (eb) => eb.fn.countAll<number>().as('n')]).where('state', '=', 'human').where('assignee_id', 'is not', null).groupBy('assignee_id').execute(),
    db.selectFrom('shifts').select('user_id').where('starts_at', '<=', when).where('ends_at', '>', when).where('kind', '=', 'operator').execute(),
  ]);
  const held = new Map(holding.map((h) => [h.assignee_id as string, Number(h.n)]));
  const onShift = new Set(shifts.map((s) => s.user_id));
  return users.map((u) => ({ id: u.id, displayName: u.display_name, role: u.role, presence: u.presence, onShift: onShift.has(u.id), holding: held.get(u.id) ?? 0 }));
}

export async function urgentCounts(db: Executor, now: Date): Promise<{ open: number; overdue: number }> {
  const rows = await db.selectFrom('cases').select(['due_at', 'acknowledged_at']).where('kind', '=', 'urgent').where('closed_at', 'is', null).execute();
  const when = now.toISOString();
  return { open: rows.length, overdue: rows.filter((r) => !r.acknowledged_at && r.due_at && r.due_at < when).length };
}

export async function backlog(db: Executor): Promise<{ outbox: Record<string, number>; notifications: Record<string, number> }> {
  const [outbox, notifications] = await Promise.all([
    db.selectFrom('outbox').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', ['pending', 'failed']).groupBy('status').execute(),
    db.selectFrom('notifications').select(['status', (eb) => eb.fn.countAll<number>().as('n')]).where('status', 'in', ['pending', 'failed']).groupBy('status').execute(),
  ]);
  const asMap = (rows: Array<{ status: string; n: number | string }>) => ({ pending: 0, failed: 0, ...Object.fromEntries(rows.map((r) => [r.status, Number(r.n)])) });
  return { outbox: asMap(outbox), notifications: asMap(notifications) };
}

export async function todayByHourAndChannel(db: Executor, kinds: readonly string[], now: Date, day: string, timeZone: string): Promise<{ byHour: number[]; byChannel: Array<{ channel: string; count: number }> }> {
  const { start } = dayRange(day, timeZone);
  const buckets = await requestBuckets(db, kinds, start, new Date(now.getTime() + 1));
  const byHour = new Array<number>(24).fill(0);
  const channels = new Map<string, number>();
  for (const b of buckets) {
    byHour[localHourOf(b.minute, timeZone)] += b.n;
    channels.set(b.channel, (channels.get(b.channel) ?? 0) + b.n);
  }
  return { byHour, byChannel: [...channels.entries()].map(([channel, count]) => ({ channel, count })).sort((a, b) => b.count - a.count) };
}

export async function dashboardData(deps: { db: Executor; levels: IntakeLevels; timeZone: string; now: Date }): Promise<DashboardData> {
  const { db, levels, now, timeZone } = deps;
  const rules = await levels.rules();
  const status = await levels.status(now, undefined, rules);
  const [today, queue, operators, urgent, notices] = await Promise.all([
    todayByHourAndChannel(db, rules.counting.kinds, now, status.day, timeZone),
    queueSnapshot(db, now),
    operatorLoads(db, now),
    urgentCounts(db, now),
    levels.notices(10),
  ]);
  return { now: now.toISOString(), timeZone, status, ...today, queue, operators, urgentOpen: urgent.open, urgentOverdue: urgent.overdue, notices };
}
