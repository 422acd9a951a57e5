/** Email in: threads, quote and signature stripping, automatic mails; email out: subject, HTML, headers; rate limit. */
import { buildReply, escapeHtml, replySubject, textToHtml } from '../../channels/email/format';
import { parseMail } from '../../channels/email/parse';
import { stripQuotes } from '../../channels/email/quotes';
import { ReplyRateLimiter, type MailStateStore } from '../../channels/email/state';
import { ownMessageId, threadRoot } from '../../channels/email/threading';
import type { OutboundMessage } from '../../channels/types';

const position = { mailbox: 'INBOX', uidValidity: '7', uid: 1 };

function raw(headers: Record<string, string>, body = 'Xin chào tổng đài'): Buffer {
  const base: Record<string, string> = {
    From: 'Lê Thị Hoa <Hoa.Le@Example.vn>',
    To: '1022@binhphuoc.gov.vn',
    Subject: 'Hỏi về xét nghiệm',
    'Message-ID': '<m1@example.vn>',
    Date: 'Mon, 23 Aug 2021 10:00:00 +0700',
    'Content-Type': 'text/plain; charset=utf-8',
    ...headers,
  };
  const lines = Object.entries(base)
    .filter(([, v]) => v !== '')
    .map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(`${lines.join('\r\n')}\r\n\r\n${body}\r\n`, 'utf8');
}

describe('email parse', () => {
  it('reads sender, ids and thread root; the sender address is lower-cased', async () => {
    const { message, thread } = await parseMail(raw({ 'In-Reply-To': '<p2@example.vn>', References: '<root@example.vn> <p2@example.vn>' }), position);
    expect(message).toMatchObject({ channel: 'email', externalId: '<m1@example.vn>', externalUserId: 'hoa.le@example.vn', externalThreadId: '<root@example.vn>', text: 'Xin chào tổng đài' });
    expect(message.profile).toEqual({ email: 'hoa.le@example.vn', name: 'Lê Thị Hoa' });
    expect(message.meta).toMatchObject({ subject: 'Hỏi về xét nghiệm', inReplyTo: '<p2@example.vn>', references: ['<root@example.vn>', '<p2@example.vn>'], uid: 1, uidValidity: '7' });
    expect(message.meta?.noReply).toBeUndefined();
    expect(thread).toEqual({ messageId: '<m1@example.vn>', references: ['<root@example.vn>', '<p2@example.vn>'], subject: 'Hỏi về xét nghiệm' });
  });

  it('starts a thread at its own Message-ID, or at the In-Reply-To parent without References', async () => {
    expect((await parseMail(raw({}), position)).message.externalThreadId).toBe('<m1@example.vn>');
    expect((await parseMail(raw({ 'In-Reply-To': '<parent@example.vn>' }), position)).message.externalThreadId).toBe('<parent@example.vn>');
  });

  it('finds the root through one of our reply ids', () => {
    const ours = ownMessageId('<root@example.vn>', 'outbox-1', 'binhphuoc.gov.vn');
    expect(threadRoot('<x@y>', ours, [])).toBe('<root@example.vn>');
    expect(threadRoot('<x@y>', undefined, [ours])).toBe('<root@example.vn>');
  });

  it('gives a mail without Message-ID a stable id from its content', async () => {
    const a = await parseMail(raw({ 'Message-ID': '' }), position);
    const b = await parseMail(raw({ 'Message-ID': '' }), { ...position, uid: 99 });
    expect(a.message.externalId).toMatch(/^<sha256\.[0-9a-f]+@/);
    expect(b.message.externalId).toBe(a.message.externalId);
  });

  it('reads the subject when the body is empty', async () => {
    expect((await parseMail(raw({ Subject: 'Re: Xin số điện thoại trạm y tế' }, ''), position)).message.text).toBe('Xin số điện thoại trạm y tế');
  });

  it.each<[string, Record<string, string>, string]>([
    ['Auto-Submitted: auto-replied', { 'Auto-Submitted': 'auto-replied' }, 'auto-submitted'],
    ['Auto-Submitted: auto-generated', { 'Auto-Submitted': 'auto-generated' }, 'auto-submitted'],
    ['Precedence: bulk', { Precedence: 'bulk' }, 'precedence'],
    ['Precedence: junk', { Precedence: 'junk' }, 'precedence'],
    ['Precedence: list', { Precedence: 'list' }, 'precedence'],
    ['Precedence: auto_reply', { Precedence: 'auto_reply' }, 'precedence'],
    ['X-Autoreply', { 'X-Autoreply': 'yes' }, 'autoreply-header'],
    ['X-Autorespond', { 'X-Autorespond': 'Tôi vắng mặt' }, 'autoreply-header'],
    ['X-Auto-Response-Suppress', { 'X-Auto-Response-Suppress': 'All' }, 'auto-response-suppress'],
    ['List-Id', { 'List-Id': '<tin.example.vn>' }, 'mailing-list'],
    ['List-Unsubscribe', { 'List-Unsubscribe': '<mailto:unsub@example.vn>' }, 'mailing-list'],
    ['subject Out of office', { Subject: 'Out of Office: Hỏi về xét nghiệm' }, 'autoreply-subject'],
    ['subject Automatic reply', { Subject: 'Automatic reply: Hỏi' }, 'autoreply-subject'],
    ['subject Trả lời tự động', { Subject: 'Trả lời tự động: Hỏi' }, 'autoreply-subject'],
    ['empty Return-Path', { 'Return-Path': '<>' }, 'bounce'],
    ['From MAILER-DAEMON', { From: 'MAILER-DAEMON@mx.example.vn' }, 'bounce'],
    ['From postmaster', { From: 'postmaster@example.vn' }, 'bounce'],
    ['multipart/report', { 'Content-Type': 'multipart/report; report-type=delivery-status; boundary="x"' }, 'bounce'],
    ['our own mail', { 'X-Hotline-Outbox-Id': 'abc' }, 'own-mail'],
  ])('marks %s as not to be answered', async (_name, headers, reason) => {
    const body = headers['Content-Type'] ? '--x\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--x--' : 'Nội dung';
    const { message, thread } = await parseMail(raw(headers, body), position);
    expect(message.meta).toMatchObject({ noReply: true, noReplyReason: reason });
    expect(thread.noReply).toBe(reason);
  });

  it('answers mails that only look automatic', async () => {
    const lookalikes: Array<Record<string, string>> = [{ 'Auto-Submitted': 'no' }, { Precedence: 'normal' }, { Subject: 'Hỏi về trả lời tự động của tổng đài' }];
    for (const headers of lookalikes) {
      expect((await parseMail(raw(headers), position)).message.meta?.noReply).toBeUndefined();
    }
  });
});

