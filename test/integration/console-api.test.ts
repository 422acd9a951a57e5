/**
 * The console API end to end on the real platform: sign-in, lockout, CSRF, roles, and the operator's work on a
 * conversation that arrives on the app channel (claim, reply that reaches the app callback, note, release → the
 * bot answers again, transfer, close, failed delivery with its reason).
 */
import { io as connect } from 'socket.io-client';
import type { Clock } from '../../src/store/clock';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, TEST_PASSWORD, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'app-token-console-1';

/** Real time, moved forward by hand for lockouts. */
class SkewClock implements Clock {
  skewMs = 0;
  now(): Date {
    return new Date(Date.now() + this.skewMs);
  }
}

describe('console API', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  const clock = new SkewClock();
  let op1: StaffClient;
  let op2: StaffClient;
  let editor: StaffClient;
  let admin: StaffClient;
  let citizenSeq = 0;

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform(
      { APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-123456', LOGIN_MAX_FAILURES: '3', LOGIN_LOCK_MINUTES: '15' },
      { clock },
    );
    const db = platform.store.db;
    await createTestUser(db, 'op1', 'operator', 'Nguyễn Thị Trực');
    await createTestUser(db, 'op2', 'operator', 'Lê Văn Hai');
    await createTestUser(db, 'editor1', 'editor', 'Biên Tập');
    await createTestUser(db, 'admin1', 'admin', 'Quản Trị');
    await createTestUser(db, 'lockme', 'operator');
    await createTestUser(db, 'everywhere', 'operator');
    [op1, op2, editor, admin] = await Promise.all([signInAs(platform.url, 'op1'), signInAs(platform.url, 'op2'), signInAs(platform.url, 'editor1'), signInAs(platform.url, 'admin1')]);
  });
  afterAll(async () => {
    await platform.stop();
    await callback.close();
  });

  const citizenSays = async (userId: string, text: string, extra: Record<string, string> = {}) => {
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `m-${++citizenSeq}`, text, ...extra }),
    });
    expect(res.status).toBe(202);
    return ((await res.json()) as { conversationId: string }).conversationId;
  };
  const callbacksTo = (userId: string) => callback.received.filter((r) => r.json?.userId === userId).map((r) => r.json as { text: string; messageId: string });
  const state = async (id: string) => (await platform.store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow()).state;
  const queuedConversation = async (userId: string, name = 'Nguyễn Văn Dân') => {
    // A distinct phone per citizen: the same phone would link them into one contact.
    const id = await citizenSays(userId, 'gặp tổng đài viên', { name, phone: `09${String(1_000_000 + citizenSeq).padStart(8, '0')}` });
    await platform.settle();
    await waitFor(async () => (await state(id)) === 'queued', 3000, 'conversation queued');
    return id;
  };

  it('signs in with an HttpOnly SameSite=Strict session cookie and refuses a wrong password', async () => {
    const wrong = await fetch(`${platform.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op1', password: 'sai-mat-khau-000' }) });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    expect((await wrong.json()).message).toBe('Tên đăng nhập hoặc mật khẩu không đúng.');

    const ok = await fetch(`${platform.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'OP1', password: TEST_PASSWORD }) });
    expect(ok.status).toBe(200);
    const cookie = ok.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toMatch(/Secure/); // plain http here; Secure when PUBLIC_URL is https
    const token = cookie.split(';')[0].split('=')[1];
    // The database keeps only a hash of the token.
    expect(await platform.store.db.selectFrom('sessions').select('id').where('id', '=', token).executeTakeFirst()).toBeUndefined();

    const me = await fetch(`${platform.url}/api/session`, { headers: { cookie: cookie.split(';')[0] } });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ user: { username: 'op1', displayName: 'Nguyễn Thị Trực', role: 'operator' }, csrfToken: expect.any(String) });
    expect((await fetch(`${platform.url}/api/session`)).status).toBe(401);
    expect((await fetch(`${platform.url}/api/console/queue`)).status).toBe(401);
  });

  it('locks an account after LOGIN_MAX_FAILURES failures, even for the right password, until LOGIN_LOCK_MINUTES pass', async () => {
    const attempt = (password: string) =>
      fetch(`${platform.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'lockme', password }) });
    expect((await attempt('wrong-password-1')).status).toBe(401);
    expect((await attempt('wrong-password-2')).status).toBe(401);
    const locked = await attempt('wrong-password-3');
    expect(locked.status).toBe(423);
    expect((await locked.json()).message).toMatch(/tạm khóa/);
    expect((await attempt(TEST_PASSWORD)).status).toBe(423);
    clock.skewMs = 14 * 60_000;
    expect((await attempt(TEST_PASSWORD)).status).toBe(423);
    clock.skewMs = 16 * 60_000;
    expect((await attempt(TEST_PASSWORD)).status).toBe(200);
    clock.skewMs = 0;
  });

  it('refuses changes without the session CSRF token and changes nothing', async () => {
    const id = await queuedConversation('csrf-citizen');
    const missing = await op1.request('POST', `/api/console/conversations/${id}/claim`, {}, { csrf: null });
    expect(missing.status).toBe(403);
    expect((await missing.json()).error).toMatch(/csrf/);
    expect((await op1.request('POST', `/api/console/conversations/${id}/claim`, {}, { csrf: op2.csrfToken })).status).toBe(403);
    expect(await state(id)).toBe('queued');
    // A cross-site form cannot sign in either: JSON only.
    const form = await fetch(`${platform.url}/api/session`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `username=op1&password=${TEST_PASSWORD}` });
    expect(form.status).toBe(415);
  });

  it('keeps editors out of conversations and operators out of account management', async () => {
    const id = await queuedConversation('roles-citizen');
    expect((await editor.request('GET', '/api/console/queue')).status).toBe(403);
    expect((await editor.request('GET', `/api/console/conversations/${id}`)).status).toBe(403);
    expect((await editor.request('POST', `/api/console/conversations/${id}/claim`)).status).toBe(403);
    expect((await editor.request('POST', `/api/console/conversations/${id}/reply`, { text: 'xin chào' })).status).toBe(403);
    expect(await state(id)).toBe('queued');

    expect((await op1.request('GET', '/api/console/users')).status).toBe(403);
    expect((await op1.request('POST', '/api/console/users', { username: 'sneaky', role: 'admin', password: 'mat-khau-dai-123' })).status).toBe(403);
    expect((await admin.request('POST', `/api/console/conversations/${id}/claim`)).status).toBe(403);

    const created = await admin.request('POST', '/api/console/users', { username: 'op3', role: 'operator', displayName: 'Phạm Ba', password: 'mat-khau-dai-123' });
    expect(created.status).toBe(201);
    const list = (await (await admin.request('GET', '/api/console/users')).json()) as { users: Array<Record<string, unknown>> };
    expect(list.users.map((u) => u.username)).toEqual(expect.arrayContaining(['op3', 'op1', 'admin1']));
    expect(JSON.stringify(list)).not.toMatch(/argon2/);
    const weak = await admin.request('POST', '/api/console/users', { username: 'op4', role: 'operator', password: 'short' });
    expect(weak.status).toBe(400);
    expect((await weak.json()).message).toMatch(/ít nhất 10/);
  });

  it('signs a user out everywhere, and a disabled account cannot sign in', async () => {
    const a = await signInAs(platform.url, 'everywhere');
    const b = await signInAs(platform.url, 'everywhere');
    expect((await b.request('GET', '/api/console/queue')).status).toBe(200);
    expect((await a.request('POST', '/api/session/everywhere')).status).toBe(204);
    expect((await a.request('GET', '/api/console/queue')).status).toBe(401);
    expect((await b.request('GET', '/api/console/queue')).status).toBe(401);

    const c = await signInAs(platform.url, 'everywhere');
    const target = (await (await admin.request('GET', '/api/console/users')).json()).users.find((u: { username: string }) => u.username === 'everywhere');
    expect((await admin.request('PATCH', `/api/console/users/${target.id}`, { disabled: true })).status).toBe(200);
    expect((await c.request('GET', '/api/console/queue')).status).toBe(401);
    await expect(signInAs(platform.url, 'everywhere')).rejects.toThrow(/401/);
  });

  it('claim → reply reaches the app callback → the bot stays silent → note stays internal → release → the bot answers again', async () => {
    const id = await queuedConversation('flow-citizen', 'Trần Văn Công');
    const queue = (await (await op1.request('GET', '/api/console/queue')).json()) as { items: Array<{ id: string; state: string; contactName: string; slaDueAt: string | null }> };
    const item = queue.items.find((i) => i.id === id);
    expect(item).toMatchObject({ state: 'queued', contactName: 'Trần Văn Công', slaDueAt: expect.any(String) });

    const before = callbacksTo('flow-citizen').length;
    const claimedAt = new Date().toISOString();
    const claimed = await op1.request('POST', `/api/console/conversations/${id}/claim`);
    expect(claimed.status).toBe(200);
    expect((await claimed.json()).conversation).toMatchObject({ state: 'human', assigneeId: op1.user.id });
    // A second operator cannot take it from the first.
    const again = await op2.request('POST', `/api/console/conversations/${id}/claim`);
    expect(again.status).toBe(409);
    expect((await again.json()).message).toMatch(/Nguyễn Thị Trực/);

    // While the operator holds it, the bot says nothing to the citizen.
    await citizenSays('flow-citizen', 'F1 phải cách ly bao nhiêu ngày?');
    await platform.settle();
    const botAfterClaim = await platform.store.db.selectFrom('messages').select('text').where('conversation_id', '=', id).where('author', '=', 'bot').where('created_at', '>=', claimedAt).execute();
    expect(botAfterClaim).toEqual([]);

    const replyText = 'Dạ, F1 cách ly tập trung theo hướng dẫn của Bộ Y tế ạ. <b>không phải HTML</b>';
    const reply = await op1.request('POST', `/api/console/conversations/${id}/reply`, { text: replyText });
    expect(reply.status).toBe(202);
    const { messageId, outboxId } = await reply.json();
    const arrived = await waitFor(() => callbacksTo('flow-citizen').find((c) => c.text === replyText), 5000, 'operator reply at the app callback');
    expect(arrived.messageId).toBe(outboxId);
    // The citizen got exactly: "operator X is with you", then the reply — nothing from the bot.
    expect(callbacksTo('flow-citizen').slice(before).map((c) => c.text)).toEqual(['Dạ, tổng đài viên Nguyễn Thị Trực đang hỗ trợ anh/chị ạ.', replyText]);

    // Only the holder replies.
    expect((await op2.request('POST', `/api/console/conversations/${id}/reply`, { text: 'chen ngang' })).status).toBe(409);

    const noteText = 'Công dân ở Đồng Xoài, cần gọi lại nếu chưa rõ.';
    expect((await op1.request('POST', `/api/console/conversations/${id}/notes`, { text: noteText })).status).toBe(201);

    const detail = await waitFor(async () => {
      const d = (await (await op1.request('GET', `/api/console/conversations/${id}`)).json()) as { messages: Array<{ id: string; text: string; internal: boolean; status: string; author: string }>; contact: { phone: string }; you: { holds: boolean } };
      return d.messages.find((m) => m.id === messageId)?.status === 'sent' ? d : undefined;
    }, 5000, 'reply marked sent');
    expect(detail.contact.phone).toMatch(/^09\d{8}$/);
    expect(detail.you.holds).toBe(true);
    const note = detail.messages.find((m) => m.text === noteText)!;
    expect(note).toMatchObject({ internal: true, author: 'operator' });
    expect(await platform.store.db.selectFrom('outbox').select('id').where('message_id', '=', note.id).executeTakeFirst()).toBeUndefined();
    await platform.settle();
    expect(callbacksTo('flow-citizen').some((c) => c.text === noteText)).toBe(false);

    const released = await op1.request('POST', `/api/console/conversations/${id}/release`);
    expect(released.status).toBe(200);
    expect(await state(id)).toBe('bot');
    const countBefore = callbacksTo('flow-citizen').length;
    await citizenSays('flow-citizen', 'F1 phải cách ly bao nhiêu ngày?');
    await platform.settle();
    const botReplies = await waitFor(async () => {
      const rows = await platform.store.db.selectFrom('messages').select(['text', 'created_at']).where('conversation_id', '=', id).where('author', '=', 'bot').orderBy('created_at', 'desc').execute();
      const fresh = rows.filter((r) => callbacksTo('flow-citizen').slice(countBefore).some((c) => c.text === r.text));
      return fresh.length ? fresh : undefined;
    }, 5000, 'bot answering again');
    expect(botReplies.length).toBeGreaterThan(0);
  });

  it('transfers to another operator on shift and closes with a reason', async () => {
    const id = await queuedConversation('transfer-citizen');
    expect((await op1.request('POST', `/api/console/conversations/${id}/claim`)).status).toBe(200);
    // An offline operator cannot receive it.
    expect((await op2.request('PUT', '/api/console/presence', { presence: 'offline' })).status).toBe(200);
    const refused = await op1.request('POST', `/api/console/conversations/${id}/transfer`, { toUserId: op2.user.id });
    expect(refused.status).toBe(409);
    expect((await op2.request('PUT', '/api/console/presence', { presence: 'online' })).status).toBe(200);
    const operators = (await (await op1.request('GET', '/api/console/operators')).json()).operators as Array<{ id: string; presence: string; load: number }>;
    expect(operators.find((o) => o.id === op2.user.id)?.presence).toBe('online');
    expect(operators.find((o) => o.id === op1.user.id)?.load).toBeGreaterThanOrEqual(1);

    const moved = await op1.request('POST', `/api/console/conversations/${id}/transfer`, { toUserId: op2.user.id });
    expect(moved.status).toBe(200);
    expect((await moved.json()).conversation.assigneeId).toBe(op2.user.id);
    expect((await op1.request('POST', `/api/console/conversations/${id}/reply`, { text: 'không còn của tôi' })).status).toBe(409);
    expect((await op1.request('POST', `/api/console/conversations/${id}/close`, { reason: 'Đã giải đáp' })).status).toBe(403);
    expect((await op2.request('POST', `/api/console/conversations/${id}/close`, { reason: '' })).status).toBe(400);
    const closed = await op2.request('POST', `/api/console/conversations/${id}/close`, { reason: 'Đã giải đáp' });
    expect(closed.status).toBe(200);
    const row = await platform.store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'closed', close_reason: 'Đã giải đáp' });
    const queue = (await (await op1.request('GET', '/api/console/queue')).json()).items as Array<{ id: string }>;
    expect(queue.some((i) => i.id === id)).toBe(false);
    const actions = await platform.store.db.selectFrom('audit_log').select('action').where('target_id', '=', id).execute();
    expect(actions.map((a) => a.action)).toEqual(expect.arrayContaining(['conversation.claim', 'conversation.transfer', 'conversation.close']));
  });

  it('shows a reply the channel refused as failed, with the reason', async () => {
    const id = await queuedConversation('failing-citizen');
    expect((await op1.request('POST', `/api/console/conversations/${id}/claim`)).status).toBe(200);
    callback.setResponder((r) => (r.json?.userId === 'failing-citizen' ? { status: 400, body: { error: 'unknown user' } } : { status: 200, body: {} }));
    try {
      const { messageId } = await (await op1.request('POST', `/api/console/conversations/${id}/reply`, { text: 'Dạ, tổng đài đã nhận ạ.' })).json();
      const failed = await waitFor(async () => {
        const m = await (await op1.request('GET', `/api/console/conversations/${id}/messages/${messageId}`)).json();
        return m.status === 'failed' ? m : undefined;
      }, 5000, 'failed status');
      expect(failed.statusReason).toMatch(/400/);
    } finally {
      callback.setResponder(() => ({ status: 200, body: {} }));
    }
  });

  it('finds curated answers in the knowledge base for the operator', async () => {
    const res = await op1.request('GET', `/api/console/kb/search?q=${encodeURIComponent('f1 cach ly may ngay')}`);
    expect(res.status).toBe(200);
    const { results } = (await res.json()) as { results: Array<{ id: string; question: string; answer: string; score: number }> };
    expect(results.length).toBeGreaterThan(0);
    expect(results[0].question).toMatch(/cách ly/i);
    expect(results[0].answer.length).toBeGreaterThan(20);
    expect((await editor.request('GET', `/api/console/kb/search?q=abc`)).status).toBe(403);
  });

  it('opens the live /console channel only with a valid session cookie', async () => {
    const attempt = (cookie?: string) =>
      new Promise<string>((resolve) => {
        const socket = connect(`${platform.url}/console`, { path: '/socket.io', transports: ['websocket'], reconnection: false, ...(cookie && { extraHeaders: { cookie } }) });
        socket.once('connect', () => {
          socket.close();
          resolve('connected');
        });
        socket.once('connect_error', (err) => {
          socket.close();
          resolve(err.message);
        });
      });
    expect(await attempt()).toBe('not signed in');
    expect(await attempt('hl1022_session=forged-token')).toBe('not signed in');
    expect(await attempt(op1.cookie)).toBe('connected');
  });

  it('serves the console page with a strict CSP and no inline script', async () => {
    const page = await fetch(`${platform.url}/console`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/);
    expect(html).toMatch(/<script src="\/console\/app\.js" defer><\/script>/);
    expect(html).not.toMatch(/<script>[^<]/);
    const js = await fetch(`${platform.url}/console/app.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toMatch(/javascript/);
    expect((await js.text()).length).toBeGreaterThan(10_000);
    expect((await fetch(`${platform.url}/console/app.css`)).status).toBe(200);
  });
});
