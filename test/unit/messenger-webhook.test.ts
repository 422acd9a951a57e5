/** Messenger webhook: handshake, X-Hub-Signature-256, batch parsing, and the Graph error mapping. */
import { graphFailure } from '../../channels/messenger/client';
import { parseMessengerWebhook } from '../../channels/messenger/parse';
import { handshakeChallenge, hubSignature, validHubSignature } from '../../channels/messenger/verify';
import { messengerEvents as ev } from '../support/fakeGraphApi';

const SECRET = 'app-secret-xyz';
const options = { getStartedPayload: 'GET_STARTED' };
const raw = (v: unknown) => Buffer.from(JSON.stringify(v));

describe('Messenger verification', () => {
  it('answers the handshake with the raw challenge only for subscribe + our token', () => {
    expect(handshakeChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1158201444' }, 'tok')).toBe('1158201444');
    expect(handshakeChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': 'bad', 'hub.challenge': '1' }, 'tok')).toBeUndefined();
    expect(handshakeChallenge({ 'hub.mode': 'unsubscribe', 'hub.verify_token': 'tok', 'hub.challenge': '1' }, 'tok')).toBeUndefined();
    expect(handshakeChallenge({ 'hub.mode': 'subscribe', 'hub.verify_token': '', 'hub.challenge': '1' }, undefined)).toBeUndefined();
  });

  it('accepts the HMAC of the exact raw bytes and nothing else', () => {
    // Meta signs the escaped-unicode form it sends: re-serialising would change the bytes.
    const body = Buffer.from('{"object":"page","entry":[{"messaging":[{"message":{"text":"Xin ch\\u00e0o"}}]}]}');
    const header = hubSignature(body, SECRET);
    expect(validHubSignature(body, header, SECRET)).toBe(true);
    expect(validHubSignature(body, header.toUpperCase().replace('SHA256=', 'sha256='), SECRET)).toBe(true);
    expect(validHubSignature(Buffer.from(JSON.stringify(JSON.parse(body.toString()))), header, SECRET)).toBe(false);
    expect(validHubSignature(body, hubSignature(body, 'other'), SECRET)).toBe(false);
    expect(validHubSignature(body, undefined, SECRET)).toBe(false);
    expect(validHubSignature(body, header.replace('sha256=', 'sha1='), SECRET)).toBe(false);
  });
});

describe('parseMessengerWebhook', () => {
  it('handles every entry and messaging item of a batch', () => {
    const body = ev.batch(
      ev.entry('page-1', ev.text('u1', 'page-1', 'mid.1', 'Xin chào', 1628589600000), ev.quickReply('u1', 'page-1', 'mid.2', 'Có', 'yes')),
      ev.entry('page-1', ev.postback('u2', 'page-1', 'mid.3', 'Hỏi đáp', 'FAQ'), ev.image('u2', 'page-1', 'mid.4', 'https://cdn.example/a.jpg')),
    );
    const result = parseMessengerWebhook(raw(body), options);
    if (!result.ok) throw new Error(result.reason);
    const messages = result.batch.messages;
    expect(messages.map((m) => m.externalId)).toEqual(['mid.1', 'mid.2', 'mid.3', 'mid.4']);
    expect(messages[0]).toMatchObject({ channel: 'messenger', externalUserId: 'u1', text: 'Xin chào', receivedAt: new Date(1628589600000) });
    expect(messages[1]).toMatchObject({ text: 'Có', choice: 'yes' });
    expect(messages[2]).toMatchObject({ externalUserId: 'u2', text: 'Hỏi đáp', choice: 'FAQ' });
    expect(messages[3]).toMatchObject({ text: '', attachments: [{ type: 'image', url: 'https://cdn.example/a.jpg' }] });
  });

  it('turns Get Started into a follow, and ignores echoes (ours and Page Inbox replies)', () => {
    const body = ev.batch(
      ev.entry('p', ev.postback('u3', 'p', 'mid.gs', 'Bắt đầu', 'GET_STARTED'), ev.echo('u3', 'p', 'mid.e1', 'Dạ', 'outbox-1'), ev.echo('u3', 'p', 'mid.e2', 'Chào anh', undefined, 263902037430900)),
    );
    const result = parseMessengerWebhook(raw(body), options);
    if (!result.ok) throw new Error(result.reason);
    expect(result.batch.messages).toEqual([expect.objectContaining({ externalId: 'mid.gs', kind: 'follow', text: '' })]);
    expect(result.batch.messages[0].choice).toBeUndefined();
    expect(result.batch.skipped.map((s) => s.reason)).toEqual(['echo of our message', 'echo of a Page Inbox reply']);
  });

  it('turns deliveries and reads into receipts, not messages', () => {
    const body = ev.batch(ev.entry('p', ev.delivery('u4', 'p', ['m_a', 'm_b'], 1628589600000), ev.read('u4', 'p', 1628589700000), ev.delivery('u5', 'p', undefined, 1628589800000)));
    const result = parseMessengerWebhook(raw(body), options);
    if (!result.ok) throw new Error(result.reason);
    expect(result.batch.messages).toEqual([]);
    expect(result.batch.updates).toEqual([
      { channel: 'messenger', status: 'delivered', externalIds: ['m_a', 'm_b'] },
      { channel: 'messenger', status: 'delivered', externalUserId: 'u4', watermark: new Date(1628589600000) },
      { channel: 'messenger', status: 'read', externalUserId: 'u4', watermark: new Date(1628589700000) },
      { channel: 'messenger', status: 'delivered', externalUserId: 'u5', watermark: new Date(1628589800000) },
    ]);
  });

  it('refuses a body that is not a page batch, and skips items it cannot use', () => {
    expect(parseMessengerWebhook(Buffer.from('{oops'), options)).toEqual({ ok: false, reason: 'body is not valid JSON' });
    expect(parseMessengerWebhook(raw({ object: 'instagram', entry: [] }), options).ok).toBe(false);
    expect(parseMessengerWebhook(raw({ object: 'page' }), options).ok).toBe(false);
    const partial = parseMessengerWebhook(raw(ev.batch(ev.entry('p', { sender: { id: 'u6' }, message: { text: 'no mid' } }, ev.text('u6', 'p', 'mid.ok', 'ok')))), options);
    if (!partial.ok) throw new Error(partial.reason);
    expect(partial.batch.messages.map((m) => m.externalId)).toEqual(['mid.ok']);
    expect(partial.batch.skipped).toHaveLength(1);
  });
});

describe('graphFailure', () => {
  it('fails outside-window and unavailable/blocked users permanently with a Vietnamese reason', () => {
    const outside = graphFailure(400, { code: 10, error_subcode: 2018278, message: 'outside of allowed window' });
    expect(outside).toMatchObject({ ok: false, retryable: false, reason: expect.stringMatching(/ngoài khung thời gian/) });
    expect(graphFailure(400, { code: 551, message: 'not available' })).toMatchObject({ retryable: false, reason: expect.stringMatching(/không nhận được tin nhắn/) });
    expect(graphFailure(400, { code: 10, error_subcode: 2018108 })).toMatchObject({ retryable: false, reason: expect.stringMatching(/chặn Trang/) });
    expect(graphFailure(400, { code: 100, message: 'Invalid parameter' })).toMatchObject({ retryable: false, reason: expect.stringMatching(/mã 100/) });
  });

  it('retries 5xx, 429 and the rate-limit/temporary codes, honouring Retry-After', () => {
    for (const code of [1, 2, 4, 17, 32, 613]) expect(graphFailure(400, { code })).toMatchObject({ retryable: true });
    expect(graphFailure(500, undefined)).toMatchObject({ retryable: true });
    expect(graphFailure(429, undefined, '7')).toMatchObject({ retryable: true, retryAfterMs: 7000 });
  });
});
