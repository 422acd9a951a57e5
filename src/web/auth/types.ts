/** What a signed-in console user is, as every route sees it, and how a session cookie is resolved into one. */
import type { Role } from '../../domain/types';

export type { Role };

/** Put in `res.locals.user` by requireRole(). */
export interface SessionUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface ResolvedSession {
  /** SHA-256 of the cookie token (the sessions table key). */
  sessionId: string;
  user: SessionUser;
  csrfToken: string;
}

/** Resolves a session cookie's token into its user; undefined when unknown, expired, revoked or disabled. */
export interface Authenticator {
  readonly cookieName: string;
  resolve(token: string): Promise<ResolvedSession | undefined>;
}
