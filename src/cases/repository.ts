/** SQL of the case tables; every function takes an Executor so the caller chooses the transaction. */
import type { Executor } from '../store/executor';
import { json, newId, parseJson } from '../store/ids';
import type { CaseRow } from '../store/schema';
import { toCase, type Case, type CaseEvent, type CaseKind } from './model';
import './schema';

export type NewCaseRow = Omit<CaseRow, 'id' | 'created_at' | 'updated_at'>;

export async function insertCase(db: Executor, values: Partial<NewCaseRow> & Pick<NewCaseRow, 'kind' | 'status' | 'code'>, at: string): Promise<Case> {
  const row: CaseRow = {
    id: newId(),
    conversation_id: null,
    contact_id: null,
    channel: null,
    level: 'none',
    agency_id: null,
    symptoms: '[]',
    details: '{}',
    question: null,
    answer: null,
    due_at: null,
    acknowledged_at: null,
    acknowledged_by: null,
    escalated_at: null,
    closed_at: null,
    district_id: null,
    notify_due_at: null,
    notified_at: null,
    reminded_at: null,
    created_by: null,
    share_contact: 0,
    answered_at: null,
    answered_by: null,
    approved_at: null,
    approved_by: null,
    ...values,
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('cases').values(row).execute();
  return toCase(row);
}

export async function getCase(db: Executor, id: string): Promise<Case | undefined> {
  const row = await db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toCase(row);
}

export async function findOpenCase(db: Executor, conversationId: string, kind: CaseKind): Promise<Case | undefined> {
  const row = await db
    .selectFrom('cases')
    .selectAll()
    .where('conversation_id', '=', conversationId)
    .where('kind', '=', kind)
    .where('closed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row && toCase(row);
}

export async function codeTaken(db: Executor, code: string): Promise<boolean> {
  return !!(await db.selectFrom('cases').select('id').where('code', '=', code).executeTakeFirst());
}

export async function updateCase(db: Executor, id: string, patch: Partial<Omit<CaseRow, 'id' | 'created_at'>>, at: string): Promise<void> {
  await db.updateTable('cases').set({ ...patch, updated_at: at }).where('id', '=', id).execute();
}

let eventSeq = 0;
/** Event ids sort in insertion order among events of the same time (one transaction writes several). */
const eventId = (at: string) => `${at}~${String(++eventSeq % 1e6).padStart(6, '0')}~${newId().slice(0, 8)}`;

export async function addCaseEvent(db: Executor, e: { caseId: string; actor: string; action: string; detail?: Record<string, unknown>; at: string }): Promise<void> {
  await db
    .insertInto('case_events')
    .values({ id: eventId(e.at), case_id: e.caseId, at: e.at, actor: e.actor, action: e.action, detail: json(e.detail ?? {}) })
    .execute();
}

export async function listCaseEvents(db: Executor, caseId: string): Promise<CaseEvent[]> {
  const rows = await db.selectFrom('case_events').selectAll().where('case_id', '=', caseId).orderBy('at').orderBy('id').execute();
  return rows.map((r) => ({ id: r.id, caseId: r.case_id, at: r.at, actor: r.actor, action: r.action, detail: parseJson(r.detail, {}) }));
}

/** Open cases first; among them emergency, then urgent; then the nearest deadline; then the newest. */
export async function listCases(db: Executor, filter: { open?: boolean; kind?: CaseKind; conversationId?: string; limit?: number } = {}): Promise<Case[]> {
  let q = db.selectFrom('cases').selectAll();
  if (filter.open === true) q = q.where('closed_at', 'is', null);
  if (filter.open === false) q = q.where('closed_at', 'is not', null);
  if (filter.kind) q = q.where('kind', '=', filter.kind);
  if (filter.conversationId) q = q.where('conversation_id', '=', filter.conversationId);
  const rows = await q
    .orderBy((eb) => eb.case().when('closed_at', 'is', null).then(0).else(1).end())
    .orderBy((eb) => eb.case().when('level', '=', 'emergency').then(0).when('level', '=', 'urgent').then(1).else(2).end())
    .orderBy((eb) => eb.case().when('due_at', 'is', null).then(1).else(0).end())
    .orderBy('due_at', 'asc')
    .orderBy('created_at', 'desc')
    .limit(filter.limit ?? 200)
    .execute();
  return rows.map(toCase);
}

/**
 * Claims a case for a one-time step: sets `set` only where `where` still holds (another instance may have done it).
 * True when this caller won.
 */
export async function claimCase(
  db: Executor,
  id: string,
  set: Partial<Omit<CaseRow, 'id' | 'created_at'>>,
  guard: (qb: any) => any,
  at: string,
): Promise<Case | undefined> {
  const row = await db
    .updateTable('cases')
    .set({ ...set, updated_at: at })
    .where('id', '=', id)
    .$call(guard)
    .returningAll()
    .executeTakeFirst();
  return row ? toCase(row as CaseRow) : undefined;
}