describe('quote and signature stripping', () => {
  it.each([
    ['Gmail (English)', 'Cho hỏi lịch tiêm.\n\nOn Mon, Aug 23, 2021 at 10:00 AM Tổng đài 1022 <1022@binhphuoc.gov.vn> wrote:\n> Dạ, chào anh/chị.\n> Anh/chị hỏi gì ạ?'],
    ['Gmail (Vietnamese)', 'Cho hỏi lịch tiêm.\n\nVào Th 2, 23 thg 8, 2021 vào lúc 10:00 Tổng đài 1022 <1022@binhphuoc.gov.vn> đã viết:\n> Dạ, chào anh/chị.'],
    ['Gmail, header wrapped', 'Cho hỏi lịch tiêm.\n\nOn Mon, Aug 23, 2021 at 10:00 AM Tổng đài 1022 <\n1022@binhphuoc.gov.vn> wrote:\n> Dạ, chào anh/chị.'],
    ['Outlook', 'Cho hỏi lịch tiêm.\n\n________________________________\nFrom: Tổng đài 1022 <1022@binhphuoc.gov.vn>\nSent: Monday, August 23, 2021 10:00 AM\nTo: Hoa\nSubject: Re: Tiêm\n\nDạ, chào anh/chị.'],
    ['Outlook (Vietnamese)', 'Cho hỏi lịch tiêm.\n\nTừ: Tổng đài 1022 <1022@binhphuoc.gov.vn>\nĐã gửi: Thứ Hai, 23 tháng 8, 2021 10:00\nĐến: Hoa\nChủ đề: Re: Tiêm\n\nDạ, chào anh/chị.'],
    ['Original Message', 'Cho hỏi lịch tiêm.\n-----Original Message-----\nFrom: 1022@binhphuoc.gov.vn\nDạ, chào anh/chị.'],
    ['signature', 'Cho hỏi lịch tiêm.\n\n-- \nLê Thị Hoa\nPhường Tân Phú'],
    ['mobile signature', 'Cho hỏi lịch tiêm.\n\nSent from my iPhone'],
    ['Vietnamese mobile signature', 'Cho hỏi lịch tiêm.\n\nĐược gửi từ iPhone của tôi'],
    ['interleaved quote lines', '> Anh/chị hỏi gì ạ?\nCho hỏi lịch tiêm.'],
  ])('keeps only the new text (%s)', (_name, text) => {
    expect(stripQuotes(text)).toBe('Cho hỏi lịch tiêm.');
  });

  it('keeps the whole text when everything is quoted, and keeps ordinary lines', () => {
    expect(stripQuotes('> chỉ có trích dẫn')).toBe('> chỉ có trích dẫn');
    expect(stripQuotes('Dòng 1\n\nDòng 2 có dấu > ở giữa')).toBe('Dòng 1\n\nDòng 2 có dấu > ở giữa');
  });
});

