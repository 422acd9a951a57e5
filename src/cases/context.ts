/** What every case service shares: the store, the clock, the directory, texts, settings, and after-commit work. */
import { sql } from 'kysely';
import type { EventBus, PlatformEvent } from '../pipeline/events';
import type { WrittenOutbound } from '../pipeline/outbound';
import type { Clock } from '../store/clock';
import type { DbHandle } from '../store/db';
import type { Executor } from '../store/executor';
import type { AgencyContact, AgencyRouting } from './agencies';
import type { MailContext } from './mails';
import type { CaseTexts } from './texts';

export interface CaseSettings {
  timeZone: string;
  /** An urgent case goes to its agency at the latest this long after creation. */
  notifyAfterMinutes: number;
  /** An urgent case must be acknowledged within this time, or it escalates. */
  ackSlaMinutes: number;
  supervisorEmails: string[];
  linkTtlHours: number;
  /** Base of the agency links (PUBLIC_URL, known once the server listens). */
  publicUrl(): string;
  /** HMAC key of the agency links (the platform secret). */
  secret: string;
}

export interface CaseDeps {
  store: DbHandle;
  clock: Clock;
  bus: EventBus;
  agencies: AgencyRouting;
  texts: CaseTexts;
  settings: CaseSettings;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
  /** Wakes the notifier after a commit that queued mail. */
  kickNotifier(): void;
  /** New outbox rows after a commit (the delivery worker sends them at once). */
  onOutbound?(rows: WrittenOutbound[]): void;
}

/** A refused action, with the HTTP status and a Vietnamese message for the operator. */
export class CaseError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What a transaction leaves to do after its commit. */
export interface AfterCommit {
  events: PlatformEvent[];
  written: WrittenOutbound[];
  mail: boolean;
}

export class CaseContext {
  constructor(readonly deps: CaseDeps) {}

  get db() {
    return this.deps.store.db;
  }
  get settings(): CaseSettings {
    return this.deps.settings;
  }
  get mailContext(): MailContext {
    return { texts: this.deps.texts, timeZone: this.deps.settings.timeZone };
  }
  now(): Date {
    return this.deps.clock.now();
  }

  province(at?: Date): AgencyContact | undefined {
    return this.deps.agencies.provincePoint(at);
  }

  /** Runs `fn` in one transaction, then publishes its events, wakes the notifier and the delivery worker. */
  async run<T>(fn: (tx: Executor, at: string, out: AfterCommit) => Promise<T>): Promise<T> {
    const out: AfterCommit = { events: [], written: [], mail: false };
    const at = this.now().toISOString();
    const value = await this.db.transaction().execute((tx) => fn(tx, at, out));
    this.flush(out);
    return value;
  }

  flush(out: AfterCommit): void {
    for (const e of out.events) this.deps.bus.publish(e);
    if (out.mail) this.deps.kickNotifier();
    if (out.written.length) this.deps.onOutbound?.(out.written);
  }

  /** Locks a case row for the rest of the transaction on PostgreSQL (SQLite transactions are serial anyway). */
  async lockCase(tx: Executor, id: string): Promise<void> {
    if (this.deps.store.dialect === 'postgres') await sql`select id from cases where id = ${id} for update`.execute(tx);
  }
}
