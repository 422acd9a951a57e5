/** Small durable settings (rotated channel tokens, the published knowledge-base version…). */
import type { Executor } from './executor';

export async function getValue(db: Executor, key: string): Promise<string | undefined> {
  const row = await db.selectFrom('kv').select('value').where('key', '=', key).executeTakeFirst();
  return row?.value;
}

export async function setValue(db: Executor, key: string, value: string, at: string): Promise<void> {
  await db
    .insertInto('kv')
    .values({ key, value, updated_at: at })
    .onConflict((oc) => oc.column('key').doUpdateSet({ value, updated_at: at }))
    .execute();
}
