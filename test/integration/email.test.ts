/**
 * The email channel against a real Dovecot IMAP server and a real SMTP server: a mail delivered to the mailbox is
 * answered in its thread; auto-replies and bounces are stored and never answered; quotes are hidden from the bot;
 * a restart skips and repeats nothing; the per-sender limit stops a storm; a lost IMAP connection comes back.
 */
import nodemailer from 'nodemailer';
import { describeDovecot, startDovecot, type DovecotServer } from '../support/dovecot';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer';

const composer = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'windows' });

async function compose(mail: {
  from: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
}): Promise<Buffer> {
  const info = await composer.sendMail({ to: 'helpdesk@example.test', date: new Date(), ...mail });
  return info.message as Buffer;
}

const refsOf = (refs: string | string[] | undefined) => (Array.isArray(refs) ? refs : refs ? refs.split(/\s+/) : []);

describeDovecot('email channel (Dovecot IMAP + SMTP)', () => {
  let dovecot: DovecotServer;
  let smtp: TestSmtpServer;
  let platform: TestPlatform;
  let env: Record<string, string>;

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpServer();
    env = { ...dovecot.env, SMTP_URL: smtp.url, IMAP_POLL_SECONDS: '5', EMAIL_REPLIES_PER_SENDER_PER_HOUR: '3' };
    platform = await startTestPlatform(env);
  });
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  const inbound = (messageId: string) =>
    platform.store.db.selectFrom('messages').selectAll().where('channel', '=', 'email').where('direction', '=', 'in').where('external_id', '=', messageId).executeTakeFirst();

  it('answers a mail in its thread by SMTP, and a reply to that answer stays in the same conversation', async () => {
    await dovecot.append(await compose({ from: 'Nguyễn Văn An <An.Nguyen@example.vn>', subject: 'Hỏi về cách ly tại nhà', text: 'Xin chào tổng đài', messageId: '<q1@example.vn>' }));
    const [reply] = await waitFor(() => (smtp.to('an.nguyen@example.vn').length ? smtp.to('an.nguyen@example.vn') : undefined), 15000, 'the SMTP reply');
    expect(reply.parsed.subject).toBe('Re: Hỏi về cách ly tại nhà');
    expect(reply.parsed.inReplyTo).toBe('<q1@example.vn>');
    expect(refsOf(reply.parsed.references)).toEqual(['<q1@example.vn>']);
    expect(reply.header('auto-submitted')).toBe('auto-replied');
    expect(reply.parsed.text?.trim().length).toBeGreaterThan(0);
    expect(typeof reply.parsed.html === 'string' && reply.parsed.html.includes('<p>')).toBe(true);
    const outboxIds = (reply.header('x-hotline-outbox-id') ?? '').split(',').map((s) => s.trim());
    const rows = await platform.store.db.selectFrom('outbox').select(['id', 'status']).where('id', 'in', outboxIds).execute();
    expect(rows.length).toBe(outboxIds.length);
    expect(rows.every((r) => r.status === 'sent')).toBe(true);

    const first = await inbound('<q1@example.vn>');
    expect(first?.text).toBe('Xin chào tổng đài');
    // Flagged as processed in the mailbox only after it was stored.
    await waitFor(async () => (await dovecot.flags()).some((m) => m.flags.includes('\\Seen') && m.flags.includes('$Hotline1022')), 5000, 'the processed flags');

    // The citizen answers our reply; the client sends "RE: Re: …" and the full References chain.
    const ourId = reply.parsed.messageId as string;
    await dovecot.append(
      await compose({ from: 'an.nguyen@example.vn', subject: 'RE: Re: Hỏi về cách ly tại nhà', text: 'Cảm ơn tổng đài', messageId: '<q2@example.vn>', inReplyTo: ourId, references: ['<q1@example.vn>', ourId] }),
    );
    const second = await waitFor(() => smtp.to('an.nguyen@example.vn')[1], 15000, 'the second reply');
    expect(second.parsed.subject).toBe('Re: Hỏi về cách ly tại nhà');
    expect(second.parsed.inReplyTo).toBe('<q2@example.vn>');
    expect(refsOf(second.parsed.references)).toEqual(['<q1@example.vn>', ourId, '<q2@example.vn>']);
    const again = await inbound('<q2@example.vn>');
    expect(again?.conversation_id).toBe(first?.conversation_id);
  });

  it('keeps a reply whose client sends only In-Reply-To in the same conversation', async () => {
    await dovecot.append(await compose({ from: 'binh@example.vn', subject: 'Tiêm vắc xin', text: 'Cho hỏi lịch tiêm', messageId: '<b1@example.vn>' }));
    const reply = await waitFor(() => smtp.to('binh@example.vn')[0], 15000, 'the reply');
    await dovecot.append(await compose({ from: 'binh@example.vn', subject: 'Re: Tiêm vắc xin', text: 'Cảm ơn', messageId: '<b2@example.vn>', inReplyTo: reply.parsed.messageId as string }));
    const second = await waitFor(() => inbound('<b2@example.vn>'), 15000, 'the second mail stored');
    expect(second.conversation_id).toBe((await inbound('<b1@example.vn>'))?.conversation_id);
  });

  it('stores auto-replies and bounces but never answers them', async () => {
    await dovecot.append(
      await compose({ from: 'vang.mat@example.vn', subject: 'Trả lời tự động: Hỏi về cách ly', text: 'Tôi đang nghỉ phép đến thứ Hai.', messageId: '<ooo1@example.vn>', headers: { 'Auto-Submitted': 'auto-replied' } }),
    );
    await dovecot.append(await compose({ from: 'list@example.vn', subject: 'Bản tin tuần', text: 'Tin tức', messageId: '<list1@example.vn>', headers: { Precedence: 'bulk', 'List-Id': '<news.example.vn>' } }));
    const bounce = [
      'Return-Path: <>',
      'From: Mail Delivery System <MAILER-DAEMON@mx.example.vn>',
      'To: helpdesk@example.test',
      'Subject: Undelivered Mail Returned to Sender',
      'Message-ID: <bounce1@mx.example.vn>',
      'Date: ' + new Date().toUTCString(),
      'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=utf-8',
      '',
      'This is the mail system. Your message could not be delivered.',
      '--b1',
      'Content-Type: message/delivery-status',
      '',
      'Final-Recipient: rfc822; nobody@example.vn',
      'Action: failed',
      'Status: 5.1.1',
      '--b1--',
      '',
    ].join('\r\n');
    await dovecot.append(bounce);
    for (const id of ['<ooo1@example.vn>', '<list1@example.vn>', '<bounce1@mx.example.vn>']) {
      const stored = await waitFor(() => inbound(id), 15000, `${id} stored`);
      expect(JSON.parse(stored.meta)).toMatchObject({ noReply: true });
    }
    await platform.settle();
    await new Promise((r) => setTimeout(r, 800)); // longer than the reply coalescing window
    expect(smtp.to('vang.mat@example.vn')).toHaveLength(0);
    expect(smtp.to('list@example.vn')).toHaveLength(0);
    expect(smtp.to('mailer-daemon@mx.example.vn')).toHaveLength(0);
    expect(JSON.parse((await inbound('<bounce1@mx.example.vn>'))!.meta).noReplyReason).toBe('bounce');
  });

  it('gives the bot only the new text of a reply; operators keep the whole mail', async () => {
    const text = [
      'Nhà tôi có người về từ TP.HCM thì khai báo ở đâu?',
      '',
      '--',
      'Trần Thị Cúc',
      'Phường Tân Phú',
      '',
      'Vào 10:00, Thứ Hai, 23 thg 8, 2021 Tổng đài 1022 <1022@binhphuoc.gov.vn> đã viết:',
      '> Dạ, Tổng đài 1022 xin chào anh/chị.',
      '> Anh/chị cần hỏi gì ạ?',
    ].join('\n');
    await dovecot.append(await compose({ from: 'cuc@example.vn', subject: 'Re: Khai báo', text, messageId: '<c1@example.vn>' }));
    const stored = await waitFor(() => inbound('<c1@example.vn>'), 15000, 'the quoted mail stored');
    expect(stored.text).toBe('Nhà tôi có người về từ TP.HCM thì khai báo ở đâu?');
    const meta = JSON.parse(stored.meta);
    expect(meta.text).toContain('> Anh/chị cần hỏi gì ạ?');
    expect(meta.subject).toBe('Re: Khai báo');
    expect(meta.from).toEqual({ address: 'cuc@example.vn', name: null });
  });

  it('sends at most EMAIL_REPLIES_PER_SENDER_PER_HOUR bot replies to one address', async () => {
    for (let i = 1; i <= 4; i++) {
      await dovecot.append(await compose({ from: 'nhieu@example.vn', subject: `Câu hỏi ${i}`, text: `Câu hỏi số ${i}`, messageId: `<n${i}@example.vn>` }));
    }
    await waitFor(async () => {
      const rows = await platform.store.db
        .selectFrom('messages')
        .select('status')
        .where('channel', '=', 'email')
        .where('direction', '=', 'out')
        .where('conversation_id', 'in', platform.store.db.selectFrom('conversations').select('id').where('external_user_id', '=', 'nhieu@example.vn'))
        .execute();
      return rows.length >= 4 && rows.every((r) => r.status === 'sent' || r.status === 'failed') ? rows : undefined;
    }, 20000, 'every reply sent or refused');
    expect(smtp.to('nhieu@example.vn')).toHaveLength(3);
    const refused = await platform.store.db.selectFrom('messages').select('status_reason').where('status', '=', 'failed').where('channel', '=', 'email').execute();
    expect(refused.some((r) => /1 giờ/.test(r.status_reason ?? ''))).toBe(true);
  });

  it('after a restart on the same data, neither skips nor repeats a mail', async () => {
    await dovecot.append(await compose({ from: 'restart@example.vn', subject: 'Trước khi dừng', text: 'Thư 1', messageId: '<r1@example.vn>' }));
    await waitFor(() => smtp.to('restart@example.vn')[0], 15000, 'the first reply');
    await platform.settle();
    await platform.stop();

    // Mail arrives while the platform is down.
    await dovecot.append(await compose({ from: 'restart@example.vn', subject: 'Trong lúc dừng 1', text: 'Thư 2', messageId: '<r2@example.vn>' }));
    await dovecot.append(await compose({ from: 'restart2@example.vn', subject: 'Trong lúc dừng 2', text: 'Thư 3', messageId: '<r3@example.vn>' }));

    platform = await startTestPlatform({ ...env, DATA_DIR: platform.dataDir });
    await waitFor(() => smtp.to('restart2@example.vn')[0] && smtp.to('restart@example.vn')[1], 15000, 'replies to the mails that came during the stop');
    await platform.settle();
    await new Promise((r) => setTimeout(r, 800));
    const repliedTo = smtp.received.map((m) => m.parsed.inReplyTo);
    for (const id of ['<q1@example.vn>', '<r1@example.vn>', '<r2@example.vn>', '<r3@example.vn>']) {
      expect(repliedTo.filter((x) => x === id)).toHaveLength(1);
    }
    const stored = await platform.store.db.selectFrom('messages').select('external_id').where('channel', '=', 'email').where('direction', '=', 'in').execute();
    const ids = stored.map((r) => r.external_id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('reconnects after the IMAP server went away', async () => {
    await dovecot.restart();
    await dovecot.append(await compose({ from: 'sau.khi.mat.ket.noi@example.vn', subject: 'Sau sự cố', text: 'Còn nhận thư không?', messageId: '<k1@example.vn>' }));
    await waitFor(() => smtp.to('sau.khi.mat.ket.noi@example.vn')[0], 20000, 'a reply after the reconnect');
  });
});
