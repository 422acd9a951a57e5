/** Zalo OA pieces: the event MAC, event parsing, CS message bodies, error mapping and the token chain. */
import { zaloFailure } from '../../channels/zalo/client';
import { decodeChoicePayload, toCsBodies } from '../../channels/zalo/format';
import { interpretZaloEvent, readEnvelope } from '../../channels/zalo/parse';
import { ZaloTokenKeeper, type ZaloTokens } from '../../channels/zalo/tokens';
import { validZaloSignature, zaloEventMac } from '../../channels/zalo/verify';
import type { OutboundMessage } from '../../channels/types';
import { signZalo, zaloEvents as ev } from '../support/fakeZaloApi';

const APP = '3482170000000000000';
const OA = '1646840000000000000';
const KEY = 'oa-secret-key';

function interpret(event: unknown) {
  const read = readEnvelope(Buffer.from(JSON.stringify(event)));
  if (!read.ok) throw new Error(read.reason);
  const out = interpretZaloEvent(read.envelope);
  if (!out.ok) throw new Error(out.reason);
  return out.event;
}

describe('X-ZEvent-Signature', () => {
  const raw = JSON.stringify(ev.text(APP, OA, 'u1', 'msg1', 'Xin chào'));
  const ts = JSON.parse(raw).timestamp;

  it('is sha256(app_id + raw body + timestamp + OA secret), with or without "mac=", any hex case', () => {
    const header = signZalo(raw, APP, ts, KEY);
    expect(header).toBe(`mac=${zaloEventMac(APP, raw, ts, KEY)}`);
    expect(validZaloSignature(header, APP, Buffer.from(raw), ts, KEY)).toBe(true);
    expect(validZaloSignature(header.slice(4), APP, Buffer.from(raw), ts, KEY)).toBe(true);
    expect(validZaloSignature(header.toUpperCase(), APP, Buffer.from(raw), ts, KEY)).toBe(true);
  });

  it('refuses another key, another body, a missing header', () => {
    expect(validZaloSignature(signZalo(raw, APP, ts, 'app-secret'), APP, Buffer.from(raw), ts, KEY)).toBe(false);
    expect(validZaloSignature(signZalo(raw, APP, ts, KEY), APP, Buffer.from(raw.replace('Xin', 'Xim')), ts, KEY)).toBe(false);
    expect(validZaloSignature(undefined, APP, Buffer.from(raw), ts, KEY)).toBe(false);
  });
});

