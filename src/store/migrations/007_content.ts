/**
 * The content team's workspace: working copies of entries ahead of the live one, the document library, what was
 * done with unanswered questions, edited text rules (synonyms, teencode, the bot's fixed texts) and import jobs.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  // A change to a published (or archived) entry waits here until it is published; the live row stays in kb_entries.
  await db.schema
    .createTable('kb_drafts')
    .addColumn('entry_id', 'text', (c) => c.primaryKey())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull()) // draft | review
    .addColumn('data', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  await db.schema
    .createTable('kb_documents')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('number', 'text', (c) => c.notNull())
    .addColumn('issuer', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull()) // pdf | docx | txt
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('size', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text')
    .addColumn('removed_at', 'text')
    .execute();

  // What the content team did with a collected question (a kb_answers row, or a "not helpful" feedback row).
  await db.schema
    .createTable('content_question_marks')
    .addColumn('item_id', 'text', (c) => c.primaryKey())
    .addColumn('action', 'text', (c) => c.notNull()) // dismissed | entry-created | alternative-added
    .addColumn('entry_id', 'text')
    .addColumn('actor_id', 'text')
    .addColumn('at', 'text', (c) => c.notNull())
    .execute();

  // Edited synonyms / teencode (YAML text) and templates (JSON map); absent = the files in KB_DIR.
  await db.schema
    .createTable('content_text_rules')
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('content', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('updated_by', 'text')
    .execute();

  // Bulk imports: preview first, then apply; progress is kept here so any instance can report it.
  await db.schema
    .createTable('content_import_jobs')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('status', 'text', (c) => c.notNull()) // parsing | previewed | refused | applying | applied | failed
    .addColumn('file_name', 'text', (c) => c.notNull())
    .addColumn('done', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('entries', 'text', (c) => c.notNull().defaultTo('[]'))
    .addColumn('result', 'text', (c) => c.notNull().defaultTo('{}'))
    .addColumn('created_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema.createIndex('kb_versions_entry').on('kb_versions').columns(['entry_id', 'version']).execute();
  await db.schema.createIndex('kb_answers_conversation_at').on('kb_answers').columns(['conversation_id', 'at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
