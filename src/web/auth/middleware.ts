/**
 * Route guards for the console and every staff API: `requireRole('operator', 'supervisor')` lets a signed-in user
 * with one of those roles through and puts `res.locals.user = { id, username, displayName, role }`.
 * Not signed in → 401 JSON; wrong role → 403 JSON; a POST/PUT/PATCH/DELETE without the session's CSRF token in the
 * `x-csrf-token` header → 403 JSON. The authenticator is installed once per app with installAuth() (main.ts does it).
 */
import { timingSafeEqual } from 'node:crypto';
import type { Application, Request, RequestHandler, Response } from 'express';
import type { Role } from '../../domain/types';
import { readCookie } from './cookies';
import type { Authenticator, ResolvedSession, SessionUser } from './types';

export type { Role, SessionUser };

const AUTH_KEY = 'hotline1022.auth';
const SESSION_KEY = 'hotline1022.session';
const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Makes the authenticator available to requireRole() on every route of this app. */
export function installAuth(app: Application, auth: Authenticator): void {
  app.locals[AUTH_KEY] = auth;
}

/** The request's session (resolved once per request), or undefined when not signed in. */
export async function currentSession(req: Request, res: Response): Promise<ResolvedSession | undefined> {
  if (SESSION_KEY in res.locals) return res.locals[SESSION_KEY] as ResolvedSession | undefined;
  const auth = req.app.locals[AUTH_KEY] as Authenticator | undefined;
  if (!auth) throw new Error('installAuth() was not called for this app');
  const token = readCookie(req.headers.cookie, auth.cookieName);
  const session = token ? await auth.resolve(token) : undefined;
  res.locals[SESSION_KEY] = session;
  return session;
}

export function csrfMatches(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || given.length !== expected.length) return false;
  return timingSafeEqual(Buffer.from(given), Buffer.from(expected));
}

export function requireRole(...roles: Role[]): RequestHandler {
  const allowed = new Set<Role>(roles);
  return async (req, res, next) => {
    try {
      const session = await currentSession(req, res);
      if (!session) {
        res.status(401).json({ error: 'not signed in', message: 'Vui lòng đăng nhập.' });
        return;
      }
      if (MUTATING.has(req.method) && !csrfMatches(session.csrfToken, req.get('x-csrf-token'))) {
        res.status(403).json({ error: 'csrf token missing or wrong', message: 'Phiên làm việc không hợp lệ, vui lòng tải lại trang.' });
        return;
      }
      if (allowed.size > 0 && !allowed.has(session.user.role)) {
        res.status(403).json({ error: 'forbidden', message: 'Tài khoản không có quyền thực hiện thao tác này.' });
        return;
      }
      res.locals.user = session.user;
      next();
    } catch (err) {
      next(err);
    }
  };
}

/** Any signed-in user, whatever the role (CSRF still checked on mutating methods). */
export const requireSignedIn = (): RequestHandler => requireRole();
