/**
 * Sends yesterday's report at REPORT_TIME (local), so it arrives before 11:00. A report not sent at its time (the
 * platform was down) is sent as soon as the platform is up again; days missed while down are caught up (at most
 * CATCH_UP_DAYS). Each day is claimed by inserting its row in report_jobs (primary key = day), so with several
 * instances on PostgreSQL exactly one sends it; a claim whose holder died runs out and is taken over, and a failed
 * send is retried with backoff, re-sending the files already archived.
 */
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { addDays, localParts, minutesOf } from './localTime';
import type { ReportService } from './reportService';
import './schema';

const CATCH_UP_DAYS = 7;
const LEASE_MS = 10 * 60_000;
const MAX_ATTEMPTS = 30;
const FIRST_DAY_KEY = 'reports.firstDay';

export interface ReportSchedulerDeps {
  db: Executor;
  clock: Clock;
  timeZone: string;
  /** "HH:MM" local (REPORT_TIME). */
  reportTime: string;
  instance: string;
  reports: ReportService;
  /** Whether sending is possible at all (recipients and SMTP configured): else reports are archived only. */
  canSend(): boolean;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
}

export class ReportScheduler {
  private timer?: NodeJS.Timeout;
  private running?: Promise<string[]>;

  constructor(private deps: ReportSchedulerDeps) {}

  /** The latest day whose report is due now. */
  latestDueDay(now: Date = this.deps.clock.now()): string {
    const local = localParts(now, this.deps.timeZone);
    const yesterday = addDays(local.date, -1);
    return local.hour * 60 + local.minute >= minutesOf(this.deps.reportTime) ? yesterday : addDays(yesterday, -1);
  }

  /** Runs due reports once; concurrent calls share the run. Returns the days handled. */
  tick(): Promise<string[]> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<string[]> {
    const { db } = this.deps;
    const now = this.deps.clock.now();
    // Reports start with the day before the platform's first start (data may have been imported for it).
    await db
      .insertInto('kv')
      .values({ key: FIRST_DAY_KEY, value: addDays(localParts(now, this.deps.timeZone).date, -1), updated_at: now.toISOString() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
    const firstDay = (await db.selectFrom('kv').select('value').where('key', '=', FIRST_DAY_KEY).executeTakeFirst())?.value ?? '';
    const latest = this.latestDueDay(now);
    const days: string[] = [];
    for (let d = addDays(latest, -(CATCH_UP_DAYS - 1)); d <= latest; d = addDays(d, 1)) if (d >= firstDay) days.push(d);
    if (!days.length) return [];
    const finished = await db.selectFrom('report_jobs').select('day').where('day', 'in', days).where('status', 'in', ['sent', 'archived', 'failed']).execute();
    const done = new Set(finished.map((r) => r.day));
    const handled: string[] = [];
    for (const day of days) {
      if (done.has(day)) continue;
      if (!(await this.claim(day))) continue;
      await this.runJob(day);
      handled.push(day);
    }
    return handled;
  }

  private async claim(day: string): Promise<boolean> {
    const { db } = this.deps;
    const now = this.deps.clock.now();
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + LEASE_MS).toISOString();
    const inserted = await db
      .insertInto('report_jobs')
      .values({ day, status: 'running', claimed_by: this.deps.instance, claimed_until: leaseUntil, attempts: 0, next_attempt_at: nowIso, report_id: null, last_error: null, created_at: nowIso, sent_at: null })
      .onConflict((oc) => oc.column('day').doNothing())
      .returning('day')
      .executeTakeFirst();
    if (inserted) return true;
    // A retry that is due, or a claim whose holder stopped before finishing.
    const taken = await db
      .updateTable('report_jobs')
      .set({ status: 'running', claimed_by: this.deps.instance, claimed_until: leaseUntil })
      .where('day', '=', day)
      .where('status', 'in', ['running', 'retry'])
      .where('next_attempt_at', '<=', nowIso)
      .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', nowIso)]))
      .executeTakeFirst();
    return Number(taken.numUpdatedRows) === 1;
  }

  private async runJob(day: string): Promise<void> {
    const { db, reports, log } = this.deps;
    const job = await db.selectFrom('report_jobs').selectAll().where('day', '=', day).executeTakeFirstOrThrow();
    try {
      let reportId = job.report_id;
      if (!reportId) {
        reportId = (await reports.generate(day, 'scheduled')).id;
        await db.updateTable('report_jobs').set({ report_id: reportId }).where('day', '=', day).execute();
      }
      if (!this.deps.canSend()) {
        await db.updateTable('report_jobs').set({ status: 'archived', claimed_by: null, claimed_until: null, last_error: 'no recipients or SMTP' }).where('day', '=', day).execute();
        log.warn({ day }, 'daily report archived but not mailed: REPORT_RECIPIENTS or SMTP_URL is not set');
        return;
      }
      await reports.send(reportId);
      await db.updateTable('report_jobs').set({ status: 'sent', sent_at: this.deps.clock.now().toISOString(), claimed_by: null, claimed_until: null, last_error: null }).where('day', '=', day).execute();
      log.info({ day }, 'daily report sent');
    } catch (err) {
      const attempts = job.attempts + 1;
      const reason = ((err as Error).message ?? String(err)).slice(0, 500);
      const delayMs = Math.min(60 * 60_000, 60_000 * 2 ** Math.min(attempts - 1, 6));
      await db
        .updateTable('report_jobs')
        .set({
          status: attempts >= MAX_ATTEMPTS ? 'failed' : 'retry',
          attempts,
          next_attempt_at: new Date(this.deps.clock.now().getTime() + delayMs).toISOString(),
          claimed_by: null,
          claimed_until: null,
          last_error: reason,
        })
        .where('day', '=', day)
        .execute();
      log.error({ day, attempts, reason }, 'daily report failed; will retry');
    }
  }

  /** Catches up at once, then checks every `intervalMs`. */
  start(intervalMs: number): void {
    const run = () => void this.tick().catch((err) => this.deps.log.error({ err }, 'report schedule failed'));
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    run();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }
}
