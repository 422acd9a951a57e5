/**
 * Prometheus metrics for the IT centre's monitoring (prom-client, one registry per platform). Values are read from
 * the store at scrape time, so every instance reports the same shared figures plus its own process metrics.
 */
import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { backlog, operatorLoads, queueSnapshot, todayByHourAndChannel, urgentCounts } from './dashboard';
import type { IntakeLevels } from './intakeLevels';
import './schema';

export interface PlatformMetrics {
  registry: Registry;
  /** Refreshes every gauge from the store and returns the exposition text. */
  render(): Promise<string>;
}

export function createMetrics(deps: { db: Executor; clock: Clock; levels: IntakeLevels; timeZone: string; processMetrics?: boolean }): PlatformMetrics {
  const registry = new Registry();
  if (deps.processMetrics !== false) collectDefaultMetrics({ register: registry, prefix: 'hotline1022_' });
  const gauge = (name: string, help: string, labelNames: string[] = []) => new Gauge({ name: `hotline1022_${name}`, help, labelNames, registers: [registry] });

  const requestsToday = gauge('requests_today', 'Requests (tin) received today (local calendar day), by channel', ['channel']);
  const requestsTodayTotal = gauge('requests_today_total', 'Requests received today (local calendar day), all channels');
  const requests24h = gauge('requests_last_24h', 'Requests received in the last 24 hours');
  const projected = gauge('requests_projected_today', 'Projected total of today from the pace so far (absent early in the day)');
  const level = gauge('level', 'Intake level in force (1-4)');
  const levelProjected = gauge('level_projected', 'Level the projected total of today reaches');
  const staffing = gauge('staff_on_shift', 'Staff on shift now', ['kind']);
  const staffingRequired = gauge('staff_required', 'Staff the level in force requires now (absent when no minimum)', ['kind']);
  const queueWaiting = gauge('queue_waiting', 'Conversations waiting for an operator, by urgency', ['urgency']);
  const queueOldest = gauge('queue_oldest_wait_seconds', 'Waiting time of the longest-waiting conversation');
  const queueAverage = gauge('queue_average_wait_seconds', 'Average waiting time of the waiting conversations');
  const held = gauge('conversations_held', 'Conversations an operator holds');
  const operatorsOnline = gauge('operators_online', 'Operators and supervisors whose console is online');
  const outbox = gauge('outbox', 'Outbound messages not delivered, by status', ['status']);
  const notifications = gauge('notifications', 'Notification mails not sent, by status', ['status']);
  const urgentOpen = gauge('urgent_cases_open', 'Urgent and emergency cases not closed');
  const urgentOverdue = gauge('urgent_cases_overdue', 'Urgent cases past their acknowledgement deadline and not acknowledged');
  const reportSent = gauge('report_last_sent_timestamp_seconds', 'When the last daily report was mailed (Unix time)');

  async function refresh(): Promise<void> {
    const now = deps.clock.now();
    const rules = await deps.levels.rules();
    const status = await deps.levels.status(now, undefined, rules);
    const [today, queue, operators, urgent, pending, lastReport] = await Promise.all([
      todayByHourAndChannel(deps.db, rules.counting.kinds, now, status.day, deps.timeZone),
      queueSnapshot(deps.db, now),
      operatorLoads(deps.db, now),
      urgentCounts(deps.db, now),
      backlog(deps.db),
      deps.db.selectFrom('reports').select('sent_at').where('sent_at', 'is not', null).orderBy('sent_at', 'desc').limit(1).executeTakeFirst(),
    ]);
    requestsToday.reset();
    for (const c of today.byChannel) requestsToday.set({ channel: c.channel }, c.count);
    requestsTodayTotal.set(status.countDay);
    requests24h.set(status.count24h);
    projected.reset();
    if (status.projected !== undefined) projected.set(status.projected);
    level.set(status.level);
    levelProjected.set(status.projectedLevel ?? status.level);
    staffing.set({ kind: 'operators' }, status.onShift.operators);
    staffing.set({ kind: 'phone_lines' }, status.onShift.phoneLines);
    staffing.set({ kind: 'reserve' }, status.onShift.reserve);
    staffingRequired.reset();
    if (status.required.operators !== undefined) staffingRequired.set({ kind: 'operators' }, status.required.operators);
    if (status.required.phoneLines !== undefined) staffingRequired.set({ kind: 'phone_lines' }, status.required.phoneLines);
    staffingRequired.set({ kind: 'reserve' }, status.required.reserveOnCall ? 1 : 0);
    for (const [urgency, n] of Object.entries(queue.byUrgency)) queueWaiting.set({ urgency }, n);
    queueOldest.set(queue.oldestWaitSeconds);
    queueAverage.set(queue.averageWaitSeconds);
    held.set(queue.held);
    operatorsOnline.set(operators.filter((o) => o.presence === 'online').length);
    for (const [s, n] of Object.entries(pending.outbox)) outbox.set({ status: s }, n);
    for (const [s, n] of Object.entries(pending.notifications)) notifications.set({ status: s }, n);
    urgentOpen.set(urgent.open);
    urgentOverdue.set(urgent.overdue);
    reportSent.reset();
    if (lastReport?.sent_at) reportSent.set(Math.floor(Date.parse(lastReport.sent_at) / 1000));
  }

  return {
    registry,
    async render() {
      await refresh();
      return registry.metrics();
    },
  };
}
