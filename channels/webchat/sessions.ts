/**
 * Widget sessions: a random token kept in the citizen's localStorage; only its SHA-256 is stored, so a database
 * leak does not let anyone read a citizen's conversation. The session id is the citizen's externalUserId.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../../src/store/executor';
import { newId } from '../../src/store/ids';

export interface WidgetSessionRow {
  id: string;
  token_hash: string;
  created_at: string;
  last_seen_at: string;
  revoked_at: string | null;
  revoked_reason: string | null;
}

declare module '../../src/store/schema' {
  interface Database {
    widget_sessions: WidgetSessionRow;
  }
}

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

/** A session for a token that is known and not revoked; its last_seen_at is refreshed. */
export async function findActiveSession(db: Executor, token: string, at: string): Promise<WidgetSessionRow | undefined> {
  if (!/^[A-Za-z0-9_-]{32,128}$/.test(token)) return undefined;
  const row = await db.selectFrom('widget_sessions').selectAll().where('token_hash', '=', hashToken(token)).executeTakeFirst();
  if (!row || row.revoked_at) return undefined;
  await db.updateTable('widget_sessions').set({ last_seen_at: at }).where('id', '=', row.id).execute();
  return row;
}

export async function createSession(db: Executor, at: string): Promise<{ session: WidgetSessionRow; token: string }> {
  const token = randomBytes(32).toString('base64url');
  const session: WidgetSessionRow = { id: newId(), token_hash: hashToken(token), created_at: at, last_seen_at: at, revoked_at: null, revoked_reason: null };
  await db.insertInto('widget_sessions').values(session).execute();
  return { session, token };
}

/** Revokes a session: its token no longer opens the conversation; the browser starts a new session. */
export async function revokeSession(db: Executor, sessionId: string, reason: string, at: string): Promise<boolean> {
  const result = await db
    .updateTable('widget_sessions')
    .set({ revoked_at: at, revoked_reason: reason })
    .where('id', '=', sessionId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
