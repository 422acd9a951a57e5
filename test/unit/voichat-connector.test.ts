/**
 * The switchboard's own behaviour around the bot, with a scripted pipeline: long answers read in chunks with key 1,
 * options chosen by key, transfer on the bot's request or when no answer comes, retries answered once, and send()
 * telling spoken replies from messages that cannot reach a call.
 */
import type { AddressInfo } from 'node:net';
import http from 'node:http';
import express from 'express';
import { createVoichatConnector, voiceTextsFrom } from '../../channels/voichat';
import { toSpeech } from '../../channels/voichat/format';
import type { ChannelConnector, ChannelContext, InboundMessage, OutboundMessage } from '../../channels/types';
import { loadTemplates } from '../../src/kb/templates';

const texts = voiceTextsFrom(loadTemplates('knowledge-base/templates.yaml'));
type Reply = { text: string; quickReplies?: Array<{ title: string; payload: string }>; meta?: Record<string, unknown> };

describe('voichat connector', () => {
  let server: http.Server;
  let url: string;
  let connector: ChannelConnector;
  let clock = 0;
  const received: InboundMessage[] = [];
  let script: (m: InboundMessage) => Reply[] | Promise<Reply[]> = () => [];
  let outbox = 0;
  const seen = new Set<string>();

  const ctx: ChannelContext = {
    receive: async () => {
      throw new Error('voice turns are synchronous');
    },
    async receiveAndReply(message) {
      const duplicate = seen.has(message.externalId);
      seen.add(message.externalId);
      if (duplicate) return { conversationId: 'c', messageId: 'm', duplicate, replies: [] };
      received.push(message);
      const replies = await script(message);
      return {
        conversationId: 'c',
        messageId: 'm',
        duplicate,
        replies: replies.map((r): OutboundMessage => ({ outboxId: `ob-${++outbox}`, conversationId: 'c', channel: 'voichat', externalUserId: message.externalUserId, externalThreadId: message.externalThreadId, author: 'bot', attempt: 0, ...r })),
      };
    },
    updateDelivery: async () => undefined,
    log: { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined },
  };

  beforeAll(async () => {
    connector = createVoichatConnector({ secret: 's3cret-token', operatorLine: '0271115', texts: () => texts, chunkChars: 120, now: () => clock });
    const router = express.Router();
    connector.mount?.(router, ctx);
    const app = express();
    app.use(express.raw({ type: '*/*' }));
    app.use(router);
    server = http.createServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhooks/voichat`;
  });
  afterAll(async () => {
    await connector.stop?.();
    await new Promise<void>((r) => server.close(() => r()));
  });
  beforeEach(() => {
    received.length = 0;
    clock += 60_000;
  });

  const turn = async (body: Record<string, unknown>) => {
    const res = await fetch(url, { method: 'POST', headers: { authorization: 'Bearer s3cret-token', 'content-type': 'application/json' }, body: JSON.stringify({ from: '0912000111', ...body }) });
    expect(res.status).toBe(200);
    return ((await res.json()) as { actions: Array<{ type: string; text?: string; to?: string }> }).actions;
  };
  const said = (actions: Array<{ type: string; text?: string }>) => actions.filter((a) => a.type === 'say').map((a) => a.text);

  it('reads a long answer in chunks: key 1 continues, the last chunk invites to ask more', async () => {
    const answer = Array.from({ length: 8 }, (_, i) => `Đây là câu trả lời số ${i + 1} về cách ly tại nhà.`).join(' ');
    script = () => [{ text: answer }];
    const first = await turn({ callId: 'long', event: 'speech', transcript: 'cách ly', confidence: 0.9 });
    expect(said(first)[0]!.length).toBeLessThanOrEqual(120);
    expect(said(first)[1]).toBe('Anh chị bấm phím 1 để nghe tiếp, bấm phím 0 để gặp tổng đài viên.');
    expect(first[first.length - 1]).toMatchObject({ type: 'gather', input: ['speech', 'dtmf'] });
    const parts = [said(first)[0]];
    for (let i = 0; i < 10; i++) {
      clock += 10_000;
      const next = await turn({ callId: 'long', event: 'dtmf', digits: '1' });
      parts.push(said(next)[0]);
      if (said(next)[1] !== said(first)[1]) {
        expect(said(next)[1]).toBe('Anh chị có thể hỏi tiếp, hoặc bấm phím 0 để gặp tổng đài viên.');
        break;
      }
    }
    expect(parts.join(' ')).toBe(answer);
    expect(received).toHaveLength(1); // reading on is not a new question for the bot
  });

  it('reads the options and passes the chosen one to the bot as a choice', async () => {
    script = (m) =>
      m.choice ? [{ text: 'Dạ, cảm ơn anh/chị.' }] : [{ text: 'Câu trả lời có hữu ích không ạ?', quickReplies: [{ title: 'Có', payload: 'feedback:yes' }, { title: 'Không', payload: 'feedback:no' }] }];
    const asked = await turn({ callId: 'opts', event: 'speech', transcript: 'xét nghiệm', confidence: 0.9 });
    expect(said(asked)[1]).toBe('Anh chị bấm phím 1 để chọn Có, phím 2 để chọn Không, hoặc nói câu trả lời.');
    clock += 10_000;
    await turn({ callId: 'opts', event: 'dtmf', digits: '2' });
    expect(received[1]).toMatchObject({ text: 'Không', choice: 'feedback:no' });
  });

  it('transfers when the bot asks for it (urgent or handoff), after reading its advice', async () => {
    script = () => [{ text: 'Dạ, đây là dấu hiệu nguy hiểm. Anh/chị hãy gọi ngay 115.', meta: { transfer: true } }];
    const actions = await turn({ callId: 'urgent', event: 'speech', transcript: 'khó thở quá', confidence: 0.9 });
    expect(actions).toEqual([
      { type: 'say', text: 'Dạ, đây là dấu hiệu nguy hiểm. Anh chị hãy gọi ngay một một năm.' },
      { type: 'transfer', to: '0271115' },
    ]);
  });

  it('transfers on "gặp tổng đài viên" even when the bot does not, and when the bot has no answer', async () => {
    script = () => [{ text: 'Dạ, tổng đài chưa hiểu câu hỏi.' }];
    const asked = await turn({ callId: 'op', event: 'speech', transcript: 'cho em gặp tổng đài viên', confidence: 0.9 });
    expect(asked).toEqual([{ type: 'say', text: toSpeech(texts.transfer) }, { type: 'transfer', to: '0271115' }]);
    expect(received[0]).toMatchObject({ text: 'cho em gặp tổng đài viên', meta: expect.objectContaining({ transfer: true }) });
    script = () => [];
    const silent = await turn({ callId: 'held', event: 'speech', transcript: 'alo', confidence: 0.9 });
    expect(silent[silent.length - 1]).toEqual({ type: 'transfer', to: '0271115' });
  });

  it('answers a retried identical request without a second turn; the same words later are a new turn', async () => {
    script = () => [{ text: 'Dạ, trạm y tế phường mở cửa từ 7 giờ.' }];
    const first = await turn({ callId: 'retry', event: 'speech', transcript: 'trạm y tế mở cửa mấy giờ', confidence: 0.9 });
    clock += 500;
    const again = await turn({ callId: 'retry', event: 'speech', transcript: 'trạm y tế mở cửa mấy giờ', confidence: 0.9 });
    expect(again).toEqual(first);
    expect(received).toHaveLength(1);
    clock += 15_000;
    await turn({ callId: 'retry', event: 'speech', transcript: 'trạm y tế mở cửa mấy giờ', confidence: 0.9 });
    expect(received).toHaveLength(2);
    expect(received[0].externalId).not.toBe(received[1].externalId);
    expect(received[0].externalId.startsWith('retry:')).toBe(true);
  });

  it('reports replies spoken in the call (marked so by the pipeline) as sent, and refuses later operator messages', async () => {
    expect(await connector.send({ outboxId: 'ob-spoken', conversationId: 'c', channel: 'voichat', externalUserId: '0912000111', externalThreadId: 'race', text: 'Dạ, đã rõ.', author: 'bot', attempt: 0, meta: { spoken: true } })).toEqual({ ok: true });
    expect(await connector.send({ outboxId: 'operator-1', conversationId: 'c', channel: 'voichat', externalUserId: '0912000111', externalThreadId: 'race', text: 'Chào anh', author: 'operator', attempt: 0 })).toEqual({
      ok: false,
      retryable: false,
      reason: 'cuộc gọi đã kết thúc, không gửi được tin nhắn thoại',
    });
  });

  it('transfers the call with an apology when the platform cannot store the turn', async () => {
    script = () => {
      throw new Error('database down');
    };
    const actions = await turn({ callId: 'broken', event: 'speech', transcript: 'alo', confidence: 0.9 });
    expect(actions[actions.length - 1]).toEqual({ type: 'transfer', to: '0271115' });
    expect(said(actions)[0]).toContain('sự cố');
  });
});
