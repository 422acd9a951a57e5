import type { Kysely } from 'kysely';
import type { Database } from './schema';

/** A database or an open transaction: every repository function takes one, so callers choose the transaction. */
export type Executor = Kysely<Database>;
