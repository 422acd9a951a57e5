/** Medical declarations (khai báo y tế) made with the bot on any channel, linked to the citizen's contact. */
import { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('declarations')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('contact_id', 'text', (c) => c.notNull().references('contacts.id'))
    .addColumn('conversation_id', 'text')
    .addColumn('channel', 'text', (c) => c.notNull())
    .addColumn('full_name', 'text')
    .addColumn('birth_year', 'integer')
    .addColumn('phone', 'text')
    .addColumn('district', 'text')
    .addColumn('commune', 'text')
    .addColumn('address', 'text')
    .addColumn('symptoms', 'text', (c) => c.notNull().defaultTo('[]')) // JSON array of what the citizen said
    .addColumn('contact_with_f0', 'integer') // 1 yes, 0 no, null not answered
    .addColumn('travel_14_days', 'text') // places visited in the last 14 days; null: none
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('raw', 'text', (c) => c.notNull().defaultTo('{}')) // the effect's data as the bot gave it
    .execute();
  await db.schema.createIndex('declarations_created').on('declarations').column('created_at').execute();
  await db.schema.createIndex('declarations_contact').on('declarations').column('contact_id').execute();
  await db.schema.createIndex('declarations_district').on('declarations').columns(['district', 'created_at']).execute();
}

export async function down(): Promise<void> {
  throw new Error('irreversible');
}
