/**
 * Sign-in, sessions and sign-out for the console. The cookie holds a random 32-byte token; the sessions table holds its
 * SHA-256, the user's session_version at sign-in and a per-session CSRF token. A session is valid while it has not
 * expired, the user is not disabled and their session_version has not been bumped (sign-out everywhere).
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Role } from '../../domain/types';
import { audit } from '../../store/audit';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import {
  bumpSessionVersion,
  clearFailedLogins,
  deleteExpiredSessions,
  deleteSession,
  findSession,
  findUserRowByUsername,
  insertSession,
  recordFailedLogin,
  setPasswordHash,
  setPresence,
} from '../../store/users';
import { sessionCookieName } from './cookies';
import { hashPassword, verifyAgainstDummy, verifyPassword } from './passwords';
import type { Authenticator, ResolvedSession } from './types';
import argon2 from 'argon2';

export interface AuthSettings {
  maxFailures: number;
  lockMinutes: number;
  sessionTtlHours: number;
  /** Secure cookies (PUBLIC_URL is https). */
  secureCookies: boolean;
}

export type SignInResult =
  | { ok: true; token: string; session: ResolvedSession }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; lockedUntil: string };

export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');

export class AuthService implements Authenticator {
  readonly cookieName: string;

  constructor(
    private deps: { db: Executor; clock: Clock; settings: AuthSettings; onSignOutEverywhere?: (userId: string) => void },
  ) {
    this.cookieName = sessionCookieName(deps.settings.secureCookies);
  }

  get settings(): AuthSettings {
    return this.deps.settings;
  }

  async signIn(username: string, password: string): Promise<SignInResult> {
    const { db, clock, settings } = this.deps;
    const now = clock.now();
    const at = now.toISOString();
    const row = await findUserRowByUsername(db, username);
    if (!row || row.disabled) {
      await verifyAgainstDummy(password);
      await audit(db, { actorId: row?.id ?? null, action: 'auth.signin_failed', targetType: 'user', targetId: row?.id, detail: { reason: row ? 'disabled' : 'unknown user' }, at });
      return { ok: false, reason: 'invalid' };
    }
    if (row.locked_until && row.locked_until > at) return { ok: false, reason: 'locked', lockedUntil: row.locked_until };
    if (!(await verifyPassword(row.password_hash, password))) {
      const lockUntil = new Date(now.getTime() + settings.lockMinutes * 60_000).toISOString();
      const { locked } = await recordFailedLogin(db, row.id, settings.maxFailures, lockUntil);
      await audit(db, { actorId: row.id, action: locked ? 'auth.locked' : 'auth.signin_failed', targetType: 'user', targetId: row.id, detail: {}, at });
      return locked ? { ok: false, reason: 'locked', lockedUntil: lockUntil } : { ok: false, reason: 'invalid' };
    }
    if (row.failed_logins || row.locked_until) await clearFailedLogins(db, row.id);
    if (argon2.needsRehash(row.password_hash, { memoryCost: 19456, timeCost: 2 })) await setPasswordHash(db, row.id, await hashPassword(password));

    const token = randomBytes(32).toString('base64url');
    const sessionId = hashToken(token);
    const csrfToken = randomBytes(24).toString('base64url');
    const expiresAt = new Date(now.getTime() + settings.sessionTtlHours * 3_600_000).toISOString();
    await deleteExpiredSessions(db, at);
    await insertSession(db, { id: sessionId, userId: row.id, csrfToken, sessionVersion: row.session_version, at, expiresAt });
    await audit(db, { actorId: row.id, action: 'auth.signin', targetType: 'user', targetId: row.id, at });
    return {
      ok: true,
      token,
      session: { sessionId, csrfToken, user: { id: row.id, username: row.username, displayName: row.display_name, role: row.role as Role } },
    };
  }

  async resolve(token: string): Promise<ResolvedSession | undefined> {
    if (!token || token.length > 200) return undefined;
    const found = await findSession(this.deps.db, hashToken(token));
    if (!found) return undefined;
    const { session, user } = found;
    if (session.expires_at <= this.deps.clock.now().toISOString()) return undefined;
    if (user.disabled || session.session_version !== user.session_version) return undefined;
    return {
      sessionId: session.id,
      csrfToken: session.csrf_token,
      user: { id: user.id, username: user.username, displayName: user.display_name, role: user.role as Role },
    };
  }

  async signOut(session: ResolvedSession): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    await deleteSession(this.deps.db, session.sessionId);
    await audit(this.deps.db, { actorId: session.user.id, action: 'auth.signout', targetType: 'user', targetId: session.user.id, at });
  }

  /** Ends every session of the user on every device and instance. */
  async signOutEverywhere(userId: string, actorId: string): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    await this.deps.db.transaction().execute(async (tx) => {
      await bumpSessionVersion(tx, userId);
      await setPresence(tx, userId, 'offline');
      await audit(tx, { actorId, action: 'auth.signout_everywhere', targetType: 'user', targetId: userId, at });
    });
    this.deps.onSignOutEverywhere?.(userId);
  }

  sessionMaxAgeSeconds(): number {
    return this.deps.settings.sessionTtlHours * 3600;
  }
}