describe('email reply format', () => {
  const message: OutboundMessage = {
    outboxId: 'ob-1',
    conversationId: 'c1',
    channel: 'email',
    externalUserId: 'hoa.le@example.vn',
    externalThreadId: '<root@example.vn>',
    text: 'Dạ, anh/chị xem <b>lịch</b> tại https://binhphuoc.gov.vn/?a=1&b=2\n\nCảm ơn.',
    quickReplies: [
      { title: 'Có', payload: 'yes' },
      { title: 'Không', payload: 'no' },
    ],
    author: 'bot',
    attempt: 0,
  };
  const thread = { messageId: '<m3@example.vn>', references: ['<root@example.vn>', '<m2@example.vn>'], subject: 'RE: Re: Fwd: Hỏi về xét nghiệm' };

  it('prefixes "Re: " once', () => {
    expect(replySubject('Hỏi', 'Tổng đài')).toBe('Re: Hỏi');
    expect(replySubject('Re: Re: RE: Hỏi', 'Tổng đài')).toBe('Re: Hỏi');
    expect(replySubject('TL: Fwd: Hỏi', 'Tổng đài')).toBe('Re: Hỏi');
    expect(replySubject('', 'Tổng đài 1022')).toBe('Re: Tổng đài 1022');
  });

  it('escapes every character of the text in the HTML part', () => {
    expect(escapeHtml(`<img src=x onerror="alert(1)">'&`)).toBe('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&#39;&amp;');
    const html = textToHtml('<script>alert(1)</script>\n\nhttps://a.vn/?x=1&y="2"');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;');
    expect(html).toContain('<a href="https://a.vn/?x=1&amp;y=');
  });

  it('builds a bot reply in the thread with the automatic-response headers and the outbox id', () => {
    const mail = buildReply(message, thread, { domain: 'binhphuoc.gov.vn', fallbackSubject: 'Tổng đài 1022' });
    expect(mail).toMatchObject({ to: 'hoa.le@example.vn', subject: 'Re: Hỏi về xét nghiệm', inReplyTo: '<m3@example.vn>', references: ['<root@example.vn>', '<m2@example.vn>', '<m3@example.vn>'] });
    expect(mail.headers).toEqual({ 'X-Hotline-Outbox-Id': 'ob-1', 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' });
    expect(mail.text).toContain('1. Có\n2. Không');
    expect(mail.html).toContain('&lt;b&gt;lịch&lt;/b&gt;');
    expect(mail.messageId).toMatch(/^<h1022\.ob-1\.[A-Za-z0-9_-]+@binhphuoc\.gov\.vn>$/);
    expect(threadRoot('<new@x>', mail.messageId, [])).toBe('<root@example.vn>');
  });

  it('sends an operator reply without the automatic headers', () => {
    const mail = buildReply({ ...message, author: 'operator' }, thread, { domain: 'binhphuoc.gov.vn', fallbackSubject: 'x' });
    expect(mail.headers).toEqual({ 'X-Hotline-Outbox-Id': 'ob-1' });
  });
});

describe('per-sender reply limit', () => {
  const memory = (): MailStateStore => {
    const map = new Map<string, string>();
    return { get: async (k) => map.get(k), set: async (k, v) => void map.set(k, v) };
  };

  it('lets `limit` replies through per hour, also when they race, and frees the address an hour later', async () => {
    let now = new Date('2021-08-23T03:00:00Z');
    const limiter = new ReplyRateLimiter(memory(), 2, () => now);
    const send = () => limiter.run('A@x.vn', async () => ({ sent: true, value: 'ok' }));
    const results = await Promise.all([send(), send(), send()]);
    expect(results.filter((r) => !r.limited)).toHaveLength(2);
    expect((await limiter.run('b@x.vn', async () => ({ sent: true, value: 1 }))).limited).toBe(false);
    now = new Date('2021-08-23T04:00:01Z');
    expect((await send()).limited).toBe(false);
  });

  it('does not count a failed send', async () => {
    const limiter = new ReplyRateLimiter(memory(), 1, () => new Date());
    await limiter.run('a@x.vn', async () => ({ sent: false, value: 'failed' }));
    expect((await limiter.run('a@x.vn', async () => ({ sent: true, value: 'ok' }))).limited).toBe(false);
  });
});
