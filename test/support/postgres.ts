/** A fresh PostgreSQL database per test file, dropped afterwards. */
import { Client } from 'pg';

export const pgUrl = process.env.PG_TEST_URL;
/** describe() when PostgreSQL is reachable, describe.skip() otherwise (globalSetup printed why). */
export const describePg = pgUrl ? describe : describe.skip;

export async function createPgDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  if (!pgUrl) throw new Error('PostgreSQL is not available');
  const name = `t_${Date.now().toString(36)}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new Client({ connectionString: pgUrl });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(pgUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: pgUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}
