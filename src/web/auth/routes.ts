/**
 * /api/session: sign in (POST), who am I + CSRF token (GET), sign out (DELETE), sign out everywhere, change password.
 * Sign-in takes JSON only (a cross-site form cannot post it without a CORS preflight) and is rate-limited per address.
 */
import express, { type Request, type Response } from 'express';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { getUserRow } from '../../store/users';
import { AccountError, changePassword } from './accounts';
import { clearSessionCookie, serializeSessionCookie } from './cookies';
import { currentSession, requireSignedIn } from './middleware';
import { verifyPassword } from './passwords';
import type { AuthService } from './service';

const ATTEMPTS_PER_MINUTE_PER_ADDRESS = 30;

export function createSessionRouter(deps: { auth: AuthService; db: Executor; clock: Clock; timeZone?: string; onSignedOut?: (sessionId: string) => void }): express.Router {
  const { auth } = deps;
  const router = express.Router();
  const json = express.json({ limit: '16kb' });
  const attempts = new Map<string, { windowStart: number; count: number }>();
  const secure = auth.settings.secureCookies;

  const tooMany = (req: Request): boolean => {
    const key = req.ip ?? 'unknown';
    const now = Date.now();
    const entry = attempts.get(key);
    if (!entry || now - entry.windowStart > 60_000) {
      if (attempts.size > 10_000) attempts.clear();
      attempts.set(key, { windowStart: now, count: 1 });
      return false;
    }
    entry.count++;
    return entry.count > ATTEMPTS_PER_MINUTE_PER_ADDRESS;
  };

  router.get('/api/session', async (req, res, next) => {
    try {
      const session = await currentSession(req, res);
      if (!session) {
        res.status(401).json({ error: 'not signed in' });
        return;
      }
      res.set('Cache-Control', 'no-store').json({ user: session.user, csrfToken: session.csrfToken });
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/session', json, async (req: Request, res: Response, next) => {
    try {
      if (!req.is('application/json')) {
        res.status(415).json({ error: 'JSON body required' });
        return;
      }
      if (tooMany(req)) {
        res.status(429).json({ error: 'too many attempts', message: 'Thử đăng nhập quá nhiều lần, vui lòng đợi một phút.' });
        return;
      }
      const { username, password } = (req.body ?? {}) as { username?: unknown; password?: unknown };
      if (typeof username !== 'string' || typeof password !== 'string' || !username.trim() || !password || password.length > 1024) {
        res.status(400).json({ error: 'username and password required', message: 'Vui lòng nhập tên đăng nhập và mật khẩu.' });
        return;
      }
      const result = await auth.signIn(username, password);
      if (!result.ok) {
        if (result.reason === 'locked') {
          res.status(423).json({ error: 'locked', lockedUntil: result.lockedUntil, message: `Tài khoản tạm khóa do đăng nhập sai nhiều lần. Vui lòng thử lại sau ${formatTime(result.lockedUntil, deps.timeZone)}.` });
        } else {
          res.status(401).json({ error: 'invalid credentials', message: 'Tên đăng nhập hoặc mật khẩu không đúng.' });
        }
        return;
      }
      res.set('Set-Cookie', serializeSessionCookie(auth.cookieName, result.token, { secure, maxAgeSeconds: auth.sessionMaxAgeSeconds() }));
      res.set('Cache-Control', 'no-store').json({ user: result.session.user, csrfToken: result.session.csrfToken });
    } catch (err) {
      next(err);
    }
  });

  router.delete('/api/session', requireSignedIn(), async (req, res, next) => {
    try {
      const session = (await currentSession(req, res))!;
      await auth.signOut(session);
      deps.onSignedOut?.(session.sessionId);
      res.set('Set-Cookie', clearSessionCookie(auth.cookieName, secure)).status(204).end();
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/session/everywhere', requireSignedIn(), async (_req, res, next) => {
    try {
      await auth.signOutEverywhere(res.locals.user.id, res.locals.user.id);
      res.set('Set-Cookie', clearSessionCookie(auth.cookieName, secure)).status(204).end();
    } catch (err) {
      next(err);
    }
  });

  router.post('/api/session/password', requireSignedIn(), json, async (req, res, next) => {
    try {
      const { current, next: wanted } = (req.body ?? {}) as { current?: unknown; next?: unknown };
      const user = await getUserRow(deps.db, res.locals.user.id);
      if (!user || typeof current !== 'string' || !(await verifyPassword(user.password_hash, current))) {
        res.status(400).json({ error: 'wrong password', message: 'Mật khẩu hiện tại không đúng.' });
        return;
      }
      if (typeof wanted !== 'string') {
        res.status(400).json({ error: 'new password required', message: 'Vui lòng nhập mật khẩu mới.' });
        return;
      }
      await changePassword(deps.db, res.locals.user.id, wanted, res.locals.user.id, deps.clock.now().toISOString());
      // Every session ended, this one too: sign in again with the new password.
      res.set('Set-Cookie', clearSessionCookie(auth.cookieName, secure)).status(204).end();
    } catch (err) {
      if (err instanceof AccountError) {
        res.status(err.status).json({ error: err.message, message: err.message });
        return;
      }
      next(err);
    }
  });

  return router;
}

/** HH:MM in Vietnam time, for lockout messages. */
function formatTime(iso: string, timeZone = 'Asia/Ho_Chi_Minh'): string {
  return new Date(iso).toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone });
}
