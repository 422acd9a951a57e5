/**
 * Forwarding round trip: an operator forwards a citizen's question to an agency, the agency answers through the
 * signed link in its mail (real SMTP), the operator approves an edited answer and the citizen receives it on the app
 * channel. Expired, tampered and reused links are refused with a reason and change nothing; overdue requests are
 * reminded once a day and flagged.
 */
import path from 'node:path';
import { loadAgencyDirectory } from '../../src/cases/agencyDirectory';
import { ManualClock } from '../../src/store/clock';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer';

const TOKEN = 'app-token-forward-1';
const directory = loadAgencyDirectory(path.resolve(__dirname, '../../knowledge-base/agencies.yaml'));
const CDC = directory.agencyById('cdc-binh-phuoc')!;
const HOUR = 3_600_000;

describe('forwarding a question to an agency', () => {
  let platform: TestPlatform;
  let smtp: TestSmtpServer;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let clock: ManualClock;
  let operator: StaffClient;
  let n = 0;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    callback = await startRecordingServer();
    clock = new ManualClock(new Date('2021-08-10T01:00:00Z'));
    platform = await startTestPlatform(
      { APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, SMTP_URL: smtp.url, FORWARD_LINK_TTL_HOURS: '72', CASE_TICK_SECONDS: '3600' },
      { clock, triage: () => ({ level: 'none', symptoms: [] }) },
    );
    await createTestUser(platform.store.db, 'dieuphoi', 'operator', 'Điều phối Lan');
    operator = await signInAs(platform.url, 'dieuphoi');
  });
  afterAll(async () => {
    await platform.stop();
    await smtp.close();
    await callback.close();
  });

  async function ask(userId: string, text: string): Promise<string> {
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `q-${++n}`, text, name: 'Trần Thị Bình' }),
    });
    const { conversationId } = await res.json();
    await platform.settle();
    return conversationId;
  }
  async function forward(conversationId: string, question: string, dueAt: Date, shareContact = false) {
    const res = await operator.request('POST', '/api/cases/forward', { conversationId, agencyId: CDC.id, question, dueAt: dueAt.toISOString(), shareContact });
    expect(res.status).toBe(201);
    return (await res.json()).case as { id: string; code: string; status: string };
  }
  const linkIn = (text: string) => /(http:\/\/\S+\/agency\/answer\/[A-Za-z0-9_.-]+)/.exec(text)![1];
  const mailFor = (code: string, subject: RegExp) => waitFor(() => smtp.to(CDC.emails[0]).find((m) => m.parsed.subject?.includes(code) && subject.test(m.parsed.subject)), 5000, `mail ${code}`);
  const caseRow = (id: string) => platform.store.db.selectFrom('cases').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const formTokenIn = (html: string) => /name="formToken" value="([^"]+)"/.exec(html)![1];
  const post = (link: string, fields: Record<string, string>) =>
    fetch(link, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  const detail = async (id: string) => (await (await operator.request('GET', `/api/cases/${id}`)).json()).case;

  it('goes from the operator to the agency and back to the citizen on the app channel', async () => {
    const conversationId = await ask('citizen-f1', 'Tôi ở Chơn Thành, đi làm ở Bình Dương về thì có phải cách ly không? SĐT 0987654321');
    const c = await forward(conversationId, 'Người dân đi làm ở Bình Dương về Chơn Thành có phải cách ly tập trung không? Liên hệ 0987654321', new Date(clock.now().getTime() + 48 * HOUR));
    expect(c.status).toBe('forwarded');

    const mail = await mailFor(c.code, /Đề nghị trả lời/);
    const text = mail.parsed.text ?? '';
    expect(text).toContain('cách ly tập trung');
    expect(text).not.toContain('0987654321'); // contact not shared
    expect(text).toContain('Tổng đài không chia sẻ thông tin liên hệ');
    const link = linkIn(text);

    const page = await fetch(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).toContain('cách ly tập trung');
    expect(html).not.toContain('0987654321');
    expect(html).not.toMatch(/<script/i);

    const sent = await post(link, { formToken: formTokenIn(html), answer: 'Không phải cách ly tập trung nếu có kết quả xét nghiệm âm tính trong 72 giờ; tự theo dõi sức khỏe 7 ngày.', answeredBy: 'BS. Nguyễn Văn Tâm, CDC' });
    expect(sent.status).toBe(303);
    const thanks = await (await fetch(new URL(sent.headers.get('location')!, link))).text();
    expect(thanks).toContain('đã nhận câu trả lời');
    expect(await caseRow(c.id)).toMatchObject({ status: 'answered', answered_by: 'BS. Nguyễn Văn Tâm, CDC' });
    const note = await platform.store.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('internal', '=', 1).executeTakeFirst();
    expect(note?.text).toContain(c.code);

    const before = callback.received.length;
    const approved = await operator.request('POST', `/api/cases/${c.id}/approve`, { text: 'Không phải cách ly tập trung nếu có kết quả xét nghiệm âm tính trong 72 giờ. Anh/chị tự theo dõi sức khỏe 7 ngày.' });
    expect(approved.status).toBe(200);
    expect((await approved.json()).case).toMatchObject({ status: 'approved', open: false });
    const delivered = await waitFor(() => callback.received.slice(before).find((r) => r.json?.conversationId === conversationId), 5000, 'answer to the citizen');
    expect(delivered.json.text).toContain('Anh/chị tự theo dõi sức khỏe 7 ngày.');
    expect(delivered.json.text).toContain(CDC.name);
    const out = await platform.store.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('direction', '=', 'out').where('author', '=', 'operator').execute();
    expect(out).toHaveLength(1);

    // After approval the link cannot change anything.
    const again = await post(link, { formToken: formTokenIn(html), answer: 'Sửa lại câu trả lời' });
    expect(again.status).toBe(403);
    expect(await again.text()).toContain('đã được tổng đài duyệt');
    expect((await caseRow(c.id)).answer).toContain('Anh/chị tự theo dõi');
    expect((await operator.request('POST', `/api/cases/${c.id}/approve`, {})).status).toBe(409);

    const timeline = (await detail(c.id)).timeline as Array<{ action: string; actor: string; actorName: string }>;
    expect(timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['forwarded', 'link.sent', 'mail.sent', 'answered', 'approved', 'answer.sent']));
    expect(timeline.find((e) => e.action === 'answered')).toMatchObject({ actor: `agency:${CDC.id}`, actorName: CDC.name });
    expect(timeline.find((e) => e.action === 'approved')).toMatchObject({ actorName: 'Điều phối Lan' });
  });

  it('refuses tampered links and foreign form tokens, changing nothing', async () => {
    const conversationId = await ask('citizen-f2', 'Xin hỏi thủ tục nhận hỗ trợ cho lao động tự do?');
    const c = await forward(conversationId, 'Thủ tục nhận hỗ trợ cho lao động tự do?', new Date(clock.now().getTime() + 24 * HOUR));
    const link = linkIn((await mailFor(c.code, /Đề nghị trả lời/)).parsed.text ?? '');
    const html = await (await fetch(link)).text();
    const token = link.split('/').pop()!;
    const [payload, signature] = token.split('.');
    const otherCase = Buffer.from(Buffer.from(payload, 'base64url').toString().replace(/^[^.]+/, '00000000-0000-4000-8000-000000000000')).toString('base64url');
    const base = link.slice(0, link.length - token.length);
    for (const bad of [`${payload}.${signature.slice(0, -2)}xy`, `${otherCase}.${signature}`, 'not-a-token']) {
      const get = await fetch(base + bad);
      expect(get.status).toBe(403);
      expect(await get.text()).toContain('không hợp lệ hoặc đã bị sửa đổi');
      const p = await post(base + bad, { formToken: formTokenIn(html), answer: 'trả lời giả' });
      expect(p.status).toBe(403);
    }
    const wrongForm = await post(link, { formToken: 'x'.repeat(43), answer: 'trả lời giả' });
    expect(wrongForm.status).toBe(403);
    expect(await wrongForm.text()).toContain('Biểu mẫu không hợp lệ');
    const empty = await post(link, { formToken: formTokenIn(html), answer: '   ' });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Vui lòng nhập câu trả lời');
    expect(await caseRow(c.id)).toMatchObject({ status: 'forwarded', answer: null });

    // The operator cancels the request: the link now says so, and no reminder will follow.
    const closed = await operator.request('POST', `/api/cases/${c.id}/close`, { reason: 'Người dân đã được giải đáp qua điện thoại' });
    expect(closed.status).toBe(200);
    const after = await fetch(link);
    expect(after.status).toBe(403);
    expect(await after.text()).toContain('đã được đóng');
  });

  it('reminds overdue requests once a day, flags them, and refuses the expired link', async () => {
    const conversationId = await ask('citizen-f3', 'Khu phố tôi bị phong tỏa đến bao giờ?');
    const c = await forward(conversationId, 'Khu phố 3 phường Tân Phú bị phong tỏa đến ngày nào?', new Date(clock.now().getTime() + 2 * HOUR), true);
    const first = await mailFor(c.code, /Đề nghị trả lời/);
    expect(first.parsed.text).toContain('Trần Thị Bình'); // contact shared by the operator
    const link = linkIn(first.parsed.text ?? '');
    const html = await (await fetch(link)).text();

    clock.advance(3 * HOUR);
    expect((await platform.cases.timers.tick()).reminded).toBe(1);
    await mailFor(c.code, /Nhắc/);
    const listed = ((await (await operator.request('GET', '/api/cases?kind=forward&open=true')).json()).cases as any[]).find((x) => x.id === c.id);
    expect(listed).toMatchObject({ overdue: true, status: 'forwarded' });
    clock.advance(12 * HOUR);
    expect((await platform.cases.timers.tick()).reminded).toBe(0);
    clock.advance(12 * HOUR);
    expect((await platform.cases.timers.tick()).reminded).toBe(1);
    const reminders = smtp.to(CDC.emails[0]).filter((m) => m.parsed.subject?.includes(c.code) && /Nhắc/.test(m.parsed.subject));
    expect(reminders).toHaveLength(2);

    // 72 hours after it was sent, the first link has expired: nothing can be done through it.
    clock.advance(50 * HOUR);
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(await expired.text()).toContain('Liên kết đã hết hạn');
    const p = await post(link, { formToken: formTokenIn(html), answer: 'trả lời muộn' });
    expect(p.status).toBe(403);
    expect(await caseRow(c.id)).toMatchObject({ status: 'forwarded', answer: null });
    // The reminder's fresh link still works.
    const fresh = linkIn(reminders[1].parsed.text ?? '');
    expect((await fetch(fresh)).status).toBe(200);
    operator = await signInAs(platform.url, 'dieuphoi'); // the session expired with the clock
    const timeline = (await detail(c.id)).timeline as Array<{ action: string }>;
    expect(timeline.filter((e) => e.action === 'reminded')).toHaveLength(2);
  });

  it('refuses a forward with a bad agency or a due date in the past', async () => {
    operator = await signInAs(platform.url, 'dieuphoi');
    const conversationId = await ask('citizen-f4', 'câu hỏi khác');
    const bad = await operator.request('POST', '/api/cases/forward', { conversationId, agencyId: 'khong-co', question: 'x', dueAt: new Date(clock.now().getTime() + HOUR).toISOString() });
    expect(bad.status).toBe(400);
    const past = await operator.request('POST', '/api/cases/forward', { conversationId, agencyId: CDC.id, question: 'x', dueAt: new Date(clock.now().getTime() - HOUR).toISOString() });
    expect(past.status).toBe(400);
    expect((await past.json()).message).toContain('Hạn trả lời');
    const noCsrf = await operator.request('POST', '/api/cases/forward', { conversationId, agencyId: CDC.id, question: 'x', dueAt: new Date(clock.now().getTime() + HOUR).toISOString() }, { csrf: null });
    expect(noCsrf.status).toBe(403);
  });
});