describe('interpretZaloEvent', () => {
  it('reads texts, keyed by msg_id, from the user\'s OA-scoped id', () => {
    const event = interpret(ev.text(APP, OA, '5510180000000000000', 'e2a641af6661713b2874', 'tiem vaccine o dau'));
    expect(event).toMatchObject({ kind: 'message', message: { channel: 'zalo', externalId: 'e2a641af6661713b2874', externalUserId: '5510180000000000000', text: 'tiem vaccine o dau' } });
  });

  it('stores attachments with their metadata and no text for the bot', () => {
    const image = interpret(ev.image(APP, OA, 'u1', 'm-img', 'https://zalo.example/p.jpg'));
    expect(image).toMatchObject({ kind: 'message', message: { text: '', attachments: [{ type: 'image', url: 'https://zalo.example/p.jpg', meta: { thumbnail: 'https://zalo.example/p.jpg' } }] } });
    const location = interpret(ev.location(APP, OA, 'u1', 'm-loc'));
    expect(location).toMatchObject({ message: { text: '', attachments: [{ type: 'location', meta: { latitude: '11.53', longitude: '106.88' } }] } });
    const file = interpret({ ...ev.text(APP, OA, 'u1', 'm-file', ''), event_name: 'user_send_file', message: { msg_id: 'm-file', attachments: [{ type: 'file', payload: { url: 'https://f', name: 'giay.pdf', size: '2048', type: 'pdf' } }] } });
    expect(file).toMatchObject({ message: { attachments: [{ type: 'file', url: 'https://f', name: 'giay.pdf', size: 2048, meta: { type: 'pdf' } }] } });
  });

  it('makes follow a follow message, receipts into delivery updates, and ignores unfollow and OA echoes', () => {
    const follow = interpret(ev.follow(APP, OA, 'u7'));
    expect(follow).toMatchObject({ kind: 'message', message: { kind: 'follow', externalUserId: 'u7', text: '' } });
    expect(interpret(ev.received(APP, OA, 'u7', 'zmsg-1'))).toEqual({ kind: 'receipt', update: { channel: 'zalo', status: 'delivered', externalIds: ['zmsg-1'], externalUserId: 'u7' } });
    expect(interpret(ev.seen(APP, OA, 'u7', ['a', 'b']))).toEqual({ kind: 'receipt', update: { channel: 'zalo', status: 'read', externalIds: ['a', 'b'], externalUserId: 'u7' } });
    expect(interpret(ev.unfollow(APP, OA, 'u7')).kind).toBe('ignored');
    expect(interpret(ev.oaEcho(APP, OA, 'u7', 'x', 'Dạ')).kind).toBe('ignored');
  });

  it('reads a tapped button back as a choice with its title', () => {
    const [body] = toCsBodies(outbound({ quickReplies: [{ title: 'Gặp tổng đài viên', payload: 'handoff' }] }));
    const tapped = body.message.attachment!.payload.buttons[0].payload;
    const event = interpret(ev.text(APP, OA, 'u1', 'm-btn', tapped));
    expect(event).toMatchObject({ message: { choice: 'handoff', text: 'Gặp tổng đài viên' } });
    expect(decodeChoicePayload('{"qr": not json')).toBeUndefined();
  });

  it('refuses bodies without the fields the MAC and the event need', () => {
    expect(readEnvelope(Buffer.from('nope')).ok).toBe(false);
    expect(readEnvelope(Buffer.from('{"event_name":"user_send_text"}')).ok).toBe(false);
    const read = readEnvelope(Buffer.from(JSON.stringify({ app_id: APP, timestamp: '1', event_name: 'user_send_text', sender: { id: 'u' }, message: {} })));
    if (!read.ok) throw new Error(read.reason);
    expect(interpretZaloEvent(read.envelope).ok).toBe(false);
  });
});

function outbound(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return { outboxId: 'ob', conversationId: 'c', channel: 'zalo', externalUserId: 'u1', text: 'Dạ, anh/chị chọn giúp ạ.', author: 'bot', attempt: 0, ...over };
}

describe('toCsBodies', () => {
  it('sends quick replies as at most 5 oa.query.hide buttons, listing the options in the text when there are more', () => {
    const options = Array.from({ length: 7 }, (_, i) => ({ title: `Câu hỏi ${i + 1}`, payload: `faq:${i + 1}` }));
    const [body] = toCsBodies(outbound({ quickReplies: options }));
    expect(body.recipient).toEqual({ user_id: 'u1' });
    expect(body.message.text).toContain('7. Câu hỏi 7');
    const buttons = body.message.attachment!.payload.buttons;
    expect(body.message.attachment!.type).toBe('template');
    expect(buttons).toHaveLength(5);
    expect(buttons.every((b) => b.type === 'oa.query.hide')).toBe(true);
    expect(buttons.map((b) => b.title)).toEqual(['1', '2', '3', '4', '5']);
    expect(decodeChoicePayload(buttons[0].payload)).toEqual({ payload: 'faq:1', title: 'Câu hỏi 1' });
  });

  it('splits long texts under 2000 characters with the buttons on the last part', () => {
    const text = Array.from({ length: 50 }, (_, i) => `Nội dung hướng dẫn số ${i + 1} về cách ly y tế tại nhà cho F1.`).join(' ');
    const bodies = toCsBodies(outbound({ text, quickReplies: [{ title: 'Có', payload: 'yes' }] }));
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) expect(b.message.text.length).toBeLessThanOrEqual(2000);
    expect(bodies.slice(0, -1).some((b) => b.message.attachment)).toBe(false);
    expect(bodies.at(-1)!.message.attachment).toBeDefined();
  });
});

