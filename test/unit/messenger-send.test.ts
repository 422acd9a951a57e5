/** The Messenger connector's send against the fake Send API: split answers are never repeated on retry. */
import { createMessengerConnector } from '../../channels/messenger';
import type { OutboundMessage } from '../../channels/types';
import { GRAPH_ERRORS, startFakeGraphApi, type FakeGraphApi } from '../support/fakeGraphApi';

describe('Messenger send', () => {
  let graph: FakeGraphApi;
  beforeAll(async () => {
    graph = await startFakeGraphApi({ pageAccessToken: 'page-token' });
  });
  afterAll(() => graph.close());
  afterEach(() => graph.reset());

  const connector = () => createMessengerConnector({ appSecret: 's', pageAccessToken: 'page-token', graphApiUrl: graph.url, timeoutMs: 2000 }, { now: () => new Date() });
  const longText = Array.from({ length: 45 }, (_, i) => `Đoạn ${i + 1}: người về từ vùng dịch cần khai báo y tế với trạm y tế xã trong vòng 24 giờ.`).join(' ');
  const message = (over: Partial<OutboundMessage> = {}): OutboundMessage => ({
    outboxId: 'outbox-77', conversationId: 'c', channel: 'messenger', externalUserId: 'psid-x', text: longText, author: 'bot', attempt: 0,
    meta: { lastCitizenMessageAt: new Date().toISOString() }, ...over,
  });

  it('sends a long answer as several messages in order and resumes after the part that failed', async () => {
    const c = connector();
    let calls = 0;
    graph.script((req) => (req.body?.message && ++calls === 2 ? GRAPH_ERRORS.temporary() : undefined));
    const first = await c.send(message());
    expect(first).toMatchObject({ ok: false, retryable: true });
    const second = await c.send(message({ attempt: 1 }));
    expect(second).toMatchObject({ ok: true, externalId: expect.stringMatching(/^m_/) });
    const texts = graph.messages().map((r) => r.body.message.text as string);
    // Part 1 once, part 2 twice (failed, then sent), the rest once: the citizen sees no repeat.
    const delivered = [texts[0], ...texts.slice(2)];
    expect(delivered.join(' ')).toBe(longText);
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(graph.messages().every((r) => r.body.message.metadata === 'outbox-77')).toBe(true);
  });

  it('refuses an empty message and a missing page token without calling the API', async () => {
    expect(await connector().send(message({ text: '  ' }))).toMatchObject({ ok: false, retryable: false });
    const noToken = createMessengerConnector({ appSecret: 's', graphApiUrl: graph.url, timeoutMs: 2000 }, { now: () => new Date() });
    expect(await noToken.send(message())).toMatchObject({ ok: false, retryable: false, reason: expect.stringMatching(/MESSENGER_PAGE_ACCESS_TOKEN/) });
    expect(graph.requests).toHaveLength(0);
  });

  it('maps an unreachable API to a retry', async () => {
    const down = createMessengerConnector({ appSecret: 's', pageAccessToken: 'page-token', graphApiUrl: 'http://127.0.0.1:9/v23.0', timeoutMs: 500 }, { now: () => new Date() });
    expect(await down.send(message({ text: 'Dạ.' }))).toMatchObject({ ok: false, retryable: true, reason: expect.stringMatching(/Messenger/) });
  });
});
