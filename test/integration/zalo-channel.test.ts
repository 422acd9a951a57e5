/**
 * The Zalo OA connector end to end: signed events in through the real platform, CS messages out to a local OpenAPI
 * that answers like Zalo (HTTP 200 + error codes), receipts, refusals that store nothing, repeats, error mapping, and
 * the single-use refresh-token chain surviving a restart.
 */
import { writeOutbound } from '../../src/pipeline/outbound';
import { getConversation } from '../../src/store/conversations';
import { getValue } from '../../src/store/kv';
import { signZalo, startFakeZaloApi, zaloEvent, zaloEvents as ev, type FakeZaloApi } from '../support/fakeZaloApi';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const APP_ID = '3482170000000000000';
const APP_SECRET = 'zalo-app-secret-key';
const OA_SECRET = 'zalo-oa-secret-key';
const OA = '1646840000000000000';
const INITIAL_AT = 'initial-access-token';
const INITIAL_RT = 'initial-refresh-token';

describe('Zalo OA channel', () => {
  let zalo: FakeZaloApi;
  let platform: TestPlatform;
  let env: Record<string, string>;

  beforeAll(async () => {
    zalo = await startFakeZaloApi({ appId: APP_ID, appSecret: APP_SECRET, accessToken: INITIAL_AT, refreshToken: INITIAL_RT });
    env = {
      ZALO_APP_ID: APP_ID,
      ZALO_APP_SECRET: APP_SECRET,
      ZALO_OA_SECRET_KEY: OA_SECRET,
      ZALO_ACCESS_TOKEN: INITIAL_AT,
      ZALO_REFRESH_TOKEN: INITIAL_RT,
      ZALO_API_URL: zalo.url,
      ZALO_OAUTH_URL: zalo.url,
    };
    platform = await startTestPlatform(env);
  });
  afterAll(async () => {
    await platform?.stop();
    await zalo?.close();
  });

  const post = (event: unknown, signature: string | null = 'valid') => {
    const raw = typeof event === 'string' ? event : JSON.stringify(event);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature) {
      const parsed = typeof event === 'object' && event ? (event as { app_id: string; timestamp: string }) : { app_id: APP_ID, timestamp: '0' };
      headers['x-zevent-signature'] = signature === 'valid' ? signZalo(raw, parsed.app_id, parsed.timestamp, OA_SECRET) : signature;
    }
    return fetch(`${platform.url}/webhooks/zalo`, { method: 'POST', headers, body: raw });
  };
  const db = () => platform.store.db;
  const countMessages = async () => Number((await db().selectFrom('messages').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const inbound = (msgId: string) => db().selectFrom('messages').selectAll().where('external_id', '=', msgId).where('direction', '=', 'in').execute();
  const outboundOf = (userId: string) =>
    db().selectFrom('messages').innerJoin('conversations', 'conversations.id', 'messages.conversation_id').selectAll('messages')
      .where('conversations.external_user_id', '=', userId).where('messages.channel', '=', 'zalo').where('messages.direction', '=', 'out').orderBy('messages.created_at').execute();

  it('answers the dashboard check (GET, empty POST) with 200 and stores nothing', async () => {
    const before = await countMessages();
    expect((await fetch(`${platform.url}/webhooks/zalo`)).status).toBe(200);
    expect((await fetch(`${platform.url}/webhooks/zalo`, { method: 'POST' })).status).toBe(200);
    expect(await countMessages()).toBe(before);
  });

  it('stores a signed text and the reply reaches the OA API; receipts name Zalo\'s message_id', async () => {
    const res = await post(ev.text(APP_ID, OA, 'zu-1', 'msg-text-1', 'Cho hỏi tiêm vắc-xin ở đâu ạ'));
    expect(res.status).toBe(200);
    expect(await inbound('msg-text-1')).toHaveLength(1);
    const send = await waitFor(() => zalo.sends('zu-1')[0], 5000, 'CS message');
    expect(send.headers.access_token).toBe(INITIAL_AT);
    expect(send.headers['content-type']).toMatch(/application\/json/);
    expect(send.body).toMatchObject({ recipient: { user_id: 'zu-1' }, message: { text: expect.any(String) } });
    expect(send.body.message.text.length).toBeGreaterThan(0);

    await platform.settle();
    const [reply] = await outboundOf('zu-1');
    expect(reply.status).toBe('sent');
    expect(reply.external_id).toMatch(/^[0-9a-f]{20}$/); // Zalo's message_id, our only link (no metadata field)
    expect((await post(ev.received(APP_ID, OA, 'zu-1', reply.external_id!))).status).toBe(200);
    expect((await outboundOf('zu-1'))[0].status).toBe('delivered');
    expect((await post(ev.seen(APP_ID, OA, 'zu-1', [reply.external_id!]))).status).toBe(200);
    expect((await outboundOf('zu-1'))[0].status).toBe('read');
  });

  it('refuses a bad or missing signature (403) and a malformed body (400), storing nothing', async () => {
    await platform.settle();
    const before = await countMessages();
    const event = ev.text(APP_ID, OA, 'zu-2', 'msg-forged', 'giả mạo');
    expect((await post(event, 'mac=' + 'a'.repeat(64))).status).toBe(403);
    expect((await post(event, signZalo(JSON.stringify(event), APP_ID, event.timestamp, APP_SECRET))).status).toBe(403); // app secret is not the OA key
    expect((await post(event, null)).status).toBe(403);
    expect((await post('{"app_id":', 'mac=00')).status).toBe(400);
    expect((await post({ ...event, message: { text: 'no msg_id' } })).status).toBe(400);
    await platform.settle();
    expect(await countMessages()).toBe(before);
    expect(zalo.sends('zu-2')).toHaveLength(0);
  });

  it('processes a repeated event once (msg_id)', async () => {
    const event = ev.text(APP_ID, OA, 'zu-3', 'msg-dup', 'Cách ly F1 mấy ngày?');
    expect((await post(event)).status).toBe(200);
    await waitFor(() => zalo.sends('zu-3').length > 0, 5000, 'first reply');
    await platform.settle();
    const sends = zalo.sends('zu-3').length;
    const before = await countMessages();
    expect((await post(event)).status).toBe(200);
    await platform.settle();
    expect(await inbound('msg-dup')).toHaveLength(1);
    expect(await countMessages()).toBe(before);
    expect(zalo.sends('zu-3')).toHaveLength(sends);
  });

  it('stores an image with its metadata and no text, and the citizen still gets an answer', async () => {
    expect((await post(ev.image(APP_ID, OA, 'zu-4', 'msg-img', 'https://photo.zalo.example/abc.jpg'))).status).toBe(200);
    const [image] = await inbound('msg-img');
    expect(image.text).toBe('');
    expect(JSON.parse(image.attachments)).toEqual([{ type: 'image', url: 'https://photo.zalo.example/abc.jpg', meta: { thumbnail: 'https://photo.zalo.example/abc.jpg' } }]);
    await waitFor(() => zalo.sends('zu-4').length > 0, 5000, 'answer to an image');
  });

  it('welcomes a follow; ignores unfollow and the OA\'s own echoes', async () => {
    const before = await countMessages();
    expect((await post(ev.follow(APP_ID, OA, 'zu-5'))).status).toBe(200);
    await waitFor(() => zalo.sends('zu-5').length > 0, 5000, 'welcome');
    await platform.settle();
    expect((await countMessages()) - before).toBe(1 + zalo.sends('zu-5').length);
    const afterFollow = await countMessages();
    expect((await post(ev.unfollow(APP_ID, OA, 'zu-5'))).status).toBe(200);
    expect((await post(ev.oaEcho(APP_ID, OA, 'zu-5', 'echo-1', 'Dạ'))).status).toBe(200);
    expect((await post(zaloEvent(APP_ID, OA, 'user_reacted_message', { sender: { id: 'zu-5' }, message: { msg_id: 'r1', react_icon: '/-heart' } }))).status).toBe(200);
    expect(await countMessages()).toBe(afterFollow);
  });

  it('sends quick replies as oa.query.hide buttons, and a tapped button comes back as a choice', async () => {
    await post(ev.text(APP_ID, OA, 'zu-6', 'msg-qr', 'Xin chào'));
    await waitFor(() => zalo.sends('zu-6').length > 0, 5000, 'first reply');
    await platform.settle();
    const [first] = await outboundOf('zu-6');
    const conversation = (await getConversation(db(), first.conversation_id))!;
    const written = await writeOutbound(db(), conversation, { text: 'Dạ, anh/chị cần gì ạ?', quickReplies: [{ title: 'Gặp tổng đài viên', payload: 'HANDOFF' }, { title: 'Khai báo y tế', payload: 'DECLARE' }], author: 'bot' }, new Date().toISOString());
    platform.worker.kick([written.outboxId]);
    const send = await waitFor(() => zalo.sends('zu-6').find((r) => r.body.message.attachment), 5000, 'buttons');
    const buttons = send.body.message.attachment.payload.buttons;
    expect(send.body.message.attachment.type).toBe('template');
    expect(buttons.map((b: { title: string; type: string }) => [b.title, b.type])).toEqual([['Gặp tổng đài viên', 'oa.query.hide'], ['Khai báo y tế', 'oa.query.hide']]);
    // Zalo sends the hidden payload back as the user's text.
    await post(ev.text(APP_ID, OA, 'zu-6', 'msg-tap', buttons[1].payload));
    const [tap] = await inbound('msg-tap');
    expect(tap).toMatchObject({ choice: 'DECLARE', text: 'Khai báo y tế' });
  });

  it('retries -32 (call limit), fails -230 and unknown codes with their reasons', async () => {
    let limited = 0;
    const stop32 = zalo.script((req) => (req.body?.recipient?.user_id === 'zu-7' && limited++ === 0 ? { error: -32, message: 'App has reached the limit of API calls' } : undefined));
    await post(ev.text(APP_ID, OA, 'zu-7', 'msg-retry', 'Alo'));
    await waitFor(async () => (await outboundOf('zu-7')).find((m) => m.status === 'sent'), 8000, 'sent after a retry');
    expect(zalo.sends('zu-7').length).toBeGreaterThanOrEqual(2);
    stop32();

    const stop230 = zalo.script((req) => (req.body?.recipient?.user_id === 'zu-8' ? { error: -230, message: 'User has not interacted with the OA in the past 7 days' } : undefined));
    await post(ev.text(APP_ID, OA, 'zu-8', 'msg-230', 'Alo'));
    const failed = await waitFor(async () => (await outboundOf('zu-8')).find((m) => m.status === 'failed'), 5000, 'failed -230');
    expect(failed.status_reason).toMatch(/7 ngày/);
    await platform.settle();
    expect(zalo.sends('zu-8')).toHaveLength((await outboundOf('zu-8')).length); // permanent: each tried once
    stop230();

    const stopUnknown = zalo.script((req) => (req.body?.recipient?.user_id === 'zu-9' ? { error: -999, message: 'Something new' } : undefined));
    await post(ev.text(APP_ID, OA, 'zu-9', 'msg-999', 'Alo'));
    const unknown = await waitFor(async () => (await outboundOf('zu-9')).find((m) => m.status === 'failed'), 5000, 'failed unknown');
    expect(unknown.status_reason).toContain('mã -999: Something new');
    stopUnknown();
  });

  it('refreshes the token on -216 and before expiry, persists the pair, and keeps it across a restart', async () => {
    // 1. The current token is rejected: one refresh (form-urlencoded, secret_key header), then the same message is resent.
    zalo.state.expiresIn = 1800; // the new token lives 30 min: under the 1 h margin
    zalo.invalidateAccessTokens();
    const refreshesBefore = zalo.refreshes().length;
    await post(ev.text(APP_ID, OA, 'zu-10', 'msg-216', 'Alo'));
    await waitFor(async () => (await outboundOf('zu-10')).find((m) => m.status === 'sent'), 5000, 'sent after refresh');
    const [refresh1] = zalo.refreshes().slice(refreshesBefore);
    expect(refresh1.headers.secret_key).toBe(APP_SECRET);
    expect(refresh1.headers['content-type']).toMatch(/^application\/x-www-form-urlencoded/);
    expect(Object.fromEntries(refresh1.form!)).toEqual({ refresh_token: INITIAL_RT, app_id: APP_ID, grant_type: 'refresh_token' });
    await platform.settle();
    const sends10 = zalo.sends('zu-10');
    expect(sends10[0].headers.access_token).toBe(INITIAL_AT); // answered -216
    const token1 = sends10[1].headers.access_token as string;
    expect(token1).not.toBe(INITIAL_AT);
    expect(sends10.slice(1).every((r) => r.headers.access_token === token1)).toBe(true);
    const stored1 = JSON.parse((await getValue(db(), 'zalo.oa_tokens'))!);
    expect(stored1).toMatchObject({ accessToken: token1, refreshToken: zalo.state.refreshToken, expiresAt: expect.any(String) });

    // 2. Under an hour left: refreshed before sending, no rejected send in between.
    zalo.state.expiresIn = 90000;
    await post(ev.text(APP_ID, OA, 'zu-11', 'msg-proactive', 'Alo'));
    await waitFor(async () => (await outboundOf('zu-11')).find((m) => m.status === 'sent'), 5000, 'sent after proactive refresh');
    expect(zalo.refreshes().length).toBe(refreshesBefore + 2);
    await platform.settle();
    const sends11 = zalo.sends('zu-11');
    const token2 = sends11[0].headers.access_token as string;
    expect(token2).not.toBe(token1);
    expect(sends11.every((r) => r.headers.access_token === token2)).toBe(true);
    const refreshToken2 = zalo.state.refreshToken;

    // 3. Restart on the same data folder: the stored pair is used, not the spent one from the settings.
    await platform.stop();
    platform = await startTestPlatform({ ...env, DATA_DIR: platform.dataDir });
    await post(ev.text(APP_ID, OA, 'zu-12', 'msg-restart', 'Alo'));
    await waitFor(async () => (await outboundOf('zu-12')).find((m) => m.status === 'sent'), 5000, 'sent after restart');
    await platform.settle();
    expect(zalo.sends('zu-12').length).toBeGreaterThan(0);
    expect(zalo.sends('zu-12').every((r) => r.headers.access_token === token2)).toBe(true);
    expect(zalo.refreshes().length).toBe(refreshesBefore + 2);
    expect(JSON.parse((await getValue(db(), 'zalo.oa_tokens'))!)).toMatchObject({ accessToken: token2, refreshToken: refreshToken2 });
  });
});
