/**
 * The outbox: every message we send is a row here, written in the same transaction as the state that produced it.
 * Workers claim due rows with a lease; on PostgreSQL with FOR UPDATE SKIP LOCKED so two instances never take the same row.
 */
import { sql } from 'kysely';
import type { OutboundMessage } from '../../channels/types';
import type { Dialect } from './db';
import type { Executor } from './executor';
import { json, newId, parseJson } from './ids';
import type { OutboxRow } from './schema';

export interface OutboxItem {
  id: string;
  messageId: string;
  conversationId: string;
  channel: string;
  payload: Omit<OutboundMessage, 'outboxId' | 'attempt'>;
  attempts: number;
}

export async function enqueue(db: Executor, messageId: string, payload: Omit<OutboundMessage, 'outboxId' | 'attempt'>, at: string): Promise<string> {
  const id = newId();
  await db
    .insertInto('outbox')
    .values({
      id,
      message_id: messageId,
      conversation_id: payload.conversationId,
      channel: payload.channel,
      payload: json(payload),
      status: 'pending',
      attempts: 0,
      next_attempt_at: at,
      claimed_by: null,
      claimed_until: null,
      last_error: null,
      created_at: at,
      sent_at: null,
    })
    .execute();
  return id;
}

/**
 * Claims up to `limit` due rows for `worker` until `leaseUntil`. A row whose lease ran out (its worker died) is due again.
 * With `ids`, only those rows (the in-process fast path right after a commit).
 */
export async function claimDue(
  db: Executor,
  dialect: Dialect,
  opts: { worker: string; now: string; leaseUntil: string; limit: number; ids?: string[] },
): Promise<OutboxItem[]> {
  const due = (qb: any) =>
    qb
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', opts.now)
      .where((eb: any) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', opts.now)]));
  let rows: OutboxRow[];
  if (opts.ids) {
    // Rows this instance just wrote: the conditional update alone decides who gets each (no scan, no lock wait).
    if (!opts.ids.length) return [];
    rows = (await db
      .updateTable('outbox')
      .set({ claimed_by: opts.worker, claimed_until: opts.leaseUntil })
      .where('id', 'in', opts.ids)
      .$call(due)
      .returningAll()
      .execute()) as OutboxRow[];
  } else {
    const candidates = db.selectFrom('outbox').select('id').$call(due).orderBy('next_attempt_at').orderBy('id').limit(opts.limit);
    const locked = dialect === 'postgres' ? candidates.modifyEnd(sql`for update skip locked`) : candidates;
    rows = (await db
      .updateTable('outbox')
      .set({ claimed_by: opts.worker, claimed_until: opts.leaseUntil })
      .where('id', 'in', locked as any)
      .$call(due)
      .returningAll()
      .execute()) as OutboxRow[];
  }
  // UPDATE … RETURNING gives no order: sort by id (time-ordered) so one conversation's rows go out in order.
  return rows.sort((a, b) => (a.id < b.id ? -1 : 1)).map((r) => ({
    id: r.id,
    messageId: r.message_id,
    conversationId: r.conversation_id,
    channel: r.channel,
    payload: parseJson(r.payload, {} as OutboxItem['payload']),
    attempts: r.attempts,
  }));
}

export async function markSent(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'sent', sent_at: at, attempts: sql`attempts + 1`, claimed_by: null, claimed_until: null, last_error: null })
    .where('id', '=', id)
    .execute();
}

export async function markRetry(db: Executor, id: string, nextAttemptAt: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ attempts: sql`attempts + 1`, next_attempt_at: nextAttemptAt, claimed_by: null, claimed_until: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

export async function markFailed(db: Executor, id: string, error: string): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ status: 'failed', attempts: sql`attempts + 1`, claimed_by: null, claimed_until: null, last_error: error })
    .where('id', '=', id)
    .execute();
}

