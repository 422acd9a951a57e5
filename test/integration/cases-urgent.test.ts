/**
 * Urgent reports through the whole platform: the app channel, the real triage, the case routed by agencies.yaml,
 * mail received by a real SMTP server, the operators' case API, and SLA escalation under a controlled clock.
 */
import path from 'node:path';
import { loadAgencyDirectory } from '../../src/cases/agencyDirectory';
import { triage } from '../../src/nlp/triage';
import { ManualClock } from '../../src/store/clock';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer';

const TOKEN = 'app-token-cases-1';
const directory = loadAgencyDirectory(path.resolve(__dirname, '../../knowledge-base/agencies.yaml'));
const emailOf = (id: string) => directory.agencyById(id)!.emails[0];
const PROVINCE = emailOf('so-y-te');
const BU_DANG = emailOf('ttyt-bu-dang');
const SUPERVISOR = 'truong.ca@example.vn';

describe('urgent cases through the pipeline', () => {
  let platform: TestPlatform;
  let smtp: TestSmtpServer;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let clock: ManualClock;
  let operator: StaffClient;
  let editor: StaffClient;
  let n = 0;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    callback = await startRecordingServer();
    clock = new ManualClock(new Date('2021-08-06T02:00:00Z'));
    platform = await startTestPlatform(
      { APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, SMTP_URL: smtp.url, SUPERVISOR_EMAILS: SUPERVISOR, CASE_TICK_SECONDS: '3600' },
      { clock, triage },
    );
    await createTestUser(platform.store.db, 'trucban', 'operator', 'Trực ban Hoa');
    await createTestUser(platform.store.db, 'bientap', 'editor', 'Biên tập');
    operator = await signInAs(platform.url, 'trucban');
    editor = await signInAs(platform.url, 'bientap');
  });
  afterAll(async () => {
    await platform.stop();
    await smtp.close();
    await callback.close();
  });

  async function say(userId: string, text: string): Promise<string> {
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `m-${++n}`, text }),
    });
    expect(res.status).toBe(202);
    const { conversationId } = await res.json();
    await platform.settle();
    return conversationId;
  }
  const casesOf = async (client: StaffClient, conversationId: string) => {
    const res = await client.request('GET', `/api/cases?conversationId=${conversationId}`);
    expect(res.status).toBe(200);
    return (await res.json()).cases as any[];
  };
  const mailsTo = (address: string) => smtp.to(address);

  it('answers an urgent report at once, routes the case to the district centre and mails it at the deadline', async () => {
    const conversationId = await say('citizen-1', 'Em bị sốt 38 độ và ho từ hôm qua, nhà em ở xã Đức Liễu huyện Bù Đăng');
    const reply = await waitFor(() => callback.received.find((r) => r.json?.conversationId === conversationId), 5000, 'safety reply');
    expect(reply.json.text).toMatch(/cách ly|115/);

    const [c] = await casesOf(operator, conversationId);
    expect(c).toMatchObject({ kind: 'urgent', level: 'urgent', status: 'open', open: true, agency: { id: 'ttyt-bu-dang' }, channel: 'app' });
    expect(c.symptoms).toEqual(expect.arrayContaining(['sốt', 'ho']));
    expect(c.details.district).toMatch(/Bù Đăng/);
    expect(c.slaRemainingMs).toBe(15 * 60_000);
    expect(mailsTo(BU_DANG)).toHaveLength(0);

    // The citizen stops answering: the case goes out at the deadline anyway.
    clock.advance(3 * 60_000);
    const result = await platform.cases.timers.tick();
    expect(result.notified).toBe(1);
    const [mail] = mailsTo(BU_DANG);
    expect(mail.parsed.subject).toContain(c.code);
    expect(mail.parsed.text).toContain('Bù Đăng');
    expect(mail.parsed.text).toContain('Ứng dụng Bình Phước Today');
    expect(mail.parsed.text).toContain('Em bị sốt 38 độ và ho từ hôm qua');
    const [after] = await casesOf(operator, conversationId);
    expect(after.status).toBe('notified');
  });

  it('sends an emergency to the province point at once, with the phone number, and puts it first in the list', async () => {
    const conversationId = await say('citizen-2', 'Bố tôi khó thở, SpO2 chỉ còn 90%, nhà ở Đồng Xoài, sđt 0912 345 678');
    const mail = await waitFor(() => mailsTo(PROVINCE).find((m) => m.parsed.text?.includes('0912345678')), 5000, 'emergency mail');
    expect(mail.parsed.subject).toMatch(/cấp cứu/i);
    const list = (await (await operator.request('GET', '/api/cases?open=true')).json()).cases as any[];
    expect(list[0]).toMatchObject({ conversationId, level: 'emergency', status: 'notified', agency: { id: 'so-y-te' } });
    expect(list[0].details.phone).toBe('0912345678');
    // Personal data stays with operators.
    const forEditor = (await (await editor.request('GET', `/api/cases/${list[0].id}`)).json()).case;
    expect(forEditor.details.phone).toBeUndefined();
    expect(forEditor.details.district).toMatch(/Đồng Xoài/);
    expect(forEditor.notifications[0].body).toBeUndefined();
    const forOperator = (await (await operator.request('GET', `/api/cases/${list[0].id}`)).json()).case;
    expect(forOperator.timeline.map((e: any) => e.action)).toEqual(expect.arrayContaining(['created', 'routed', 'notified', 'mail.sent']));
  });

  it('escalates an unacknowledged case once to the supervisor and the province point; an acknowledged one does not', async () => {
    const lateConv = await say('citizen-3', 'Mẹ em 70 tuổi sốt cao, thở rất mệt, ở Lộc Ninh');
    const ackConv = await say('citizen-4', 'chồng tôi đau tức ngực, khó thở');
    const [late] = await casesOf(operator, lateConv);
    const [acked] = await casesOf(operator, ackConv);
    expect(late.open).toBe(true);
    expect((await editor.request('POST', `/api/cases/${acked.id}/acknowledge`)).status).toBe(403);
    clock.advance(10 * 60_000);
    const ack = await operator.request('POST', `/api/cases/${acked.id}/acknowledge`);
    expect(ack.status).toBe(200);
    expect((await ack.json()).case).toMatchObject({ status: 'acknowledged', slaRemainingMs: null });
    expect((await operator.request('POST', `/api/cases/${acked.id}/acknowledge`)).status).toBe(409);

    clock.advance(6 * 60_000);
    await platform.cases.timers.tick();
    const escalations = () => smtp.received.filter((m) => m.parsed.subject?.includes('Chưa được tiếp nhận'));
    expect(escalations().map((m) => m.parsed.subject)).toEqual(expect.arrayContaining([expect.stringContaining(late.code)]));
    expect(escalations().some((m) => m.parsed.subject?.includes(acked.code))).toBe(false);
    const mail = escalations().find((m) => m.parsed.subject?.includes(late.code))!;
    expect(mail.to).toEqual(expect.arrayContaining([SUPERVISOR, PROVINCE]));
    const count = escalations().length;

    clock.advance(60 * 60_000);
    await platform.cases.timers.tick();
    expect(escalations()).toHaveLength(count);
    const [escalated] = await casesOf(operator, lateConv);
    expect(escalated.escalatedAt).toBeTruthy();
    expect(escalated.overdue).toBe(true);
    const detail = (await (await operator.request('GET', `/api/cases/${acked.id}`)).json()).case;
    expect(detail.timeline.find((e: any) => e.action === 'acknowledged')).toMatchObject({ actor: `user:${operator.user.id}`, actorName: 'Trực ban Hoa' });
  });

  it('alerts the operator holding the conversation instead of answering the citizen', async () => {
    const conversationId = await say('citizen-5', 'cho em hỏi lịch tiêm vắc xin');
    await platform.store.db.updateTable('conversations').set({ state: 'human', assignee_id: operator.user.id }).where('id', '=', conversationId).execute();
    const before = callback.received.length;
    await say('citizen-5', 'em thấy khó thở quá');
    const notes = await platform.store.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId).where('internal', '=', 1).execute();
    expect(notes.map((m) => m.text)).toContainEqual(expect.stringMatching(/^Tin nhắn có dấu hiệu khẩn cấp: .*khó thở/));
    expect(callback.received.length).toBe(before);
    const [c] = await casesOf(operator, conversationId);
    expect(c.level).toBe('emergency');
    await waitFor(() => mailsTo(PROVINCE).find((m) => m.parsed.subject?.includes(c.code)), 5000, 'mail of the held conversation');
  });
});
