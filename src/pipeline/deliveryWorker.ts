/**
 * Sends outbox rows through their channel's connector. Retries network errors, timeouts, 5xx and 429 with
 * exponential backoff and jitter (honouring Retry-After); records a permanent failure with the channel's reason,
 * which operators see on the message. Rows are claimed with a lease, so after a crash another worker resends them.
 */
import type { ChannelConnector, OutboundMessage, SendResult } from '../../channels/types';
import type { Clock } from '../store/clock';
import type { DbHandle } from '../store/db';
import { setDeliveryStatus } from '../store/messages';
import { claimDue, markFailed, markRetry, markSent, type OutboxItem } from '../store/outbox';
import { retryDelayMs } from './backoff';
import { KeyedQueue } from './keyedQueue';
import type { EventBus } from './events';

export interface DeliveryOptions {
  worker: string;
  concurrency: number;
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  pollMs: number;
  sendTimeoutMs: number;
}

export class DeliveryWorker {
  private running = 0;
  private timer?: NodeJS.Timeout;
  private stopped = true;
  private polling = false;
  private inFlight = new Set<Promise<void>>();
  private ordered = new KeyedQueue();
  private sentBatch: Array<{ item: OutboxItem; externalId: string | undefined; at: string }> = [];
  private sentFlush?: Promise<void>;

  constructor(
    private deps: { store: DbHandle; clock: Clock; bus: EventBus; connectors: Map<string, ChannelConnector>; log: { warn(o: object, m?: string): void; error(o: object, m?: string): void } },
    private options: DeliveryOptions,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedulePoll(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all([...this.inFlight]);
  }

  /** Fast path: rows just committed by this instance are claimed and sent at once. */
  kick(ids: string[]): void {
    if (this.stopped || !ids.length) return;
    this.track(this.claimAndSend(ids));
  }

  private schedulePoll(delay: number): void {
    if (this.stopped) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.poll(), delay);
    this.timer.unref();
  }

  private async poll(): Promise<void> {
    if (this.stopped || this.polling) return;
    this.polling = true;
    try {
      while (!this.stopped) {
        const free = this.options.concurrency - this.running;
        if (free <= 0) break;
        const claimed = await this.claimAndSend(undefined, free);
        if (claimed < free) break;
      }
    } catch (err) {
      this.deps.log.error({ err }, 'delivery poll failed');
    } finally {
      this.polling = false;
      this.schedulePoll(this.options.pollMs);
    }
  }

  /** Waits for every send in flight (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  private track(p: Promise<unknown>): void {
    const done: Promise<void> = p.then(
      () => undefined,
      (err) => this.deps.log.error({ err }, 'delivery failed'),
    );
    this.inFlight.add(done);
    void done.then(() => this.inFlight.delete(done));
  }

  private async claimAndSend(ids?: string[], limit = ids?.length ?? this.options.concurrency): Promise<number> {
    const now = this.deps.clock.now();
    // A send ends by its timeout; the lease outlives it a little, so rows of a worker that died are soon due again.
    const leaseUntil = new Date(now.getTime() + this.options.sendTimeoutMs + 5000).toISOString();
    const items = await claimDue(this.deps.store.db, this.deps.store.dialect, { worker: this.options.worker, now: now.toISOString(), leaseUntil, limit, ids });
    // One conversation's messages are sent one after the other, in order; different conversations in parallel.
    for (const item of items) this.track(this.ordered.run(item.conversationId, () => this.deliver(item)));
    return items.length;
  }

  private async deliver(item: OutboxItem): Promise<void> {
    this.running++;
    try {
      const connector = this.deps.connectors.get(item.channel);
      const result: SendResult = connector
        ? await this.sendWithTimeout(connector, { ...item.payload, outboxId: item.id, attempt: item.attempts })
        : { ok: false, retryable: false, reason: `kênh ${item.channel} chưa được cấu hình` };
      await this.record(item, result);
    } finally {
      this.running--;
    }
  }

  private async sendWithTimeout(connector: ChannelConnector, message: OutboundMessage): Promise<SendResult> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<SendResult>((resolve) => {
      timer = setTimeout(() => resolve({ ok: false, retryable: true, reason: `timeout after ${this.options.sendTimeoutMs} ms` }), this.options.sendTimeoutMs);
    });
    try {
      return await Promise.race([
        connector.send(message).catch((err: unknown): SendResult => ({ ok: false, retryable: true, reason: `network error: ${(err as Error)?.message ?? String(err)}` })),
        timeout,
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * Sends that succeeded in the same moment are recorded in one transaction: a commit costs more than the two updates
   * each needs. A crash before the commit only means those rows are sent again (receivers drop repeats by outbox id).
   */
  private recordSent(item: OutboxItem, externalId: string | undefined, at: string): Promise<void> {
    this.sentBatch.push({ item, externalId, at });
    this.sentFlush ??= new Promise<void>((resolve, reject) => {
      setImmediate(() => {
        const batch = this.sentBatch;
        this.sentBatch = [];
        this.sentFlush = undefined;
        this.deps.store.db
          .transaction()
          .execute(async (tx) => {
            for (const sent of batch) {
              await markSent(tx, sent.item.id, sent.at);
              await setDeliveryStatus(tx, sent.item.messageId, 'sent', null, sent.externalId);
            }
          })
          .then(resolve, reject);
      });
    });
    return this.sentFlush;
  }

  private async record(item: OutboxItem, result: SendResult): Promise<void> {
    const { db } = this.deps.store;
    const now = this.deps.clock.now();
    const conversationId = item.conversationId;
    if (result.ok) {
      await this.recordSent(item, result.externalId, now.toISOString());
      this.deps.bus.publish({ type: 'message.status', conversationId, messageId: item.messageId, status: 'sent' });
      return;
    }
    const attempts = item.attempts + 1;
    if (result.retryable && attempts < this.options.maxAttempts) {
      const delay = retryDelayMs(attempts - 1, { baseMs: this.options.baseDelayMs, maxMs: this.options.maxDelayMs, retryAfterMs: result.retryAfterMs });
      await markRetry(db, item.id, new Date(now.getTime() + delay).toISOString(), result.reason);
      this.deps.log.warn({ outboxId: item.id, channel: item.channel, attempts, delay, reason: result.reason }, 'delivery will be retried');
      this.schedulePoll(Math.min(delay, this.options.pollMs));
      return;
    }
    const reason = result.retryable ? `${result.reason} (đã thử ${attempts} lần)` : result.reason;
    await db.transaction().execute(async (tx) => {
      await markFailed(tx, item.id, reason);
      await setDeliveryStatus(tx, item.messageId, 'failed', reason);
    });
    this.deps.log.warn({ outboxId: item.id, channel: item.channel, reason }, 'delivery failed permanently');
    this.deps.bus.publish({ type: 'message.status', conversationId, messageId: item.messageId, status: 'failed', reason });
  }
}
