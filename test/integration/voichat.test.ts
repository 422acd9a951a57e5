/**
 * The Voichat voice gateway contract end to end: scripted calls through POST /webhooks/voichat against the real
 * platform (bot, pipeline, outbox, declarations), plus the refusals.
 */
import type { TurnEngine } from '../../src/domain/turn';
import { writeOutbound } from '../../src/pipeline/outbound';
import { getConversation } from '../../src/store/conversations';
import '../../src/declarations/schema';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const SECRET = 'voice-gateway-secret-123';
const OPERATOR_LINE = '02713888115';

type Action = { type: string; text?: string; input?: string[]; timeoutSeconds?: number; to?: string };

describe('voichat channel', () => {
  let platform: TestPlatform;

  beforeAll(async () => {
    platform = await startTestPlatform({ VOICHAT_SECRET: SECRET, OPERATOR_PHONE_LINE: OPERATOR_LINE });
  });
  afterAll(async () => {
    await platform.stop();
  });

  const post = (body: unknown, auth: string | null = `Bearer ${SECRET}`) =>
    fetch(`${platform.url}/webhooks/voichat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(auth !== null && { authorization: auth }) },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
  const turn = async (body: Record<string, unknown>): Promise<Action[]> => {
    const res = await post(body);
    expect(res.status).toBe(200);
    const json = (await res.json()) as { actions: Action[] };
    return json.actions;
  };
  const spoken = (actions: Action[]) => actions.filter((a) => a.type === 'say').map((a) => a.text ?? '').join(' ');
  const expectGather = (actions: Action[]) => {
    expect(actions[0].type).toBe('say');
    expect(actions[actions.length - 1]).toEqual({ type: 'gather', input: ['speech', 'dtmf'], timeoutSeconds: expect.any(Number) });
  };
  const expectTransfer = (actions: Action[]) => expect(actions[actions.length - 1]).toEqual({ type: 'transfer', to: OPERATOR_LINE });
  const countMessages = async () => Number((await platform.store.db.selectFrom('messages').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n);

  it('greets, answers a question by voice, transfers on "gặp tổng đài viên" and acknowledges the hang-up', async () => {
    const call = { callId: 'call-1', from: '+84912345678' };
    const greeting = await turn({ ...call, event: 'start' });
    expectGather(greeting);
    expect(spoken(greeting)).toMatch(/1022|một không hai hai/);

    const answer = await turn({ ...call, event: 'speech', transcript: 'cách ly tại nhà bao nhiêu ngày', confidence: 0.92 });
    expectGather(answer);
    const said = spoken(answer);
    expect(said.length).toBeGreaterThan(10);
    // Speech-ready: nothing a voice cannot read.
    expect(said).not.toMatch(/https?:|www\.|\*\*|[#`]|\p{Extended_Pictographic}|\n/u);

    const transfer = await turn({ ...call, event: 'speech', transcript: 'cho tôi gặp tổng đài viên', confidence: 0.9 });
    expectTransfer(transfer);
    expect(spoken(transfer).length).toBeGreaterThan(0);

    expect(await turn({ ...call, event: 'hangup' })).toEqual([{ type: 'hangup' }]);

    // The call is one conversation of the caller, with the caller's number in national form.
    const conversation = await platform.store.db.selectFrom('conversations').selectAll().where('channel', '=', 'voichat').where('external_thread_id', '=', 'call-1').executeTakeFirstOrThrow();
    expect(conversation.external_user_id).toBe('0912345678');
    const request = await platform.store.db.selectFrom('requests').select('kind').where('conversation_id', '=', conversation.id).execute();
    expect(request.map((r) => r.kind)).toContain('voice_call');
    const texts = (await platform.store.db.selectFrom('messages').select(['text', 'direction']).where('conversation_id', '=', conversation.id).where('direction', '=', 'in').execute()).map((m) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['cách ly tại nhà bao nhiêu ngày', 'cho tôi gặp tổng đài viên']));
  });

  it('marks the replies spoken in the call as sent, and fails an operator message with the reason', async () => {
    const call = { callId: 'call-2', from: '0987654321' };
    await turn({ ...call, event: 'start' });
    await turn({ ...call, event: 'speech', transcript: 'triệu chứng của covid là gì', confidence: 0.95 });
    await platform.settle();
    const conversation = await platform.store.db.selectFrom('conversations').selectAll().where('external_thread_id', '=', 'call-2').executeTakeFirstOrThrow();
    const statuses = await platform.store.db.selectFrom('outbox').select('status').where('conversation_id', '=', conversation.id).execute();
    expect(statuses.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s.status === 'sent')).toBe(true);

    await turn({ ...call, event: 'hangup' });
    const conv = await getConversation(platform.store.db, conversation.id);
    const written = await platform.store.db.transaction().execute((tx) => writeOutbound(tx, conv!, { text: 'Dạ, tổng đài viên xin trả lời anh/chị.', author: 'operator', authorName: 'Lan' }, new Date().toISOString()));
    platform.worker.kick([written.outboxId]);
    const failed = await waitFor(
      () => platform.store.db.selectFrom('messages').select(['status', 'status_reason']).where('id', '=', written.messageId).where('status', '=', 'failed').executeTakeFirst(),
      5000,
      'the operator message to fail',
    );
    expect(failed.status_reason).toBe('cuộc gọi đã kết thúc, không gửi được tin nhắn thoại');
  });

  it('transfers on DTMF 0 and after two silent turns', async () => {
    const a = { callId: 'call-3', from: '0911000111' };
    await turn({ ...a, event: 'start' });
    expectTransfer(await turn({ ...a, event: 'dtmf', digits: '0' }));

    // Two silences in a row are told apart from a retry by the gateway's seq.
    const b = { callId: 'call-4', from: '0911000222' };
    await turn({ ...b, event: 'start', seq: 1 });
    expectGather(await turn({ ...b, event: 'no_input', seq: 2 }));
    expectTransfer(await turn({ ...b, event: 'no_input', seq: 3 }));
  });

  it('confirms a low-confidence transcript before the bot hears it', async () => {
    const call = { callId: 'call-5', from: '0911000333' };
    await turn({ ...call, event: 'start' });
    const check = await turn({ ...call, event: 'speech', transcript: 'tiêm vắc xin ở đâu', confidence: 0.3 });
    expectGather(check);
    expect(spoken(check)).toContain('tiêm vắc xin ở đâu');
    expect(spoken(check)).toMatch(/phím 1/);
    const conversation = await platform.store.db.selectFrom('conversations').select('id').where('external_thread_id', '=', 'call-5').executeTakeFirstOrThrow();
    const heard = () => platform.store.db.selectFrom('messages').select('text').where('conversation_id', '=', conversation.id).where('direction', '=', 'in').where('text', '=', 'tiêm vắc xin ở đâu').execute();
    expect(await heard()).toHaveLength(0);
    expectGather(await turn({ ...call, event: 'dtmf', digits: '1' }));
    expect(await heard()).toHaveLength(1);
  });

  it('answers a repeated request (same seq) again without processing it twice', async () => {
    const call = { callId: 'call-6', from: '0911000444' };
    await turn({ ...call, event: 'start', seq: 1 });
    const first = await turn({ ...call, event: 'speech', transcript: 'xét nghiệm ở đâu', confidence: 0.9, seq: 2 });
    const again = await turn({ ...call, event: 'speech', transcript: 'xét nghiệm ở đâu', confidence: 0.9, seq: 2 });
    expect(again).toEqual(first);
    const stored = await platform.store.db.selectFrom('messages').select('external_id').where('external_id', 'like', 'call-6:%').where('direction', '=', 'in').execute();
    expect(stored.map((s) => s.external_id).sort()).toEqual(['call-6:1', 'call-6:2']);
  });

  it('refuses a missing or wrong token and a malformed body, storing nothing', async () => {
    await platform.settle();
    const before = await countMessages();
    const good = { callId: 'call-x', from: '0911', event: 'speech', transcript: 'xin chào' };
    expect((await post(good, null)).status).toBe(401);
    expect((await post(good, 'Bearer wrong-secret')).status).toBe(401);
    expect((await post(good, SECRET)).status).toBe(401);

    const missing = await post({ from: '0911', event: 'start' });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error).toMatch(/callId/);
    const badEvent = await post({ callId: 'c', from: '0911', event: 'ring' });
    expect(badEvent.status).toBe(400);
    expect((await badEvent.json()).error).toMatch(/event/);
    const noTranscript = await post({ callId: 'c', from: '0911', event: 'speech' });
    expect(noTranscript.status).toBe(400);
    expect((await noTranscript.json()).error).toMatch(/transcript/);
    expect((await post({ callId: 'c', from: '0911', event: 'speech', transcript: 'a', confidence: 1.5 })).status).toBe(400);
    expect((await post('{not json')).status).toBe(400);
    expect(await countMessages()).toBe(before);
  });
});