describe('zaloFailure', () => {
  it('retries the call-limit and quota codes, fails the documented permanent ones with a Vietnamese reason', () => {
    for (const code of [-32, -211]) expect(zaloFailure(code, 'x')).toMatchObject({ retryable: true });
    for (const code of [-201, -210, -213, -230, -232, -233, -244, -224, -227]) {
      const result = zaloFailure(code, 'msg');
      expect(result).toMatchObject({ ok: false, retryable: false });
      if (!result.ok) expect(result.reason).toContain(`mã ${code}`);
    }
    expect(zaloFailure(-230, '')).toMatchObject({ reason: expect.stringMatching(/7 ngày/) });
    expect(zaloFailure(-999, 'Something new')).toEqual({ ok: false, retryable: false, reason: 'Zalo từ chối tin nhắn (mã -999: Something new)' });
  });
});

describe('ZaloTokenKeeper', () => {
  function setup(initial: { accessToken?: string; refreshToken?: string }, stored?: ZaloTokens, expiresIn = 90000) {
    let saved = stored;
    const saves: ZaloTokens[] = [];
    let now = new Date('2021-08-10T00:00:00Z');
    let issued = 0;
    const refreshCalls: string[] = [];
    const keeper = new ZaloTokenKeeper({
      store: { load: async () => saved, save: async (t) => void saves.push((saved = t)) },
      refresh: async (token) => {
        refreshCalls.push(token);
        await new Promise((r) => setTimeout(r, 5));
        issued++;
        return { ok: true, tokens: { accessToken: `at${issued}`, refreshToken: `rt${issued}`, expiresInSeconds: expiresIn } };
      },
      now: () => now,
      initial,
    });
    return { keeper, saves, refreshCalls, advance: (ms: number) => (now = new Date(now.getTime() + ms)), stored: () => saved };
  }

  it('starts from the settings only when nothing is stored', async () => {
    const fresh = setup({ accessToken: 'env-at', refreshToken: 'env-rt' });
    expect(await fresh.keeper.accessToken()).toEqual({ ok: true, token: 'env-at' });
    const kept = setup({ accessToken: 'env-at', refreshToken: 'env-rt' }, { accessToken: 'db-at', refreshToken: 'db-rt', seed: 'env-rt' });
    expect(await kept.keeper.accessToken()).toEqual({ ok: true, token: 'db-at' });
    // A new refresh token in the settings means the OA was re-authorized: it replaces the stored chain.
    const reauth = setup({ accessToken: 'new-at', refreshToken: 'new-rt' }, { accessToken: 'db-at', refreshToken: 'db-rt', seed: 'env-rt' });
    expect(await reauth.keeper.accessToken()).toEqual({ ok: true, token: 'new-at' });
    expect(reauth.stored()).toMatchObject({ refreshToken: 'new-rt', seed: 'new-rt' });
  });

  it('shares one refresh among concurrent rejections and persists the new pair with its expiry', async () => {
    const t = setup({ accessToken: 'env-at', refreshToken: 'env-rt' });
    const results = await Promise.all([1, 2, 3].map(() => t.keeper.afterRejection('env-at')));
    expect(results).toEqual([1, 2, 3].map(() => ({ ok: true, token: 'at1' })));
    expect(t.refreshCalls).toEqual(['env-rt']);
    expect(t.stored()).toEqual({ accessToken: 'at1', refreshToken: 'rt1', expiresAt: '2021-08-11T01:00:00.000Z', seed: 'env-rt' });
  });

  it('refreshes before expiry when less than an hour is left', async () => {
    const t = setup({ refreshToken: 'env-rt' }, undefined);
    expect(await t.keeper.accessToken()).toEqual({ ok: true, token: 'at1' }); // no access token yet: refresh at once
    t.advance(23 * 3600_000);
    expect(await t.keeper.accessToken()).toEqual({ ok: true, token: 'at1' });
    t.advance(1.5 * 3600_000); // 30 min left of 25 h
    expect(await t.keeper.accessToken()).toEqual({ ok: true, token: 'at2' });
    expect(t.refreshCalls).toEqual(['env-rt', 'rt1']);
  });
});
