/**
 * The daily report through the whole platform under a controlled clock. A day of real traffic (app channel, the bot,
 * an operator's reply, an emergency acknowledged after 4 minutes, a question forwarded to an agency, phone calls
 * logged in the console — one urgent), then the report job: nothing at 10:29, one mail at 10:30 to REPORT_RECIPIENTS
 * (real SMTP) with the XLSX (parsed back and checked against the stored data) and the PDF (rendered to PNG with
 * pdftoppm into test-artifacts/, text checked with pdftotext). Archive, download, resend. A platform down at 10:30 and
 * started at 11:40 sends it once, also with a second instance starting beside it.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { sql } from 'kysely';
import { MissingFontError, reportFonts } from '../../src/reports/pdf';
import { ManualClock } from '../../src/store/clock';
import { recordRequest } from '../../src/store/conversations';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';
import { startSmtpServer, type TestSmtpServer, type ReceivedMail } from '../support/smtpServer';

const TOKEN = 'app-token-reports-1';
const OFFICE = 'van.phong@soyte.binhphuoc.gov.vn';
const ARTIFACTS = path.resolve(__dirname, '../../test-artifacts');
const XSS_TOPIC = '<img src=x onerror=alert(1)>';
const DAY = { start: '2021-08-04T17:00:00.000Z', end: '2021-08-05T17:00:00.000Z' }; // 5 August, local

const cellText = (v: ExcelJS.CellValue): string => (v === null || v === undefined ? '' : typeof v === 'object' && 'richText' in v ? v.richText.map((r) => r.text).join('') : String(v));

async function sheetRows(mail: ReceivedMail, sheet: string): Promise<string[][]> {
  const attachment = mail.parsed.attachments.find((a) => a.filename?.endsWith('.xlsx'))!;
  const wb = new ExcelJS.Workbook();
  await wb.xlsx.load(attachment.content as unknown as ArrayBuffer);
  const ws = wb.getWorksheet(sheet);
  if (!ws) throw new Error(`no sheet ${sheet}`);
  const rows: string[][] = [];
  ws.eachRow({ includeEmpty: true }, (row) => rows.push(Array.from((row.values as ExcelJS.CellValue[]).slice(1), cellText)));
  return rows;
}

describe('the daily report', () => {
  let smtp: TestSmtpServer;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let platform: TestPlatform;
  let clock: ManualClock;
  let operator: StaffClient;
  let supervisor: StaffClient;
  let n = 0;
  const ids: Record<string, string> = {};
  let urgentCode = '';
  let phoneCaseCode = '';
  let forwardCode = '';

  const say = async (userId: string, text: string): Promise<string> => {
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `r-${++n}`, text, name: `Công dân ${userId}` }),
    });
    expect(res.status).toBe(202);
    const { conversationId } = await res.json();
    await platform.settle();
    return conversationId;
  };
  const reportMails = () => smtp.to(OFFICE);
  const at = (iso: string) => clock.set(iso);

  beforeAll(async () => {
    smtp = await startSmtpServer();
    callback = await startRecordingServer();
    clock = new ManualClock(new Date('2021-08-05T01:00:00Z')); // 08:00 on 5 August, local
    platform = await startTestPlatform(
      { APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, SMTP_URL: smtp.url, REPORT_RECIPIENTS: OFFICE, SUPERVISOR_EMAILS: 'giam.sat@binhphuoc.gov.vn', LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' },
      { clock },
    );
    const op = await createTestUser(platform.store.db, 'trucban', 'operator', 'Trực ban Hoa');
    const op2 = await createTestUser(platform.store.db, 'trucban2', 'operator', 'Trực ban Nam');
    await createTestUser(platform.store.db, 'giamsat', 'supervisor', 'Giám sát Minh');
    operator = await signInAs(platform.url, 'trucban');
    supervisor = await signInAs(platform.url, 'giamsat');
    for (const userId of [op.id, op2.id]) expect((await supervisor.request('POST', '/api/shifts', { userId, date: '2021-08-05', period: 'officeHours', phoneLine: true })).status).toBe(201);

    // The days before, for the comparison; and the next morning, which is not in the report.
    await platform.store.db.transaction().execute(async (tx) => {
      for (let i = 0; i < 40; i++) await recordRequest(tx, { channel: 'zalo', kind: 'new_conversation', at: new Date(Date.parse('2021-08-04T01:00:00Z') + i * 600_000).toISOString() });
      for (let d = 1; d <= 6; d++) for (let i = 0; i < 20; i++) await recordRequest(tx, { channel: 'messenger', kind: 'new_conversation', at: new Date(Date.parse('2021-08-04T02:00:00Z') - d * 86_400_000 + i * 60_000).toISOString() });
      for (let i = 0; i < 3; i++) await recordRequest(tx, { channel: 'webchat', kind: 'new_conversation', at: `2021-08-05T17:1${i}:00.000Z` });
      await recordRequest(tx, { channel: 'webchat', kind: 'new_conversation', topic: XSS_TOPIC, at: '2021-08-05T12:00:00.000Z' });
    });

    // 5 August: questions the bot answers.
    for (const [i, q] of ['Tiêm vắc xin phòng COVID-19 có mất tiền không?', 'Ai được ưu tiên tiêm vắc xin phòng COVID-19?', 'F0 điều trị tại nhà cần chuẩn bị những gì?', 'Khai báo y tế ở đâu?'].entries()) {
      at(`2021-08-05T01:0${i}:00Z`);
      ids[`faq${i}`] = await say(`faq-${i}`, q);
    }
    // An operator takes a conversation and replies; another waits and is never taken.
    at('2021-08-05T01:30:00Z');
    ids.handled = await say('can-gap', 'Cho tôi gặp tổng đài viên');
    ids.waiting = await say('cho-mai', 'cho gặp tổng đài viên với');
    await platform.handoff.queue(ids.handled, 'test');
    await platform.handoff.queue(ids.waiting, 'test');
    at('2021-08-05T01:40:00Z');
    expect((await operator.request('POST', `/api/console/conversations/${ids.handled}/claim`)).status).toBe(200);
    expect((await operator.request('POST', `/api/console/conversations/${ids.handled}/reply`, { text: 'Dạ, tổng đài xin trả lời anh/chị như sau ạ.' })).status).toBe(202);
    await platform.settle();
    // An emergency, acknowledged after 4 minutes.
    at('2021-08-05T02:00:00Z');
    ids.urgent = await say('khan-cap', 'Bố tôi khó thở, SpO2 chỉ còn 90%, nhà ở Đồng Xoài, sđt 0912 345 678');
    const [urgentCase] = (await (await operator.request('GET', `/api/cases?conversationId=${ids.urgent}`)).json()).cases;
    urgentCode = urgentCase.code;
    at('2021-08-05T02:04:00Z');
    expect((await operator.request('POST', `/api/cases/${urgentCase.id}/acknowledge`)).status).toBe(200);
    // A question forwarded to an agency, due in 2 hours (overdue when the report is made).
    at('2021-08-05T03:00:00Z');
    ids.forward = await say('hoi-cdc', 'Người từ Bình Dương về Chơn Thành có phải cách ly tập trung không?');
    const fwd = await operator.request('POST', '/api/cases/forward', { conversationId: ids.forward, agencyId: 'cdc-binh-phuoc', question: 'Người từ Bình Dương về Chơn Thành có phải cách ly tập trung không?', dueAt: '2021-08-05T05:00:00.000Z' });
    expect(fwd.status).toBe(201);
    forwardCode = (await fwd.json()).case.code;
    // Phone calls to (0271) 1022 logged by the operator, one of them urgent.
    at('2021-08-05T07:00:00Z');
    for (const call of [
      { callerNumber: '0271 3 888 999', topic: 'tiem-chung', urgency: 'none', note: 'Hỏi lịch tiêm mũi 2', outcome: 'answered' },
      { callerNumber: '0987654321', topic: 'xet-nghiem', urgency: 'none', note: '', outcome: 'dropped' },
    ]) expect((await operator.request('POST', '/api/phone-calls', call)).status).toBe(201);
    const urgentCall = await operator.request('POST', '/api/phone-calls', { callerNumber: '0903 111 222', topic: 'trieu-chung', urgency: 'urgent', note: 'Mẹ tôi 70 tuổi sốt cao 39 độ, ho nhiều từ hôm qua, ở xã Tân Lập, huyện Đồng Phú', outcome: 'answered' });
    expect(urgentCall.status).toBe(201);
    const logged = (await urgentCall.json()).call;
    expect(logged.caseCode).toMatch(/^KC-/);
    phoneCaseCode = logged.caseCode;
    ids.phoneUrgent = logged.conversationId;
    await platform.settle();
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
    await callback?.close();
  });

  it('an urgent phone call opens the same urgent case as a message: routed, with the caller number, in the case list', async () => {
    const [c] = (await (await operator.request('GET', `/api/cases?conversationId=${ids.phoneUrgent}`)).json()).cases;
    expect(c).toMatchObject({ kind: 'urgent', code: phoneCaseCode, channel: 'phone', open: true });
    expect(['urgent', 'emergency']).toContain(c.level);
    expect(c.details.phone).toBe('0903111222');
    expect(c.details.district).toMatch(/Đồng Phú/);
    expect(c.symptoms).toEqual(expect.arrayContaining(['sốt']));
    const kinds = await platform.store.db.selectFrom('requests').select(['kind', 'channel']).where('conversation_id', '=', ids.phoneUrgent).execute();
    expect(kinds).toEqual([{ kind: 'phone_call', channel: 'phone' }]);
    const calls = (await (await operator.request('GET', '/api/phone-calls?day=2021-08-05')).json()).calls;
    expect(calls).toHaveLength(3);
  });

  it('at 10:30 the day before is reported; at 10:29 the next day nothing yet; at 10:30 exactly one mail with both files', async () => {
    at('2021-08-05T03:30:00Z'); // 10:30 on the 5th: the report of the 4th (first day kept) is due
    expect(await platform.reports.scheduler.tick()).toEqual(['2021-08-04']);
    await waitFor(() => reportMails().length === 1, 5000, 'report of the 4th');
    expect(reportMails()[0].parsed.subject).toBe('[Tổng đài 1022] Báo cáo tiếp nhận và xử lý ngày 04/08/2021');

    at('2021-08-06T03:29:00Z'); // 10:29 on the 6th
    expect(await platform.reports.scheduler.tick()).toEqual([]);
    expect(reportMails()).toHaveLength(1);
    at('2021-08-06T03:30:00Z');
    expect(await platform.reports.scheduler.tick()).toEqual(['2021-08-05']);
    expect(await platform.reports.scheduler.tick()).toEqual([]);
    await waitFor(() => reportMails().length === 2, 5000, 'report of the 5th');
    const mail = reportMails()[1];
    expect(mail.parsed.subject).toBe('[Tổng đài 1022] Báo cáo tiếp nhận và xử lý ngày 05/08/2021');
    expect(mail.parsed.attachments.map((a) => a.filename).sort()).toEqual(['bao-cao-tong-dai-1022-2021-08-05.pdf', 'bao-cao-tong-dai-1022-2021-08-05.xlsx']);
    expect(mail.parsed.html).toContain('Kính gửi lãnh đạo Sở');
    // Text that came from data is escaped in the HTML body.
    expect(mail.parsed.html).not.toContain(XSS_TOPIC);
    expect(mail.parsed.html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(mail.parsed.text).toContain('Tổng số tin tiếp nhận');
  });

  it('the XLSX figures match the stored data', async () => {
    const mail = reportMails()[1];
    const stored = await platform.store.db
      .selectFrom('requests')
      .select(['channel', (eb) => eb.fn.countAll<number>().as('n')])
      .where('at', '>=', DAY.start)
      .where('at', '<', DAY.end)
      .groupBy('channel')
      .execute();
    const total = stored.reduce((a, r) => a + Number(r.n), 0);
    expect(total).toBe(12); // 4 FAQ, 2 asking for an operator, the emergency, the forwarded question, 3 calls, 1 seeded web chat
    const summary = await sheetRows(mail, 'Tổng hợp');
    const figure = (label: string) => summary.find((r) => r[0] === label)?.[1];
    expect(figure('Tổng số tin tiếp nhận')).toBe(String(total));
    expect(figure('Tổng đài viên trả lời')).toBe('2'); // the reply in the console and the call answered
    // Handed to agencies: the forwarded question, the emergency and the urgent call (both told to a health agency).
    expect(figure('Chuyển cơ quan chức năng')).toBe('3');
    const handled = ['Trợ lý tự động trả lời', 'Tổng đài viên trả lời', 'Chuyển cơ quan chức năng', 'Chưa được trả lời'].reduce((a, l) => a + Number(figure(l)), 0);
    expect(handled).toBe(total);
    expect(figure('Ngày trước đó')).toBe('40');
    expect(figure('Trung bình 7 ngày trước')).toBe(String(Math.round(((40 + 6 * 20) / 7) * 10) / 10));

    const byChannel = await sheetRows(mail, 'Theo kênh');
    const names: Record<string, string> = { app: 'Ứng dụng Bình Phước Today', phone: 'Điện thoại (0271) 1022', webchat: 'Trò chuyện trên trang 1022' };
    for (const r of stored) expect(byChannel.find((row) => row[0] === names[r.channel])?.[1]).toBe(String(r.n));

    const byHour = await sheetRows(mail, 'Theo giờ');
    expect(byHour[0][0]).toBe('Giờ');
    expect(byHour.at(-1)?.at(-1)).toBe(String(total));
    // 14:00 local = 07:00Z: the three phone calls.
    expect(byHour.find((r) => r[0] === '14:00–15:00')?.at(-1)).toBe('3');
    const hourSum = byHour.slice(1, 25).reduce((a, r) => a + Number(r.at(-1)), 0);
    expect(hourSum).toBe(total);

    const urgent = await sheetRows(mail, 'Khẩn cấp');
    const emergencyRow = urgent.find((r) => r[0] === urgentCode)!;
    expect(emergencyRow.slice(1, 6)).toEqual(['Cấp cứu', 'Ứng dụng Bình Phước Today', '09:00 05/08/2021', '4', '0']);
    const phoneRow = urgent.find((r) => r[0] === phoneCaseCode)!;
    expect(phoneRow[2]).toBe('Điện thoại (0271) 1022');
    expect(phoneRow[4]).toBe(''); // never acknowledged

    const forwarded = await sheetRows(mail, 'Chuyển cơ quan');
    const fwd = forwarded.find((r) => r[0] === forwardCode)!;
    expect(fwd[4]).toBe('Chờ cơ quan trả lời');
    expect(fwd[5]).toBe('Có'); // overdue
    expect(forwarded.some((r) => r[0] === 'Các câu hỏi đã quá hạn trả lời (tính đến lúc lập báo cáo)')).toBe(true);

    const unanswered = await sheetRows(mail, 'Chưa trả lời');
    expect(unanswered.map((r) => r[3])).toContain(ids.waiting);
    expect(unanswered.map((r) => r[3])).not.toContain(ids.handled);
    expect(unanswered.find((r) => r[3] === ids.waiting)?.[2]).toBe('Đang chờ tổng đài viên');

    const staffing = await sheetRows(mail, 'Cấp độ và nhân lực');
    expect(staffing[0].slice(0, 3)).toEqual(['Cấp độ đạt trong ngày', 'Cấp độ 1 (dưới 200 tin/ngày)', String(total)]);
    expect(staffing.find((r) => r[0] === 'Giờ hành chính' && r[1] === 'Tổng đài viên')?.slice(2)).toEqual(['5', '2', 'Thiếu']);
  });

  it('the PDF renders with its charts and Vietnamese text (test-artifacts/report-2021-08-05-1.png)', async () => {
    const pdf = reportMails()[1].parsed.attachments.find((a) => a.filename?.endsWith('.pdf'))!.content;
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    fs.mkdirSync(ARTIFACTS, { recursive: true });
    const file = path.join(ARTIFACTS, 'report-2021-08-05.pdf');
    fs.writeFileSync(file, pdf);
    for (const old of fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('report-2021-08-05-') && f.endsWith('.png'))) fs.unlinkSync(path.join(ARTIFACTS, old));
    execFileSync('pdftoppm', ['-png', '-r', '80', file, path.join(ARTIFACTS, 'report-2021-08-05')]);
    const pages = fs.readdirSync(ARTIFACTS).filter((f) => f.startsWith('report-2021-08-05-') && f.endsWith('.png'));
    expect(pages.length).toBeGreaterThanOrEqual(1);
    expect(fs.statSync(path.join(ARTIFACTS, pages[0])).size).toBeGreaterThan(20_000);
    const text = execFileSync('pdftotext', ['-layout', file, '-']).toString('utf8');
    for (const phrase of ['BÁO CÁO TIẾP NHẬN VÀ XỬ LÝ THÔNG TIN', 'Ngày 05/08/2021', 'Số tin theo giờ trong ngày', 'Trường hợp khẩn cấp, cấp cứu', 'Điện thoại (0271) 1022', urgentCode, forwardCode]) {
      expect(text).toContain(phrase);
    }
  });

  it('archives every report; supervisors download, make one on demand and resend; operators may not', async () => {
    supervisor = await signInAs(platform.url, 'giamsat');
    operator = await signInAs(platform.url, 'trucban');
    const list = (await (await supervisor.request('GET', '/api/reports')).json()).reports as any[];
    expect(list.map((r) => [r.day, r.trigger, r.sendCount])).toEqual([
      ['2021-08-05', 'scheduled', 1],
      ['2021-08-04', 'scheduled', 1],
    ]);
    expect((await operator.request('GET', '/api/reports')).status).toBe(403);
    const xlsx = await supervisor.request('GET', `/api/reports/${list[0].id}/xlsx`);
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-disposition')).toBe('attachment; filename="bao-cao-tong-dai-1022-2021-08-05.xlsx"');
    const attached = reportMails()[1].parsed.attachments.find((a) => a.filename?.endsWith('.xlsx'))!.content;
    expect(Buffer.from(await xlsx.arrayBuffer()).equals(attached)).toBe(true);
    expect((await supervisor.request('GET', `/api/reports/${list[0].id}/pdf`)).headers.get('content-type')).toBe('application/pdf');

    const resent = await supervisor.request('POST', `/api/reports/${list[0].id}/send`);
    expect(resent.status).toBe(200);
    expect((await resent.json()).report.sendCount).toBe(2);
    await waitFor(() => reportMails().length === 3, 5000, 'resent report');

    const made = await supervisor.request('POST', '/api/reports', { day: '2021-08-03' });
    expect(made.status).toBe(201);
    expect((await made.json()).report).toMatchObject({ day: '2021-08-03', trigger: 'manual', sentAt: null, figures: { total: 20 } });
    expect((await supervisor.request('POST', '/api/reports', { day: '3/8/2021' })).status).toBe(400);
    expect(reportMails()).toHaveLength(3);
  });
});

describe('npm run report', () => {
  it('writes the XLSX, PDF and HTML of a day from the configured database', async () => {
    const clock = new ManualClock(new Date('2021-08-06T02:00:00Z'));
    const platform = await startTestPlatform({ LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' }, { clock });
    const out = path.join(platform.dataDir, 'bao-cao');
    try {
      await platform.store.db.transaction().execute(async (tx) => {
        for (let i = 0; i < 25; i++) await recordRequest(tx, { channel: i % 2 ? 'zalo' : 'email', kind: i % 2 ? 'new_conversation' : 'email_thread', at: new Date(Date.parse('2021-08-05T01:00:00Z') + i * 60_000).toISOString() });
      });
      const tsx = path.resolve(__dirname, '../../node_modules/.bin/tsx');
      const output = execFileSync(tsx, ['scripts/report.ts', '--date', '2021-08-05', '--out', out], {
        cwd: path.resolve(__dirname, '../..'),
        env: { ...process.env, DATA_DIR: platform.dataDir, DATABASE_URL: '', LOG_LEVEL: 'silent' },
      }).toString();
      expect(output).toContain('Báo cáo ngày 2021-08-05: 25 tin.');
      expect(fs.readdirSync(out).sort()).toEqual(['bao-cao-tong-dai-1022-2021-08-05.html', 'bao-cao-tong-dai-1022-2021-08-05.pdf', 'bao-cao-tong-dai-1022-2021-08-05.xlsx']);
      const wb = new ExcelJS.Workbook();
      await wb.xlsx.readFile(path.join(out, 'bao-cao-tong-dai-1022-2021-08-05.xlsx'));
      const rows: string[][] = [];
      wb.getWorksheet('Theo kênh')!.eachRow((row) => rows.push(Array.from((row.values as ExcelJS.CellValue[]).slice(1), cellText)));
      expect(rows.slice(1)).toEqual([
        ['Thư điện tử', '13', '0.52'],
        ['Zalo OA', '12', '0.48'],
        ['Tổng', '25', '1'],
      ]);
      expect(() => execFileSync(tsx, ['scripts/report.ts', '--date', '5/8/2021'], { cwd: path.resolve(__dirname, '../..'), stdio: 'pipe' })).toThrow(/YYYY-MM-DD/);
    } finally {
      await platform.stop();
    }
  }, 30_000);
});

describe('a platform down at 10:30', () => {
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
  });
  afterAll(async () => {
    await smtp?.close();
  });

  it('sends the missed report once when it starts at 11:40, also with a second instance starting beside it', async () => {
    const clock = new ManualClock(new Date('2021-08-06T02:00:00Z')); // 09:00 on the 6th
    const env = { SMTP_URL: smtp.url, REPORT_RECIPIENTS: OFFICE, LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' };
    const first = await startTestPlatform(env, { clock });
    await recordRequest(first.store.db, { channel: 'zalo', kind: 'new_conversation', at: '2021-08-05T05:00:00.000Z' });
    await first.reports.scheduler.tick();
    expect(smtp.received).toHaveLength(0);
    await first.stop(); // down from 09:00…

    clock.set('2021-08-06T04:40:00Z'); // …to 11:40
    const again = await startTestPlatform({ ...env, DATA_DIR: first.dataDir, INSTANCE_ID: 'b' }, { clock });
    const beside = await startTestPlatform({ ...env, DATA_DIR: first.dataDir, INSTANCE_ID: 'c' }, { clock });
    try {
      await waitFor(() => smtp.to(OFFICE).length >= 1, 8000, 'caught-up report');
      await Promise.all([again.reports.scheduler.tick(), beside.reports.scheduler.tick()]);
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.to(OFFICE).map((m) => m.parsed.subject)).toEqual(['[Tổng đài 1022] Báo cáo tiếp nhận và xử lý ngày 05/08/2021']);
      const job = await again.store.db.selectFrom('report_jobs').selectAll().where('day', '=', '2021-08-05').executeTakeFirstOrThrow();
      expect(job).toMatchObject({ status: 'sent', sent_at: '2021-08-06T04:40:00.000Z' });
    } finally {
      await beside.stop();
      await again.stop();
    }
  });

  it('retries a report the mail server refused for a while, resending the archived files', async () => {
    const clock = new ManualClock(new Date('2021-08-06T03:30:00Z'));
    smtp.failWith(451);
    const platform = await startTestPlatform({ SMTP_URL: smtp.url, REPORT_RECIPIENTS: 'luu.tru@soyte.binhphuoc.gov.vn', LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' }, { clock });
    try {
      await waitFor(async () => (await platform.store.db.selectFrom('report_jobs').select('status').where('day', '=', '2021-08-05').executeTakeFirst())?.status === 'retry', 8000, 'retry');
      smtp.failWith(undefined);
      expect(await platform.reports.scheduler.tick()).toEqual([]); // not due yet
      clock.advance(61_000);
      expect(await platform.reports.scheduler.tick()).toEqual(['2021-08-05']);
      expect(smtp.to('luu.tru@soyte.binhphuoc.gov.vn')).toHaveLength(1);
      const archived = await platform.store.db.selectFrom('reports').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
      expect(Number(archived.n)).toBe(1);
    } finally {
      smtp.failWith(undefined);
      await platform.stop();
    }
  });
});

describePg('daily report with two instances on PostgreSQL', () => {
  it('sends the report once when both instances reach 10:30 together', async () => {
    const smtp = await startSmtpServer();
    const database = await createPgDatabase();
    const clock = new ManualClock(new Date('2021-08-06T03:00:00Z'));
    const env = { DATABASE_URL: database.url, SMTP_URL: smtp.url, REPORT_RECIPIENTS: OFFICE, LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' };
    const a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' }, { clock });
    const b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' }, { clock });
    try {
      await recordRequest(a.store.db, { channel: 'zalo', kind: 'new_conversation', at: '2021-08-05T05:00:00.000Z' });
      clock.set('2021-08-06T03:30:00Z');
      const [byA, byB] = await Promise.all([a.reports.scheduler.tick(), b.reports.scheduler.tick()]);
      expect([...byA, ...byB]).toEqual(['2021-08-05']); // one instance claimed the day, the other saw it taken
      await waitFor(() => smtp.to(OFFICE).length === 1, 5000, 'one report');
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.to(OFFICE)).toHaveLength(1);
      const reports = await a.store.db.selectFrom('reports').select(['day', 'sent_at']).execute();
      expect(reports).toEqual([{ day: '2021-08-05', sent_at: '2021-08-06T03:30:00.000Z' }]);
    } finally {
      await b.stop();
      await a.stop();
      await database.drop();
      await smtp.close();
    }
  });
});

describe('the PDF font', () => {
  it('fails with a clear message naming the Debian package when the Unicode font is missing', () => {
    expect(() => reportFonts('/usr/share/fonts/khong-co/KhongCo.ttf')).toThrow(MissingFontError);
    expect(() => reportFonts('/usr/share/fonts/khong-co/KhongCo.ttf')).toThrow(/fonts-dejavu-core.*REPORT_FONT/);
    expect(reportFonts().bold).toMatch(/DejaVuSans-Bold\.ttf$/);
  });
});
