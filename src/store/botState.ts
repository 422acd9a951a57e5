/** Storage of the dialog engine's state, with eTag optimistic concurrency. */
import type { Executor } from './executor';
import { newId } from './ids';

export interface StoredState {
  data: Record<string, unknown>;
  etag: string;
}

export class ETagConflictError extends Error {
  constructor(key: string) {
    super(`eTag conflict on ${key}`);
  }
}

export async function readStates(db: Executor, keys: string[]): Promise<Record<string, StoredState>> {
  if (!keys.length) return {};
  const rows = await db.selectFrom('bot_state').selectAll().where('key', 'in', keys).execute();
  return Object.fromEntries(rows.map((r) => [r.key, { data: JSON.parse(r.data), etag: r.etag }]));
}

/**
 * Writes a state. With an eTag other than '*', the write succeeds only if the stored row still has it
 * (or, for a new key, if none exists); otherwise ETagConflictError. Returns the new eTag.
 */
export async function writeState(db: Executor, key: string, data: Record<string, unknown>, etag: string | undefined, at: string): Promise<string> {
  const next = newId();
  const body = JSON.stringify(data);
  if (etag && etag !== '*') {
    const result = await db.updateTable('bot_state').set({ data: body, etag: next, updated_at: at }).where('key', '=', key).where('etag', '=', etag).executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) throw new ETagConflictError(key);
    return next;
  }
  await db
    .insertInto('bot_state')
    .values({ key, data: body, etag: next, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ data: body, etag: next, updated_at: at }))
    .execute();
  return next;
}

export async function deleteStates(db: Executor, keys: string[]): Promise<void> {
  if (keys.length) await db.deleteFrom('bot_state').where('key', 'in', keys).execute();
}
