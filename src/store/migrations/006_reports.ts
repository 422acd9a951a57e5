/**
 * Intake levels and reports: operators' shifts, phone calls logged in the console, the level announced (one row,
 * changed by compare-and-set so several instances announce a change once), the notices sent, the daily report
 * jobs (one per local day: the claim that sends it once across instances) and the archive of every report made.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('shifts')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id'))
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('ends_at', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // operator | reserve
    .addColumn('phone_line', 'integer', (c) => c.notNull().defaultTo(0)) // answers a (0271) 1022 line
    .addColumn('note', 'text')
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('shifts_time').on('shifts').columns(['starts_at', 'ends_at']).execute();
  await db.schema.createIndex('shifts_user').on('shifts').columns(['user_id', 'starts_at']).execute();

  await db.schema
    .createTable('phone_calls')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('operator_id', 'text', (c) => c.notNull())
    .addColumn('caller_number', 'text', (c) => c.notNull())
    .addColumn('topic', 'text', (c) => c.notNull())
    .addColumn('urgency', 'text', (c) => c.notNull()) // none | urgent | emergency
    .addColumn('note', 'text', (c) => c.notNull())
    .addColumn('outcome', 'text', (c) => c.notNull())
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('case_id', 'text')
    .execute();
  await db.schema.createIndex('phone_calls_at').on('phone_calls').column('at').execute();

  // The level last announced: a single row updated with compare-and-set on `version`.
  await db.schema
    .createTable('level_state')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('current_level', 'integer', (c) => c.notNull())
    .addColumn('projected_level', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('level_notices')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('at', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull()) // local date
    .addColumn('kind', 'text', (c) => c.notNull()) // risen | lowered | projected
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('previous_level', 'integer', (c) => c.notNull())
    .addColumn('count_day', 'integer', (c) => c.notNull())
    .addColumn('count_24h', 'integer', (c) => c.notNull())
    .addColumn('projected', 'integer')
    .addColumn('detail', 'text', (c) => c.notNull()) // JSON: required and actual staffing, period
    .addColumn('text', 'text', (c) => c.notNull()) // the banner shown in the console
    .execute();
  await db.schema.createIndex('level_notices_at').on('level_notices').column('at').execute();

  // One row per report day: inserting it is the claim (primary key), so one instance sends each day's report.
  await db.schema
    .createTable('report_jobs')
    .addColumn('day', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull()) // running | retry | sent | archived (nobody to send to)
    .addColumn('claimed_by', 'text')
    .addColumn('claimed_until', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('report_id', 'text')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .execute();

  // Every report made (scheduled, on demand): its files as base64 text (the same on SQLite and PostgreSQL).
  await db.schema
    .createTable('reports')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('trigger', 'text', (c) => c.notNull()) // scheduled | manual
    .addColumn('generated_at', 'text', (c) => c.notNull())
    .addColumn('generated_by', 'text')
    .addColumn('summary', 'text', (c) => c.notNull()) // JSON: key figures
    .addColumn('xlsx', 'text', (c) => c.notNull())
    .addColumn('pdf', 'text', (c) => c.notNull())
    .addColumn('html', 'text', (c) => c.notNull())
    .addColumn('sent_at', 'text')
    .addColumn('sent_to', 'text') // JSON array
    .addColumn('send_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .execute();
  await db.schema.createIndex('reports_day').on('reports').columns(['day', 'generated_at']).execute();

  // Reading a day's handling: answers and cases per conversation, cases by creation time.
  await db.schema.createIndex('kb_answers_conversation').on('kb_answers').column('conversation_id').execute();
  await db.schema.createIndex('cases_kind_created').on('cases').columns(['kind', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
