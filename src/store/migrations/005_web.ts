/** Web chat widget sessions: the token lives in the citizen's browser, only its SHA-256 is stored here. */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('widget_sessions')
    .addColumn('id', 'text', (c) => c.primaryKey()) // the session id: externalUserId of the webchat channel
    .addColumn('token_hash', 'text', (c) => c.notNull().unique())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('last_seen_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .addColumn('revoked_reason', 'text')
    .execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