describe('voichat channel with a declaration dialog', () => {
  // A scripted bot: the real dialog is the bot's concern; this checks that a declaration made during a call reaches
  // the declarations table through the platform's effect hook, linked to the caller.
  const engine: TurnEngine = {
    async turn(_state, request) {
      if (request.message.kind === 'follow') return { replies: [], effects: [] };
      if (request.message.text === 'đúng') {
        return {
          replies: [{ text: 'Dạ, tổng đài đã ghi nhận tờ khai y tế của anh/chị. Cảm ơn anh/chị ạ.' }],
          effects: [{ type: 'declaration', data: { fullName: 'Nguyễn Văn An', birthYear: 1985, phone: '0913 222 333', address: 'phường Tân Phú, thành phố Đồng Xoài', district: 'Đồng Xoài', commune: 'Tân Phú', symptoms: ['ho'], contactWithF0: false, travel14Days: null } }],
        };
      }
      return { replies: [{ text: 'Dạ, anh/chị xác nhận thông tin trên đúng không ạ?' }], effects: [] };
    },
  };
  let platform: TestPlatform;
  beforeAll(async () => {
    platform = await startTestPlatform({ VOICHAT_SECRET: SECRET, OPERATOR_PHONE_LINE: OPERATOR_LINE }, { engine });
  });
  afterAll(async () => {
    await platform.stop();
  });

  it('stores the declaration linked to the caller and counts it as a request', async () => {
    const send = (body: Record<string, unknown>) =>
      fetch(`${platform.url}/webhooks/voichat`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${SECRET}` }, body: JSON.stringify(body) });
    const call = { callId: 'call-7', from: '+84 913 222 333' };
    await send({ ...call, event: 'start' });
    expect((await send({ ...call, event: 'speech', transcript: 'tôi muốn khai báo y tế', confidence: 0.9 })).status).toBe(200);
    const done = (await (await send({ ...call, event: 'speech', transcript: 'đúng', confidence: 0.9 })).json()) as { actions: Action[] };
    expect(done.actions[0]).toEqual({ type: 'say', text: 'Dạ, tổng đài đã ghi nhận tờ khai y tế của anh chị. Cảm ơn anh chị ạ.' });
    const conversation = await platform.store.db.selectFrom('conversations').selectAll().where('external_thread_id', '=', 'call-7').executeTakeFirstOrThrow();
    const declaration = await platform.store.db.selectFrom('declarations').selectAll().where('conversation_id', '=', conversation.id).executeTakeFirstOrThrow();
    expect(declaration).toMatchObject({ channel: 'voichat', full_name: 'Nguyễn Văn An', birth_year: 1985, phone: '0913222333', contact_with_f0: 0, travel_14_days: null, contact_id: conversation.contact_id });
    expect(JSON.parse(declaration.symptoms)).toEqual(['ho']);
    const kinds = await platform.store.db.selectFrom('requests').select('kind').where('conversation_id', '=', conversation.id).execute();
    expect(kinds.map((k) => k.kind).sort()).toEqual(['declaration', 'voice_call']);
    const contact = await platform.store.db.selectFrom('contacts').selectAll().where('id', '=', conversation.contact_id).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: 'Nguyễn Văn An', phone: '0913222333' });
  });
});
