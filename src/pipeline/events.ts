/**
 * Realtime events for operators, widgets and dashboards. On PostgreSQL they cross instances through
 * LISTEN/NOTIFY, so an operator on one instance sees what a citizen wrote to another.
 */
import { EventEmitter } from 'node:events';
import type { Pool, PoolClient } from 'pg';

export type PlatformEvent =
  | { type: 'message.created'; conversationId: string; messageId: string; direction: 'in' | 'out'; author: string; internal?: boolean }
  | { type: 'message.status'; conversationId: string; messageId: string; status: string; reason?: string | null }
  | { type: 'conversation.updated'; conversationId: string; state: string; assigneeId?: string | null; urgency?: string }
  | { type: 'case.updated'; caseId: string; conversationId?: string | null; status: string; level?: string }
  | { type: 'urgent.alert'; conversationId: string; level: string; symptoms: string[] }
  | { type: 'kb.published'; version: string }
  | { type: 'typing'; conversationId: string; who: 'citizen' | 'operator' | 'bot'; on: boolean }
  | { type: 'banner'; kind: string; text: string }
  | { type: string; [key: string]: unknown };

export interface EventBus {
  publish(event: PlatformEvent): void;
  subscribe(listener: (event: PlatformEvent) => void): () => void;
  close(): Promise<void>;
}

export class LocalEventBus implements EventBus {
  protected emitter = new EventEmitter().setMaxListeners(0);
  publish(event: PlatformEvent): void {
    this.deliver(event);
  }
  protected deliver(event: PlatformEvent): void {
    this.emitter.emit('event', event);
  }
  subscribe(listener: (event: PlatformEvent) => void): () => void {
    const safe = (e: PlatformEvent) => {
      try {
        listener(e);
      } catch {
        // a listener's failure must not stop the others
      }
    };
    this.emitter.on('event', safe);
    return () => this.emitter.off('event', safe);
  }
  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}

const CHANNEL = 'hotline1022_events';

/** Events published on any instance reach the listeners of every instance (including this one, exactly once). */
export class PostgresEventBus extends LocalEventBus {
  private client?: PoolClient;
  private closed = false;
  private readonly origin = Math.random().toString(36).slice(2);

  constructor(private pool: Pool, private onError: (err: unknown) => void = () => undefined) {
    super();
  }

  async start(): Promise<void> {
    await this.listen();
  }

  private async listen(): Promise<void> {
    const client = await this.pool.connect();
    this.client = client;
    client.on('notification', (n) => {
      if (!n.payload) return;
      try {
        const { origin, event } = JSON.parse(n.payload) as { origin: string; event: PlatformEvent };
        if (origin !== this.origin) this.deliver(event);
      } catch (err) {
        this.onError(err);
      }
    });
    client.on('error', (err) => {
      this.onError(err);
      client.release(true);
      if (!this.closed) setTimeout(() => this.listen().catch(this.onError), 1000).unref();
    });
    await client.query(`LISTEN ${CHANNEL}`);
  }

  override publish(event: PlatformEvent): void {
    this.deliver(event);
    const payload = JSON.stringify({ origin: this.origin, event });
    // NOTIFY payloads are limited to 8000 bytes: events carry ids, listeners load the rest.
    if (Buffer.byteLength(payload) > 7900) return this.onError(new Error(`event ${event.type} too large to cross instances`));
    this.pool.query('SELECT pg_notify($1, $2)', [CHANNEL, payload]).catch(this.onError);
  }

  override async close(): Promise<void> {
    this.closed = true;
    this.client?.release();
    await super.close();
  }
}
