/**
 * The notifications table: mail we owe someone (an agency, the supervisors), written in the transaction of the
 * change it reports, so a crash or an SMTP outage loses nothing. Rows are claimed one by one with a conditional
 * UPDATE, so two instances never send the same row.
 */
import type { Executor } from '../store/executor';
import { json, newId, parseJson } from '../store/ids';
import './schema';
import type { NotificationRow } from './schema';

export type NotificationKind = 'urgent' | 'urgent.update' | 'escalation' | 'forward' | 'reminder' | 'answer';

export interface NewNotification {
  caseId?: string | null;
  kind: NotificationKind;
  recipients: string[];
  subject: string;
  body: string;
}

export interface Notification {
  id: string;
  caseId: string | null;
  kind: string;
  recipients: string[];
  subject: string;
  body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: string;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export function toNotification(r: NotificationRow): Notification {
  return {
    id: r.id,
    caseId: r.case_id,
    kind: r.kind,
    recipients: parseJson<string[]>(r.recipients, []),
    subject: r.subject,
    body: r.body,
    status: r.status as Notification['status'],
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    lastError: r.last_error,
    createdAt: r.created_at,
    sentAt: r.sent_at,
  };
}

/** Queues a mail; returns its id, or undefined when there is nobody to send it to. */
export async function enqueueNotification(db: Executor, n: NewNotification, at: string): Promise<string | undefined> {
  const recipients = [...new Set(n.recipients.map((r) => r.trim()).filter(Boolean))];
  if (!recipients.length) return undefined;
  const id = newId();
  await db
    .insertInto('notifications')
    .values({
      id,
      case_id: n.caseId ?? null,
      kind: n.kind,
      recipients: json(recipients),
      subject: n.subject,
      body: n.body,
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
 * Claims up to `limit` due rows for `worker` until `leaseUntil` (a row whose lease ran out is due again), in one
 * conditional UPDATE: a row another instance claimed meanwhile fails the repeated condition and is skipped.
 */
export async function claimDueNotifications(db: Executor, opts: { worker: string; now: string; leaseUntil: string; limit: number }): Promise<Notification[]> {
  // Same condition for the candidate scan and the UPDATE (shared by a select and an update builder, hence `any`).
  const due = (qb: any) =>
    qb
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', opts.now)
      .where((eb: any) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', opts.now)]));
  const candidates = db.selectFrom('notifications').select('id').$call(due).orderBy('next_attempt_at').orderBy('id').limit(opts.limit);
  const rows = (await db
    .updateTable('notifications')
    .set({ claimed_by: opts.worker, claimed_until: opts.leaseUntil })
    .where('id', 'in', candidates)
    .$call(due)
    .returningAll()
    .execute()) as NotificationRow[];
  // UPDATE … RETURNING gives no order: oldest due first, as before.
  rows.sort((a, b) => (a.next_attempt_at === b.next_attempt_at ? (a.id < b.id ? -1 : 1) : a.next_attempt_at < b.next_attempt_at ? -1 : 1));
  return rows.map(toNotification);
}

export async function markNotificationSent(db: Executor, id: string, at: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set((eb) => ({ status: 'sent', sent_at: at, attempts: eb('attempts', '+', 1), claimed_by: null, claimed_until: null, last_error: null }))
    .where('id', '=', id)
    .execute();
}

export async function markNotificationRetry(db: Executor, id: string, nextAttemptAt: string, error: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set((eb) => ({ attempts: eb('attempts', '+', 1), next_attempt_at: nextAttemptAt, claimed_by: null, claimed_until: null, last_error: error }))
    .where('id', '=', id)
    .execute();
}

export async function markNotificationFailed(db: Executor, id: string, error: string): Promise<void> {
  await db
    .updateTable('notifications')
    .set((eb) => ({ status: 'failed', attempts: eb('attempts', '+', 1), claimed_by: null, claimed_until: null, last_error: error }))
    .where('id', '=', id)
    .execute();
}

export async function listCaseNotifications(db: Executor, caseId: string): Promise<Notification[]> {
  const rows = await db.selectFrom('notifications').selectAll().where('case_id', '=', caseId).orderBy('created_at').orderBy('id').execute();
  return rows.map(toNotification);
}
