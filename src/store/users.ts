/** Console users (operators, supervisors, editors, admins) and their sessions. Passwords arrive here already hashed. */
import { sql } from 'kysely';
import type { Role } from '../domain/types';
import type { Executor } from './executor';
import { newId } from './ids';
import type { SessionRow, UserRow } from './schema';

export type Presence = 'online' | 'away' | 'offline';
export const PRESENCES: readonly Presence[] = ['online', 'away', 'offline'];

export interface User {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  email: string | null;
  failedLogins: number;
  lockedUntil: string | null;
  sessionVersion: number;
  presence: Presence;
  disabled: boolean;
  createdAt: string;
}

export function toUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role as Role,
    email: row.email,
    failedLogins: row.failed_logins,
    lockedUntil: row.locked_until,
    sessionVersion: row.session_version,
    presence: row.presence as Presence,
    disabled: row.disabled === 1,
    createdAt: row.created_at,
  };
}

/** Usernames are compared in lower case. */
export const normalizeUsername = (username: string): string => username.trim().normalize('NFC').toLowerCase();

export async function createUser(
  db: Executor,
  u: { username: string; displayName: string; role: Role; email?: string | null; passwordHash: string; at: string },
): Promise<User> {
  const row: UserRow = {
    id: newId(),
    username: normalizeUsername(u.username),
    display_name: u.displayName.normalize('NFC'),
    role: u.role,
    email: u.email ? u.email.trim().toLowerCase() : null,
    password_hash: u.passwordHash,
    failed_logins: 0,
    locked_until: null,
    session_version: 0,
    presence: 'offline',
    disabled: 0,
    created_at: u.at,
  };
  await db.insertInto('users').values(row).execute();
  return toUser(row);
}

export async function findUserRowByUsername(db: Executor, username: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('username', '=', normalizeUsername(username)).executeTakeFirst();
}

export async function getUser(db: Executor, id: string): Promise<User | undefined> {
  const row = await getUserRow(db, id);
  return row && toUser(row);
}

export async function getUserRow(db: Executor, id: string): Promise<UserRow | undefined> {
  return db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Users shown online or away (checked against open consoles by the presence sweep). */
export async function listPresentUserIds(db: Executor): Promise<string[]> {
  return (await db.selectFrom('users').select('id').where('presence', '!=', 'offline').execute()).map((r) => r.id);
}

export async function findUserByUsername(db: Executor, username: string): Promise<User | undefined> {
  const row = await findUserRowByUsername(db, username);
  return row && toUser(row);
}

export async function listUsers(db: Executor, filter: { roles?: Role[]; includeDisabled?: boolean } = {}): Promise<User[]> {
  let q = db.selectFrom('users').selectAll().orderBy('username', 'asc');
  if (filter.roles?.length) q = q.where('role', 'in', filter.roles);
  if (!filter.includeDisabled) q = q.where('disabled', '=', 0);
  return (await q.execute()).map(toUser);
}

export async function updateUser(
  db: Executor,
  id: string,
  patch: { displayName?: string; role?: Role; email?: string | null; disabled?: boolean },
): Promise<void> {
  const set: Partial<UserRow> = {};
  if (patch.displayName !== undefined) set.display_name = patch.displayName.normalize('NFC');
  if (patch.role !== undefined) set.role = patch.role;
  if (patch.email !== undefined) set.email = patch.email ? patch.email.trim().toLowerCase() : null;
  if (patch.disabled !== undefined) set.disabled = patch.disabled ? 1 : 0;
  if (Object.keys(set).length) await db.updateTable('users').set(set).where('id', '=', id).execute();
}

export async function setPasswordHash(db: Executor, id: string, passwordHash: string): Promise<void> {
  await db.updateTable('users').set({ password_hash: passwordHash, failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}

/** Counts a failed sign-in; locks the account until `lockUntil` when the count reaches `maxFailures`. */
export async function recordFailedLogin(db: Executor, id: string, maxFailures: number, lockUntil: string): Promise<{ locked: boolean }> {
  // Counted in the database, so failures at the same moment are each counted.
  const row = await db.updateTable('users').set({ failed_logins: sql`failed_logins + 1` }).where('id', '=', id).returning('failed_logins').executeTakeFirstOrThrow();
  if (row.failed_logins < maxFailures) return { locked: false };
  await db.updateTable('users').set({ failed_logins: 0, locked_until: lockUntil }).where('id', '=', id).execute();
  return { locked: true };
}

export async function clearFailedLogins(db: Executor, id: string): Promise<void> {
  await db.updateTable('users').set({ failed_logins: 0, locked_until: null }).where('id', '=', id).execute();
}

/** Invalidates every session of the user (sign-out everywhere, password change, disabling). */
export async function bumpSessionVersion(db: Executor, id: string): Promise<void> {
  // One statement, so two concurrent bumps both count.
  const result = await db.updateTable('users').set((eb) => ({ session_version: eb('session_version', '+', 1) })).where('id', '=', id).executeTakeFirst();
  if (!Number(result.numUpdatedRows)) throw new Error(`no user ${id}`);
  await db.deleteFrom('sessions').where('user_id', '=', id).execute();
}

export async function setPresence(db: Executor, id: string, presence: Presence): Promise<boolean> {
  const result = await db.updateTable('users').set({ presence }).where('id', '=', id).where('presence', '!=', presence).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

// --- sessions: the cookie holds a random token; the table holds its SHA-256 (the id), so a database leak opens nothing.

export async function insertSession(db: Executor, s: { id: string; userId: string; csrfToken: string; sessionVersion: number; at: string; expiresAt: string }): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id: s.id, user_id: s.userId, csrf_token: s.csrfToken, session_version: s.sessionVersion, created_at: s.at, expires_at: s.expiresAt })
    .execute();
}

export interface SessionWithUser {
  session: SessionRow;
  user: UserRow;
}

export async function findSession(db: Executor, id: string): Promise<SessionWithUser | undefined> {
  const row = await db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select([
      'sessions.id as s_id',
      'sessions.user_id as s_user_id',
      'sessions.csrf_token as s_csrf_token',
      'sessions.session_version as s_session_version',
      'sessions.created_at as s_created_at',
      'sessions.expires_at as s_expires_at',
    ])
    .selectAll('users')
    .where('sessions.id', '=', id)
    .executeTakeFirst();
  if (!row) return undefined;
  const { s_id, s_user_id, s_csrf_token, s_session_version, s_created_at, s_expires_at, ...user } = row;
  return {
    session: { id: s_id, user_id: s_user_id, csrf_token: s_csrf_token, session_version: s_session_version, created_at: s_created_at, expires_at: s_expires_at },
    user: user as UserRow,
  };
}

export async function deleteSession(db: Executor, id: string): Promise<void> {
  await db.deleteFrom('sessions').where('id', '=', id).execute();
}

export async function deleteExpiredSessions(db: Executor, now: string): Promise<number> {
  const result = await db.deleteFrom('sessions').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
