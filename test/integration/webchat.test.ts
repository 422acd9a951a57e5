/**
 * The web chat channel over its real socket.io protocol (namespace /widget): replies, idempotent re-sends, refusals
 * with a reason, rate limits, history after a reload, revoked sessions, and what a widget is told live.
 */
import { hashToken } from '../../channels/webchat/sessions';
import type { WebchatConnector } from '../../channels/webchat';
import type { WidgetMessage } from '../../channels/webchat/protocol';
import { writeOutbound } from '../../src/pipeline/outbound';
import { getConversation, setConversationState } from '../../src/store/conversations';
import { insertMessage } from '../../src/store/messages';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { connectWidget, type WidgetClient } from '../support/widgetClient';

const PER_MINUTE = 4;

describe('web chat widget channel', () => {
  let platform: TestPlatform;
  const clients: WidgetClient[] = [];
  let ipCounter = 0;
  // Each test citizen gets an address of its own (through the trusted local proxy header), so limits do not mix.
  const widget = async (ip = `203.0.113.${++ipCounter}`) => {
    const client = await connectWidget(platform.url, { ip });
    clients.push(client);
    return client;
  };
  const clientId = () => `c${Math.random().toString(36).slice(2)}${Date.now().toString(36)}`;
  const sessionIdOf = async (token: string) =>
    (await platform.store.db.selectFrom('widget_sessions').select('id').where('token_hash', '=', hashToken(token)).executeTakeFirstOrThrow()).id;
  const inbound = (sessionId: string) =>
    platform.store.db.selectFrom('messages').selectAll().where('direction', '=', 'in').where('external_id', 'like', `${sessionId}:%`).execute();

  beforeAll(async () => {
    platform = await startTestPlatform({ WIDGET_MESSAGES_PER_MINUTE: String(PER_MINUTE), WIDGET_MAX_TEXT: '300' });
  });
  afterAll(async () => {
    for (const c of clients) c.close();
    await platform.stop();
  });

  it('answers a citizen message with a bot reply, in the session room', async () => {
    const citizen = await widget();
    const session = await citizen.hello();
    expect(session.token).toMatch(/^[A-Za-z0-9_-]{40,}$/);
    expect(session).toMatchObject({ conversationId: null, history: [], state: { state: 'bot' }, limits: { maxText: 300, messagesPerMinute: PER_MINUTE } });
    const ack = await citizen.send({ clientId: clientId(), text: 'Xin chào, cho hỏi về tiêm vắc xin' });
    expect(ack).toMatchObject({ ok: true, duplicate: false, conversationId: expect.any(String) });
    const reply = await citizen.waitForMessage((m) => m.author === 'bot');
    expect(reply.text.length).toBeGreaterThan(10);
    expect(reply.authorName).toBeTruthy();
    // The token itself is never stored, only its hash.
    const stored = await platform.store.db.selectFrom('widget_sessions').selectAll().execute();
    expect(stored.some((row) => row.token_hash === session.token)).toBe(false);
    expect(stored.some((row) => row.token_hash === hashToken(session.token))).toBe(true);
  });

  it('stores a message re-sent with the same clientId once and answers it once', async () => {
    const citizen = await widget();
    const session = await citizen.hello();
    const message = { clientId: clientId(), text: 'Tôi bị sốt nhẹ thì có cần xét nghiệm không' };
    const first = await citizen.send(message);
    // After a reconnect the widget sends what it did not see acknowledged, on a new socket.
    const again = await widget();
    await again.hello(session.token);
    const second = await again.send(message);
    expect(first.ok && second.ok).toBe(true);
    if (!first.ok || !second.ok) return;
    expect(second).toMatchObject({ duplicate: true, id: first.id });
    await citizen.waitForMessage((m) => m.author === 'bot');
    await platform.settle();
    const sessionId = await sessionIdOf(session.token);
    expect(await inbound(sessionId)).toHaveLength(1);
    const replies = await platform.store.db.selectFrom('messages').select('id').where('conversation_id', '=', first.conversationId).where('direction', '=', 'out').execute();
    expect(citizen.messages.filter((m) => m.author === 'bot')).toHaveLength(replies.length);
  });

  it('refuses text over WIDGET_MAX_TEXT with a Vietnamese reason and stores nothing', async () => {
    const citizen = await widget();
    const session = await citizen.hello();
    const ack = await citizen.send({ clientId: clientId(), text: 'á'.repeat(301) });
    expect(ack).toMatchObject({ ok: false, error: 'too_long' });
    if (ack.ok) return;
    expect(ack.reason).toContain('300');
    expect(ack.reason).toMatch(/tin nhắn dài quá/);
    expect(await inbound(await sessionIdOf(session.token))).toHaveLength(0);
    // Exactly at the limit is fine (counted in characters, not bytes).
    expect(await citizen.send({ clientId: clientId(), text: 'á'.repeat(300) })).toMatchObject({ ok: true });
  });

  it('refuses messages without a session or with a malformed payload', async () => {
    const citizen = await widget();
    expect(await citizen.send({ clientId: clientId(), text: 'chưa chào' })).toMatchObject({ ok: false, error: 'no_session' });
    await citizen.hello();
    expect(await citizen.send({ clientId: 'x', text: 'id quá ngắn' })).toMatchObject({ ok: false, error: 'invalid' });
    expect(await citizen.send({ clientId: clientId(), text: '   ' })).toMatchObject({ ok: false, error: 'invalid' });
  });

  it('limits messages per session, and per IP at five times that', async () => {
    const citizen = await widget('198.51.100.7');
    await citizen.hello();
    for (let i = 0; i < PER_MINUTE; i++) expect(await citizen.send({ clientId: clientId(), text: `câu hỏi số ${i + 1}` })).toMatchObject({ ok: true });
    const limited = await citizen.send({ clientId: clientId(), text: 'một câu nữa' });
    expect(limited).toMatchObject({ ok: false, error: 'rate_limited', retryAfterMs: expect.any(Number) });
    if (!limited.ok) expect(limited.reason).toMatch(/gửi nhanh quá/);

    // Other sessions from the same address share the IP budget: 5 × PER_MINUTE in all.
    let accepted = PER_MINUTE;
    let refusedAt = -1;
    for (let s = 0; s < 5 && refusedAt < 0; s++) {
      const neighbour = await widget('198.51.100.7');
      await neighbour.hello();
      for (let i = 0; i < PER_MINUTE; i++) {
        const ack = await neighbour.send({ clientId: clientId(), text: `hàng xóm ${s}-${i}` });
        if (!ack.ok) {
          expect(ack.error).toBe('rate_limited');
          refusedAt = accepted;
          break;
        }
        accepted += 1;
      }
    }
    expect(refusedAt).toBe(5 * PER_MINUTE);
    // A citizen elsewhere is not affected.
    const elsewhere = await widget('198.51.100.8');
    await elsewhere.hello();
    expect(await elsewhere.send({ clientId: clientId(), text: 'tôi ở chỗ khác' })).toMatchObject({ ok: true });
  });

  it('gives the conversation back after a reload (same token), without internal notes', async () => {
    const citizen = await widget();
    const session = await citizen.hello();
    const sent = await citizen.send({ clientId: clientId(), text: 'Cho hỏi giờ làm việc của tổng đài' });
    if (!sent.ok) throw new Error('not sent');
    const reply = await citizen.waitForMessage((m) => m.author === 'bot');
    await platform.settle();
    await insertMessage(platform.store.db, {
      conversationId: sent.conversationId, channel: 'webchat', direction: 'out', author: 'operator', text: 'ghi chú nội bộ: đã gọi lại', status: 'sent', internal: true, at: new Date().toISOString(), processed: true,
    });
    citizen.close();

    const reloaded = await widget();
    const again = await reloaded.hello(session.token);
    expect(again.token).toBe(session.token);
    expect(again.conversationId).toBe(sent.conversationId);
    const texts = again.history.map((m) => m.text);
    expect(texts).toContain('Cho hỏi giờ làm việc của tổng đài');
    expect(texts).toContain(reply.text);
    expect(texts.join(' ')).not.toContain('ghi chú nội bộ');
    const own = again.history.find((m) => m.author === 'citizen');
    expect(own?.clientId).toBeTruthy();
    expect(again.history.findIndex((m) => m.author === 'citizen')).toBeLessThan(again.history.findIndex((m) => m.id === reply.id));
  });

  it('starts a new session when the token was revoked on the server', async () => {
    const citizen = await widget();
    const session = await citizen.hello();
    await citizen.send({ clientId: clientId(), text: 'Tin nhắn trước khi thu hồi' });
    const sessionId = await sessionIdOf(session.token);
    const disconnected = new Promise<void>((resolve) => citizen.socket.once('disconnect', () => resolve()));
    const connector = platform.connectors.get('webchat') as WebchatConnector;
    expect(await connector.revoke(sessionId, 'thử nghiệm')).toBe(true);
    await disconnected;

    const next = await widget();
    const fresh = await next.hello(session.token);
    expect(fresh.token).not.toBe(session.token);
    expect(fresh.history).toEqual([]);
    expect(fresh.conversationId).toBeNull();
    expect(await sessionIdOf(fresh.token)).not.toBe(sessionId);
  });

  it('tells every tab of the session: own messages, operator replies with the name, state, typing and urgency', async () => {
    const tab1 = await widget();
    const session = await tab1.hello();
    const tab2 = await widget();
    await tab2.hello(session.token);
    const id = clientId();
    const ack = await tab1.send({ clientId: id, text: 'Tôi muốn gặp tổng đài viên' });
    if (!ack.ok) throw new Error('not sent');
    const echoed = await tab2.waitForMessage((m) => m.author === 'citizen');
    expect(echoed).toMatchObject({ clientId: id, text: 'Tôi muốn gặp tổng đài viên' });
    expect(tab1.messages.some((m) => m.author === 'citizen')).toBe(false); // the sender has its ack
    await platform.settle();

    // An operator takes the conversation (as the handoff service does) and replies through the outbox.
    const now = new Date().toISOString();
    await platform.store.db
      .insertInto('users')
      .values({ id: 'op-lan', username: 'lan', display_name: 'Nguyễn Thị Lan', role: 'operator', email: null, password_hash: 'x', failed_logins: 0, locked_until: null, session_version: 0, presence: 'online', disabled: 0, created_at: now })
      .execute();
    await setConversationState(platform.store.db, ack.conversationId, 'human', now, { assigneeId: 'op-lan' });
    platform.bus.publish({ type: 'conversation.updated', conversationId: ack.conversationId, state: 'human', assigneeId: 'op-lan' });
    // The handoff itself announced 'queued' first; the operator taking over is the next state.
    const state = await tab2.waitForEvent<{ state: string; operatorName: string }>('state', (s) => s.state === 'human');
    expect(state).toMatchObject({ state: 'human', operatorName: 'Nguyễn Thị Lan' });

    platform.bus.publish({ type: 'typing', conversationId: ack.conversationId, who: 'operator', on: true });
    expect(await tab1.waitForEvent<{ who: string }>('typing', (t) => t.who === 'operator')).toEqual({ who: 'operator', on: true });

    const conversation = await getConversation(platform.store.db, ack.conversationId);
    const written = await platform.store.db.transaction().execute((tx) =>
      writeOutbound(tx, conversation!, { text: 'Dạ, chị Lan đây, anh/chị cần hỗ trợ gì ạ?', author: 'operator', authorId: 'op-lan', authorName: 'Nguyễn Thị Lan' }, now),
    );
    platform.worker.kick([written.outboxId]);
    const isReply = (m: WidgetMessage) => m.author === 'operator';
    const [r1, r2] = await Promise.all([tab1.waitForMessage(isReply), tab2.waitForMessage(isReply)]);
    expect(r1).toMatchObject({ id: written.messageId, authorName: 'Nguyễn Thị Lan', text: 'Dạ, chị Lan đây, anh/chị cần hỗ trợ gì ạ?' });
    expect(r2.id).toBe(r1.id);

    // The widget's receipt marks the reply read for the operator.
    tab1.socket.emit('seen', { ids: [written.messageId], status: 'read' });
    await waitFor(async () => (await platform.store.db.selectFrom('messages').select('status').where('id', '=', written.messageId).executeTakeFirst())?.status === 'read', 3000, 'read receipt');

    platform.bus.publish({ type: 'urgent.alert', conversationId: ack.conversationId, level: 'emergency', symptoms: ['khó thở'] });
    expect(await tab2.waitForEvent('urgent')).toEqual({ level: 'emergency' });
    // Each event reaches each tab once.
    expect(tab2.events.filter((e) => e.event === 'urgent')).toHaveLength(1);
  });

  it('publishes the citizen typing on the bus', async () => {
    const citizen = await widget();
    await citizen.hello();
    const ack = await citizen.send({ clientId: clientId(), text: 'chào' });
    if (!ack.ok) throw new Error('not sent');
    const seen: unknown[] = [];
    const off = platform.bus.subscribe((e) => e.type === 'typing' && seen.push(e));
    citizen.socket.emit('typing', { on: true });
    await waitFor(() => seen.length > 0, 2000, 'typing event');
    off();
    expect(seen[0]).toEqual({ type: 'typing', conversationId: ack.conversationId, who: 'citizen', on: true });
  });

  it('serves the widget bundle with caching headers and the demo page under a strict CSP', async () => {
    const res = await fetch(`${platform.url}/widget.js`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/javascript/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const etag = res.headers.get('etag');
    expect(etag).toBeTruthy();
    const body = await res.text();
    expect(body).toContain('Chat với Tổng đài 1022');
    expect(body).not.toMatch(/innerHTML/);
    const again = await fetch(`${platform.url}/widget.js`, { headers: { 'if-none-match': etag as string } });
    expect(again.status).toBe(304);
    const { gzip } = await (platform.connectors.get('webchat') as WebchatConnector).bundle;
    expect(gzip.length).toBeLessThan(40 * 1024);

    const page = await fetch(`${platform.url}/`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('Tổng đài 1022 tỉnh Bình Phước');
    expect(html).toMatch(/<script src="\/widget\.js" async[^>]*><\/script>/);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
  });
});
