/**
 * The Messenger connector end to end: signed webhook batches in through the real platform, replies out to a local
 * Send API that speaks Graph's format, receipts, refusals that store nothing, repeats, windows and error mapping.
 */
import { writeOutbound } from '../../src/pipeline/outbound';
import { getConversation } from '../../src/store/conversations';
import { GRAPH_ERRORS, messengerEvents as ev, signMessenger, startFakeGraphApi, type FakeGraphApi } from '../support/fakeGraphApi';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const APP_SECRET = 'messenger-app-secret-123';
const VERIFY_TOKEN = 'verify-token-1022';
const PAGE_TOKEN = 'EAAG-page-token-abc';
const PAGE = '104857600000001';

describe('Messenger channel', () => {
  let graph: FakeGraphApi;
  let platform: TestPlatform;

  beforeAll(async () => {
    graph = await startFakeGraphApi({ pageAccessToken: PAGE_TOKEN });
    platform = await startTestPlatform({
      MESSENGER_APP_SECRET: APP_SECRET,
      MESSENGER_VERIFY_TOKEN: VERIFY_TOKEN,
      MESSENGER_PAGE_ACCESS_TOKEN: PAGE_TOKEN,
      GRAPH_API_URL: graph.url,
    });
  });
  afterAll(async () => {
    await platform?.stop();
    await graph?.close();
  });
  afterEach(() => graph.reset());

  const post = (body: unknown, signature: string | null = 'valid') => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signature) headers['x-hub-signature-256'] = signature === 'valid' ? signMessenger(raw, APP_SECRET) : signature;
    return fetch(`${platform.url}/webhooks/messenger`, { method: 'POST', headers, body: raw });
  };
  const db = () => platform.store.db;
  const countMessages = async () => Number((await db().selectFrom('messages').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);
  const inbound = (mid: string) => db().selectFrom('messages').selectAll().where('external_id', '=', mid).where('direction', '=', 'in').execute();
  const outboundOf = (psid: string) =>
    db().selectFrom('messages').innerJoin('conversations', 'conversations.id', 'messages.conversation_id').selectAll('messages')
      .where('conversations.external_user_id', '=', psid).where('messages.channel', '=', 'messenger').where('messages.direction', '=', 'out').orderBy('messages.created_at').execute();

  it('answers the verification handshake with the challenge, and refuses a wrong token', async () => {
    const ok = await fetch(`${platform.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe('1158201444');
    const bad = await fetch(`${platform.url}/webhooks/messenger?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it('stores a signed message, shows typing, and the reply reaches the Send API carrying its outbox id', async () => {
    const res = await post(ev.batch(ev.entry(PAGE, ev.text('psid-1', PAGE, 'mid.$cAAJ1', 'Tiêm vắc-xin ở đâu ạ?'))));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('EVENT_RECEIVED');
    expect(await inbound('mid.$cAAJ1')).toHaveLength(1);

    const reply = await waitFor(() => graph.messages('psid-1')[0], 5000, 'reply at the Send API');
    expect(reply.query.get('access_token')).toBe(PAGE_TOKEN);
    expect(reply.body).toMatchObject({ recipient: { id: 'psid-1' }, messaging_type: 'RESPONSE', message: { text: expect.any(String), metadata: expect.any(String) } });
    expect(reply.body.message.text.length).toBeGreaterThan(0);
    const outbox = await db().selectFrom('outbox').selectAll().where('id', '=', reply.body.message.metadata).executeTakeFirst();
    expect(outbox).toBeDefined();

    const typing = graph.senderActions('psid-1');
    expect(typing[0]?.body).toEqual({ recipient: { id: 'psid-1' }, sender_action: 'typing_on' });
    expect(typing[0].at).toBeLessThanOrEqual(reply.at);

    await platform.settle();
    const [sent] = await outboundOf('psid-1');
    expect(sent.status).toBe('sent');
    expect(sent.external_id).toMatch(/^m_/);
  });

  it('handles every entry and item of a batch, and applies deliveries and reads as receipts', async () => {
    const before = await countMessages();
    const res = await post(ev.batch(
      ev.entry(PAGE, ev.text('psid-2', PAGE, 'mid.b1', 'Xin chào'), ev.quickReply('psid-2', PAGE, 'mid.b2', 'Có', 'FEEDBACK_YES')),
      ev.entry(PAGE, ev.text('psid-3', PAGE, 'mid.b3', 'Khai báo y tế thế nào?'), ev.echo('psid-3', PAGE, 'mid.echo', 'Dạ', 'some-outbox-id')),
    ));
    expect(res.status).toBe(200);
    const [qr] = await inbound('mid.b2');
    expect(qr).toMatchObject({ text: 'Có', choice: 'FEEDBACK_YES' });
    expect(await inbound('mid.b3')).toHaveLength(1);
    expect(await db().selectFrom('messages').selectAll().where('external_id', '=', 'mid.echo').execute()).toHaveLength(0);
    await waitFor(() => graph.messages('psid-2').length >= 1 && graph.messages('psid-3').length >= 1, 5000, 'replies to both users');
    await platform.settle();
    expect((await countMessages()) - before).toBeGreaterThanOrEqual(3 + 2);

    const replies = await outboundOf('psid-3');
    expect(replies.every((m) => m.status === 'sent')).toBe(true);
    const receipt = await post(ev.batch(ev.entry(PAGE, ev.delivery('psid-3', PAGE, [replies[0].external_id!], Date.now()))));
    expect(receipt.status).toBe(200);
    expect((await outboundOf('psid-3'))[0].status).toBe('delivered');
    await post(ev.batch(ev.entry(PAGE, ev.read('psid-3', PAGE, Date.now() + 1000))));
    const read = await outboundOf('psid-3');
    expect(read.length).toBeGreaterThan(0);
    expect(read.every((m) => m.status === 'read')).toBe(true);
    expect(await inbound('mid.b1')).toHaveLength(1); // receipts created no messages
  });

  it('refuses a bad or missing signature (403) and a malformed body (400), storing nothing', async () => {
    await platform.settle();
    const before = await countMessages();
    const body = ev.batch(ev.entry(PAGE, ev.text('psid-4', PAGE, 'mid.forged', 'giả mạo')));
    expect((await post(body, 'sha256=' + '0'.repeat(64))).status).toBe(403);
    expect((await post(body, signMessenger(JSON.stringify(body), 'wrong-secret'))).status).toBe(403);
    expect((await post(body, null)).status).toBe(403);
    expect((await post('{"object":"page","entry":[')).status).toBe(400);
    expect((await post({ object: 'page', entry: 'x' })).status).toBe(400);
    await platform.settle();
    expect(await countMessages()).toBe(before);
    expect(graph.messages('psid-4')).toHaveLength(0);
  });

  it('processes a repeated webhook once', async () => {
    const body = ev.batch(ev.entry(PAGE, ev.text('psid-5', PAGE, 'mid.dup', 'Cách ly bao nhiêu ngày?')));
    expect((await post(body)).status).toBe(200);
    await waitFor(() => graph.messages('psid-5').length > 0, 5000, 'first reply');
    await platform.settle();
    const repliesAfterFirst = graph.messages('psid-5').length;
    const before = await countMessages();
    expect((await post(body)).status).toBe(200);
    await platform.settle();
    expect(await inbound('mid.dup')).toHaveLength(1);
    expect(await countMessages()).toBe(before);
    expect(graph.messages('psid-5')).toHaveLength(repliesAfterFirst);
  });

  it('turns Get Started into a follow that is welcomed', async () => {
    expect((await post(ev.batch(ev.entry(PAGE, ev.postback('psid-6', PAGE, 'mid.gs', 'Bắt đầu', 'GET_STARTED'))))).status).toBe(200);
    const [stored] = await inbound('mid.gs');
    expect(JSON.parse(stored.meta)).toMatchObject({ kind: 'follow' });
    const welcome = await waitFor(() => graph.messages('psid-6')[0], 5000, 'welcome');
    expect(welcome.body.message.text.length).toBeGreaterThan(0);
  });

  it('retries temporary errors and rate limits, then sends', async () => {
    graph.failNextMessages(1, GRAPH_ERRORS.temporary);
    graph.failNextMessages(1, GRAPH_ERRORS.rateLimited);
    await post(ev.batch(ev.entry(PAGE, ev.text('psid-7', PAGE, 'mid.retry', 'Xét nghiệm ở đâu?'))));
    const sent = await waitFor(async () => (await outboundOf('psid-7')).find((m) => m.status === 'sent'), 8000, 'sent after retries');
    expect(sent.external_id).toMatch(/^m_/);
    expect(graph.messages('psid-7').length).toBeGreaterThanOrEqual(3);
  });

  it('records a refused send as failed with a Vietnamese reason operators read', async () => {
    graph.script((req) => (req.body?.message && req.body.recipient?.id === 'psid-8' ? GRAPH_ERRORS.outsideWindow() : undefined));
    await post(ev.batch(ev.entry(PAGE, ev.text('psid-8', PAGE, 'mid.fail', 'Alo'))));
    const failed = await waitFor(async () => (await outboundOf('psid-8')).find((m) => m.status === 'failed'), 5000, 'failed delivery');
    expect(failed.status_reason).toMatch(/ngoài khung thời gian/);
    expect(failed.status_reason).toMatch(/2018278/);
    await platform.settle();
    expect(graph.messages('psid-8')).toHaveLength((await outboundOf('psid-8')).length); // permanent: each tried once
  });

  it('uses the HUMAN_AGENT tag for an operator after 24 h and refuses the bot outside the window', async () => {
    await post(ev.batch(ev.entry(PAGE, ev.text('psid-9', PAGE, 'mid.old', 'Cho hỏi'))));
    await waitFor(() => graph.messages('psid-9').length > 0, 5000, 'first reply');
    await platform.settle();
    const [first] = await outboundOf('psid-9');
    const thirtyHoursAgo = new Date(Date.now() - 30 * 3600_000).toISOString();
    await db().updateTable('conversations').set({ last_citizen_message_at: thirtyHoursAgo }).where('id', '=', first.conversation_id).execute();
    const conversation = (await getConversation(db(), first.conversation_id))!;
    const now = new Date().toISOString();
    const operator = await writeOutbound(db(), conversation, { text: 'Dạ, cán bộ trả lời anh/chị ạ.', author: 'operator', authorName: 'Lan' }, now);
    const bot = await writeOutbound(db(), conversation, { text: 'Dạ, tin tự động.', author: 'bot' }, now);
    platform.worker.kick([operator.outboxId, bot.outboxId]);
    const tagged = await waitFor(() => graph.messages('psid-9').find((r) => r.body.message.metadata === operator.outboxId), 5000, 'operator reply');
    expect(tagged.body).toMatchObject({ messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    const refused = await waitFor(async () => {
      const row = await db().selectFrom('messages').selectAll().where('id', '=', bot.messageId).executeTakeFirst();
      return row?.status === 'failed' ? row : undefined;
    }, 5000, 'bot message refused');
    expect(refused.status_reason).toMatch(/quá 24 giờ/);
    expect(graph.messages('psid-9').some((r) => r.body.message.metadata === bot.outboxId)).toBe(false);
  });
});
