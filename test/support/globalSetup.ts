/**
 * Decides once whether the PostgreSQL tests run: they do when DATABASE_URL (default the local `test` database)
 * answers. Elsewhere they are skipped with one line; in CI (CI=true) an unreachable PostgreSQL fails the run.
 */
import { Client } from 'pg';

export default async function globalSetup(): Promise<void> {
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const client = new Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('select 1');
    process.env.PG_TEST_URL = url;
  } catch (err) {
    if (process.env.CI === 'true') throw new Error(`PostgreSQL is required in CI but ${url} is unreachable: ${(err as Error).message}`);
    console.log(`\n[hotline1022] PostgreSQL at ${url} is unreachable: PostgreSQL tests are skipped.\n`);
  } finally {
    await client.end().catch(() => undefined);
  }
}
