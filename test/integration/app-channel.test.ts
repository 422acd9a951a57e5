/** The app channel end to end: authenticated POST in, signed callback out, dedupe, refusals that store nothing. */
import { createHmac } from 'node:crypto';
import { startRecordingServer } from '../support/callbackServer';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'app-token-123456';
const SECRET = 'callback-secret-abcdef';

describe('app channel', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform({ APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: SECRET });
  });
  afterAll(async () => {
    await platform.stop();
    await callback.close();
  });

  const post = (body: unknown, token = TOKEN) =>
    fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const countMessages = async () => Number((await platform.store.db.selectFrom('messages').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('answers a message through the signed callback, carrying the outbox id', async () => {
    const res = await post({ userId: 'u1', messageId: 'm1', text: 'Xin chào', name: 'Nguyễn Văn A' });
    expect(res.status).toBe(202);
    const { conversationId } = await res.json();
    expect(conversationId).toEqual(expect.any(String));
    const arrived = await waitFor(() => callback.received.find((r) => r.json?.conversationId === conversationId), 5000, 'callback');
    expect(arrived.json).toMatchObject({ userId: 'u1', conversationId, text: expect.any(String), messageId: expect.any(String) });
    const expected = `sha256=${createHmac('sha256', SECRET).update(arrived.body).digest('hex')}`;
    expect(arrived.headers['x-signature']).toBe(expected);
    // Recorded once the callback answered 2xx (just after its arrival here).
    await waitFor(async () => {
      const outbox = await platform.store.db.selectFrom('outbox').selectAll().where('id', '=', arrived.json.messageId).executeTakeFirst();
      return outbox?.status === 'sent';
    }, 5000, 'the outbox row marked sent');
  });

  it('stores a repeated messageId once and answers 202 with the same conversation', async () => {
    const first = await (await post({ userId: 'u2', messageId: 'dup-1', text: 'hỏi lần 1' })).json();
    const before = await countMessages();
    const again = await post({ userId: 'u2', messageId: 'dup-1', text: 'hỏi lần 1' });
    expect(again.status).toBe(202);
    expect((await again.json()).conversationId).toBe(first.conversationId);
    await platform.settle();
    const inbound = await platform.store.db.selectFrom('messages').selectAll().where('external_id', '=', 'dup-1').execute();
    expect(inbound).toHaveLength(1);
    expect(await countMessages()).toBeLessThanOrEqual(before + 1);
  });

  it('refuses bad requests with a reason and stores nothing', async () => {
    await platform.settle();
    const before = await countMessages();
    expect((await post({ userId: 'u3', messageId: 'x1', text: 'a' }, 'wrong')).status).toBe(401);
    expect((await post({ userId: 'u3', messageId: 'x1', text: 'a' }, '')).status).toBe(401);
    const bad = await post({ userId: 'u3', text: 'thiếu messageId' });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error).toMatch(/messageId/);
    expect((await post('{not json')).status).toBe(400);
    const long = await post({ userId: 'u3', messageId: 'x2', text: 'a'.repeat(4001) });
    expect(long.status).toBe(413);
    expect(await countMessages()).toBe(before);
  });

  it('retries a callback that answers 503 and records a permanent 4xx failure with its reason', async () => {
    let calls = 0;
    callback.setResponder(() => (++calls < 3 ? { status: 503 } : { status: 200, body: {} }));
    const { conversationId } = await (await post({ userId: 'u4', messageId: 'r1', text: 'thử lại' })).json();
    await waitFor(async () => {
      const row = await platform.store.db.selectFrom('outbox').select('status').where('conversation_id', '=', conversationId).executeTakeFirst();
      return row?.status === 'sent';
    }, 8000, 'retried delivery');
    expect(calls).toBeGreaterThanOrEqual(3);

    callback.setResponder(() => ({ status: 400, body: { error: 'unknown user' } }));
    const second = await (await post({ userId: 'u5', messageId: 'f1', text: 'thất bại' })).json();
    const failed = await waitFor(async () => {
      const row = await platform.store.db.selectFrom('messages').selectAll().where('conversation_id', '=', second.conversationId).where('direction', '=', 'out').executeTakeFirst();
      return row?.status === 'failed' ? row : undefined;
    }, 5000, 'failed delivery');
    expect(failed.status_reason).toMatch(/400/);
    callback.setResponder(() => ({ status: 200, body: {} }));
  });
});
