/** Opens the database: embedded SQLite (WAL) under DATA_DIR by default, PostgreSQL when a URL is given. */
import fs from 'node:fs';
import path from 'node:path';
import SqliteDatabase from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql } from 'kysely';
import { Pool, types } from 'pg';
import { migrations } from './migrations';
import type { Database } from './schema';

export type Dialect = 'sqlite' | 'postgres';

export interface DbHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL pool (for LISTEN/NOTIFY), when on PostgreSQL. */
  pool?: Pool;
  close(): Promise<void>;
}

// COUNT(*) and BIGINT come back as strings from pg by default; our counts fit in a JS number.
types.setTypeParser(20, (v) => Number(v));

export function openDatabase(options: { databaseUrl?: string; dataDir: string; poolSize?: number }): DbHandle {
  if (options.databaseUrl) {
    const pool = new Pool({ connectionString: options.databaseUrl, max: options.poolSize ?? 10 });
    // An idle client's error (server restart) must not crash the process.
    pool.on('error', () => undefined);
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    return { db, dialect: 'postgres', pool, close: () => db.destroy() };
  }
  fs.mkdirSync(options.dataDir, { recursive: true });
  const file = path.join(options.dataDir, 'hotline1022.sqlite');
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma('journal_mode = WAL');
  // NORMAL in WAL mode survives a process crash (kill -9); only a power loss may drop the last commits.
  sqlite.pragma('synchronous = NORMAL');
  sqlite.pragma('busy_timeout = 5000');
  sqlite.pragma('foreign_keys = ON');
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: withStatementCache(sqlite) }) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely prepares every query anew; preparing is a large share of a small query's cost on SQLite. Statements are
 * reusable, so the same SQL text reuses its prepared statement (the set of SQL texts is bounded by the code).
 */
function withStatementCache(sqlite: SqliteDatabase.Database): SqliteDatabase.Database {
  const cache = new Map<string, SqliteDatabase.Statement>();
  const prepare = sqlite.prepare.bind(sqlite);
  return new Proxy(sqlite, {
    get(target, key) {
      if (key === 'prepare') {
        return (source: string) => {
          let statement = cache.get(source);
          if (!statement) {
            statement = prepare(source);
            if (cache.size < 2000) cache.set(source, statement);
          }
          return statement;
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

export async function migrate(db: Kysely<Database>): Promise<void> {
  // Features own numbered migrations written in parallel; each is independent of the others' tables.
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${(error as Error).message ?? error}`);
  }
}

/** Ready when the database answers and every migration is applied. */
export async function readiness(db: Kysely<Database>): Promise<{ database: boolean; migrations: boolean }> {
  try {
    await sql`select 1`.execute(db);
  } catch {
    return { database: false, migrations: false };
  }
  try {
    const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
    const list = await migrator.getMigrations();
    return { database: true, migrations: list.every((m) => m.executedAt !== undefined) };
  } catch {
    return { database: true, migrations: false };
  }
}
