/**
 * Cases (urgent reports and forwarded questions): the columns the lifecycle needs beyond the core table, the signed
 * links given to agencies, and the durable outgoing notifications (mail to agencies, supervisors, the province point).
 */
import { Kysely, sql } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // SQLite adds one column per statement.
  const add = (column: string, type: 'text' | 'integer', notNullDefault?: number) =>
    db.schema
      .alterTable('cases')
      .addColumn(column, type, (c) => (notNullDefault === undefined ? c : c.notNull().defaultTo(notNullDefault)))
      .execute();
  await add('code', 'text'); // the short reference citizens, operators and agencies quote
  await add('district_id', 'text');
  await add('notify_due_at', 'text'); // urgent: the latest time the agency is told, even with details missing
  await add('notified_at', 'text');
  await add('reminded_at', 'text'); // forward: last overdue reminder
  await add('created_by', 'text'); // forward: the operator who forwarded
  await add('share_contact', 'integer', 0);
  await add('answered_at', 'text');
  await add('answered_by', 'text'); // the name the agency officer typed
  await add('approved_at', 'text');
  await add('approved_by', 'text');
  await sql`CREATE UNIQUE INDEX cases_code ON cases (code)`.execute(db);
  await db.schema.createIndex('cases_conversation').on('cases').columns(['conversation_id', 'kind']).execute();

  // One row per link sent to an agency; the token carries the nonce, so a link can be told apart and revoked.
  await db.schema
    .createTable('case_links')
    .addColumn('nonce', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text', (c) => c.notNull().references('cases.id'))
    .addColumn('agency_id', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('revoked_at', 'text')
    .execute();
  await db.schema.createIndex('case_links_case').on('case_links').column('case_id').execute();

  // Mail we must send: written in the transaction of the change it reports, sent (and retried) by the notifier.
  await db.schema
    .createTable('notifications')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('case_id', 'text')
    .addColumn('kind', 'text', (c) => c.notNull())
    .addColumn('recipients', 'text', (c) => c.notNull()) // JSON array of addresses
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // pending | sent | failed
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();
  await db.schema.createIndex('notifications_due').on('notifications').columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('notifications_case').on('notifications').column('case_id').execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
