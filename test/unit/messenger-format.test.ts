/** Messenger formatting: splitting under the limit, quick-reply limits, and the 24 h / HUMAN_AGENT windows. */
import { layoutChoices, messagingPolicy, MESSENGER_MAX_TEXT, splitText, toSendApiBodies, WINDOW_REASONS } from '../../channels/messenger/format';
import type { OutboundMessage } from '../../channels/types';

const HOUR = 3600_000;
const now = new Date('2021-08-10T10:00:00Z');
const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

function outbound(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return { outboxId: 'ob-1', conversationId: 'c1', channel: 'messenger', externalUserId: 'psid-1', text: 'Dạ, xin chào.', author: 'bot', attempt: 0, ...over };
}

describe('splitText', () => {
  const sentence = (i: number) => `Câu thứ ${i} nói về việc tiêm vắc-xin và cách ly tại nhà theo hướng dẫn của Sở Y tế Bình Phước.`;

  it('keeps a short text whole and cuts a long one between sentences, every part under the limit', () => {
    expect(splitText('  Dạ, xin chào.  ', 100)).toEqual(['Dạ, xin chào.']);
    const text = Array.from({ length: 60 }, (_, i) => sentence(i + 1)).join(' ');
    const parts = splitText(text, MESSENGER_MAX_TEXT);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(MESSENGER_MAX_TEXT);
      expect(part).toMatch(/\.$/); // ends on a sentence boundary
      expect(part).toMatch(/^Câu thứ \d+/);
    }
    expect(parts.join(' ')).toBe(text);
  });

  it('cuts between words when one sentence is longer than the limit, and inside a word only as a last resort', () => {
    const words = splitText('một hai ba bốn năm sáu bảy tám chín mười', 12);
    for (const p of words) expect(p.length).toBeLessThanOrEqual(12);
    expect(words.join(' ')).toBe('một hai ba bốn năm sáu bảy tám chín mười');
    const long = splitText('x'.repeat(25), 10);
    expect(long).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
  });

  it('prefers line breaks and never splits a surrogate pair', () => {
    expect(splitText('Dòng một\nDòng hai', 10)).toEqual(['Dòng một', 'Dòng hai']);
    const emoji = splitText('😀'.repeat(5), 3);
    for (const p of emoji) expect(p).toMatch(/^(😀)+$/u);
  });
});

describe('layoutChoices', () => {
  it('keeps options that fit Messenger (≤ 13, titles ≤ 20) as they are', () => {
    const options = [{ title: 'Có', payload: 'yes' }, { title: 'Không', payload: 'no' }];
    expect(layoutChoices('Hữu ích không ạ?', options, { maxCount: 13, maxTitle: 20 })).toEqual({ text: 'Hữu ích không ạ?', choices: options });
  });

  it('writes long titles into the text as a numbered list and uses "1", "2"… as titles', () => {
    const options = [
      { title: 'Điều kiện đi lại giữa các tỉnh', payload: 'faq:travel' },
      { title: 'Gặp tổng đài viên', payload: 'handoff' },
    ];
    const out = layoutChoices('Dạ, có phải anh/chị muốn hỏi:', options, { maxCount: 13, maxTitle: 20 });
    expect(out.text).toBe('Dạ, có phải anh/chị muốn hỏi:\n\n1. Điều kiện đi lại giữa các tỉnh\n2. Gặp tổng đài viên');
    expect(out.choices).toEqual([{ title: '1', payload: 'faq:travel' }, { title: '2', payload: 'handoff' }]);
  });

  it('does not repeat a list the text already shows, and caps the buttons at the channel maximum', () => {
    const options = Array.from({ length: 15 }, (_, i) => ({ title: `Lựa chọn ${i + 1}`, payload: `p${i + 1}` }));
    const listed = options.map((o, i) => `${i + 1}. ${o.title}`).join('\n');
    const out = layoutChoices(`Chọn một:\n${listed}`, options, { maxCount: 13, maxTitle: 20 });
    expect(out.text).toBe(`Chọn một:\n${listed}`);
    expect(out.choices).toHaveLength(13);
    expect(out.choices[12]).toEqual({ title: '13', payload: 'p13' });
  });
});

describe('messagingPolicy', () => {
  it('answers as RESPONSE inside 24 h of the citizen\'s last message (or when the time is unknown)', () => {
    expect(messagingPolicy(outbound({ meta: { lastCitizenMessageAt: ago(23 * HOUR) } }), now)).toEqual({ ok: true, messagingType: 'RESPONSE' });
    expect(messagingPolicy(outbound({ meta: {} }), now)).toEqual({ ok: true, messagingType: 'RESPONSE' });
    expect(messagingPolicy(outbound({ meta: { lastCitizenMessageAt: null } }), now)).toEqual({ ok: true, messagingType: 'RESPONSE' });
  });

  it('lets an operator reply with the HUMAN_AGENT tag up to 7 days, and refuses the bot after 24 h', () => {
    const meta = { lastCitizenMessageAt: ago(30 * HOUR) };
    expect(messagingPolicy(outbound({ author: 'operator', meta }), now)).toEqual({ ok: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(messagingPolicy(outbound({ author: 'bot', meta }), now)).toEqual({ ok: false, reason: WINDOW_REASONS.botAfter24h });
    expect(messagingPolicy(outbound({ author: 'system', meta }), now)).toEqual({ ok: false, reason: WINDOW_REASONS.botAfter24h });
  });

  it('refuses everyone after 7 days with a reason operators can read', () => {
    const result = messagingPolicy(outbound({ author: 'operator', meta: { lastCitizenMessageAt: ago(7 * 24 * HOUR + 1) } }), now);
    expect(result).toEqual({ ok: false, reason: WINDOW_REASONS.operatorAfter7d });
    if (!result.ok) expect(result.reason).toMatch(/7 ngày/);
  });
});

describe('toSendApiBodies', () => {
  it('carries the outbox id as metadata on every part and the quick replies on the last one', () => {
    const text = Array.from({ length: 40 }, (_, i) => `Thông tin số ${i + 1} về khai báo y tế và xét nghiệm nhanh kháng nguyên tại trạm y tế xã.`).join(' ');
    const bodies = toSendApiBodies(outbound({ text, quickReplies: [{ title: 'Có', payload: 'yes' }] }), { ok: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' });
    expect(bodies.length).toBeGreaterThan(1);
    for (const b of bodies) {
      expect(b).toMatchObject({ recipient: { id: 'psid-1' }, messaging_type: 'MESSAGE_TAG', tag: 'HUMAN_AGENT', message: { metadata: 'ob-1' } });
      expect(b.message.text.length).toBeLessThan(2000);
    }
    expect(bodies.slice(0, -1).every((b) => !b.message.quick_replies)).toBe(true);
    expect(bodies.at(-1)!.message.quick_replies).toEqual([{ content_type: 'text', title: 'Có', payload: 'yes' }]);
  });
});
