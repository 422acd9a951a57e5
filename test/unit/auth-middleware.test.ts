/** requireRole(): 401 without a session, 403 for another role or a missing/wrong CSRF token, res.locals.user set. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';
import { readCookie, serializeSessionCookie } from '../../src/web/auth/cookies';
import { installAuth, requireRole } from '../../src/web/auth/middleware';
import type { Authenticator, ResolvedSession } from '../../src/web/auth/types';

const sessions: Record<string, ResolvedSession> = {
  'tok-operator': { sessionId: 's1', csrfToken: 'csrf-op', user: { id: 'u1', username: 'op', displayName: 'Tổng Đài Viên', role: 'operator' } },
  'tok-editor': { sessionId: 's2', csrfToken: 'csrf-ed', user: { id: 'u2', username: 'ed', displayName: 'Biên Tập', role: 'editor' } },
};
const auth: Authenticator = { cookieName: 'hl1022_session', resolve: async (token) => sessions[token] };

describe('requireRole', () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    const app = express();
    installAuth(app, auth);
    const router = express.Router();
    router.get('/queue', requireRole('operator', 'supervisor'), (_req, res) => void res.json({ user: res.locals.user }));
    router.post('/claim', requireRole('operator'), (_req, res) => void res.json({ ok: true }));
    router.get('/anyone', requireRole(), (_req, res) => void res.json({ role: res.locals.user.role }));
    app.use(router);
    server = app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((r) => server.close(r)));

  const call = (method: string, path: string, token?: string, csrf?: string) =>
    fetch(`${base}${path}`, { method, headers: { ...(token && { cookie: `other=1; hl1022_session=${token}` }), ...(csrf && { 'x-csrf-token': csrf }) } });

  it('answers 401 JSON when not signed in or the session is unknown', async () => {
    const res = await call('GET', '/queue');
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: 'not signed in' });
    expect((await call('GET', '/queue', 'tok-forged')).status).toBe(401);
  });

  it('lets an allowed role through with res.locals.user', async () => {
    const res = await call('GET', '/queue', 'tok-operator');
    expect(res.status).toBe(200);
    expect((await res.json()).user).toEqual({ id: 'u1', username: 'op', displayName: 'Tổng Đài Viên', role: 'operator' });
    expect((await (await call('GET', '/anyone', 'tok-editor')).json()).role).toBe('editor');
  });

  it('answers 403 for a role that is not allowed', async () => {
    const res = await call('GET', '/queue', 'tok-editor');
    expect(res.status).toBe(403);
    expect((await res.json()).error).toBe('forbidden');
  });

  it('requires the session CSRF token on mutating methods', async () => {
    expect((await call('POST', '/claim', 'tok-operator')).status).toBe(403);
    expect((await call('POST', '/claim', 'tok-operator', 'csrf-ed')).status).toBe(403);
    expect((await call('POST', '/claim', 'tok-operator', 'csrf-op')).status).toBe(200);
    // CSRF is checked before the role, so a forged request learns nothing about rights.
    expect((await (await call('POST', '/claim', 'tok-editor')).json()).error).toMatch(/csrf/);
  });
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Strict, and Secure only over https', () => {
    const plain = serializeSessionCookie('hl1022_session', 'abc', { secure: false, maxAgeSeconds: 60 });
    expect(plain).toBe('hl1022_session=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(serializeSessionCookie('__Host-hl1022_session', 'abc', { secure: true, maxAgeSeconds: 60 })).toMatch(/; Secure$/);
  });
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; hl1022_session=t%2Bk; b=2', 'hl1022_session')).toBe('t+k');
    expect(readCookie('a=1', 'hl1022_session')).toBeUndefined();
    expect(readCookie(undefined, 'x')).toBeUndefined();
  });
});
