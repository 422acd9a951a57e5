/** The audit log: who changed what, when. Written in the transaction of the change it records. */
import type { Executor } from './executor';
import { json, newId, parseJson } from './ids';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  detail: Record<string, unknown>;
}

export async function audit(
  db: Executor,
  e: { actorId: string | null; action: string; targetType?: string; targetId?: string; detail?: Record<string, unknown>; at: string },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({ id: newId(), at: e.at, actor_id: e.actorId, action: e.action, target_type: e.targetType ?? null, target_id: e.targetId ?? null, detail: json(e.detail ?? {}) })
    .execute();
}

export async function listAudit(db: Executor, filter: { targetId?: string; actorId?: string; limit?: number } = {}): Promise<AuditEntry[]> {
  let q = db.selectFrom('audit_log').selectAll().orderBy('at', 'desc').limit(filter.limit ?? 200);
  if (filter.targetId) q = q.where('target_id', '=', filter.targetId);
  if (filter.actorId) q = q.where('actor_id', '=', filter.actorId);
  const rows = await q.execute();
  return rows.map((r) => ({ id: r.id, at: r.at, actorId: r.actor_id, action: r.action, targetType: r.target_type, targetId: r.target_id, detail: parseJson(r.detail, {}) }));
}
