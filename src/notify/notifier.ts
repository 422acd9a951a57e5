/**
 * Sends queued notifications (see ./notifications.ts) through the mailer. Transient SMTP failures (connection,
 * timeout, 4xx) are retried with backoff; a 5xx answer (unknown mailbox…) is permanent and recorded with its reason.
 */
import { retryDelayMs } from '../pipeline/backoff';
import type { Clock } from '../store/clock';
import type { DbHandle } from '../store/db';
import type { Mailer } from './mailer';
import { claimDueNotifications, markNotificationFailed, markNotificationRetry, markNotificationSent, type Notification } from './notifications';

export interface NotifierOptions {
  worker: string;
  /** First retry delay; doubles each try, capped by maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  maxAttempts?: number;
  /** How often rows queued by other instances (or due retries) are looked for. */
  pollMs?: number;
}

export interface NotifierHooks {
  /** After a row is sent or failed for good (for case timelines and operator alerts). */
  onSettled?(n: Notification, outcome: { ok: true } | { ok: false; reason: string }): Promise<void> | void;
}

export class Notifier {
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private running?: Promise<number>;
  private again = false;
  private readonly opts: Required<NotifierOptions>;

  constructor(
    private deps: { store: DbHandle; clock: Clock; mailer?: Mailer; log: { warn(o: object, m?: string): void; error(o: object, m?: string): void } },
    options: NotifierOptions,
    private hooks: NotifierHooks = {},
  ) {
    this.opts = { baseDelayMs: 30_000, maxDelayMs: 15 * 60_000, maxAttempts: 60, pollMs: 5_000, ...options };
  }

  get enabled(): boolean {
    return !!this.deps.mailer;
  }

  start(): void {
    if (!this.deps.mailer) {
      this.deps.log.warn({}, 'SMTP_URL is not set: notifications to agencies are queued but not sent');
      return;
    }
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await this.running?.catch(() => undefined);
    this.deps.mailer?.close();
  }

  /** Sends what is due now (called after a commit that queued mail, and by tests). */
  kick(): void {
    if (this.stopped) return;
    void this.sendDue().catch((err) => this.deps.log.error({ err }, 'notification send failed'));
  }

  /** Sends every due row once; concurrent calls coalesce. Returns how many rows were attempted. */
  async sendDue(): Promise<number> {
    if (!this.deps.mailer) return 0;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = this.loop().finally(() => (this.running = undefined));
    return this.running;
  }

  private async loop(): Promise<number> {
    let total = 0;
    do {
      this.again = false;
      for (;;) {
        const now = this.deps.clock.now();
        const leaseUntil = new Date(now.getTime() + 5 * 60_000).toISOString();
        const batch = await claimDueNotifications(this.deps.store.db, { worker: this.opts.worker, now: now.toISOString(), leaseUntil, limit: 10 });
        for (const n of batch) await this.deliver(n);
        total += batch.length;
        if (batch.length < 10) break;
      }
    } while (this.again && !this.stopped);
    return total;
  }

  private schedule(delay: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(async () => {
      await this.sendDue().catch((err) => this.deps.log.error({ err }, 'notification poll failed'));
      this.schedule(this.opts.pollMs);
    }, delay);
    this.timer.unref();
  }

  private async deliver(n: Notification): Promise<void> {
    const { db } = this.deps.store;
    let outcome: { ok: true } | { ok: false; reason: string };
    try {
      await this.deps.mailer!.send({ to: n.recipients, subject: n.subject, text: n.body });
      await markNotificationSent(db, n.id, this.deps.clock.now().toISOString());
      outcome = { ok: true };
    } catch (err) {
      const e = err as { responseCode?: number; message?: string; response?: string };
      const reason = (e.response ?? e.message ?? String(err)).slice(0, 500);
      const attempts = n.attempts + 1;
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500;
      if (!permanent && attempts < this.opts.maxAttempts) {
        const delay = retryDelayMs(attempts - 1, { baseMs: this.opts.baseDelayMs, maxMs: this.opts.maxDelayMs });
        await markNotificationRetry(db, n.id, new Date(this.deps.clock.now().getTime() + delay).toISOString(), reason);
        this.deps.log.warn({ notificationId: n.id, attempts, delay, reason }, 'notification will be retried');
        return;
      }
      await markNotificationFailed(db, n.id, reason);
      this.deps.log.warn({ notificationId: n.id, reason }, 'notification failed permanently');
      outcome = { ok: false, reason };
    }
    try {
      await this.hooks.onSettled?.(n, outcome);
    } catch (err) {
      this.deps.log.error({ err, notificationId: n.id }, 'notification hook failed');
    }
  }
}
