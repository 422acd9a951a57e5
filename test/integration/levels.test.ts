/**
 * Intake levels through the whole platform under a controlled clock: counts crossing 200, 500 and 1,000 raise the
 * level and tell leaders and supervisors once each (mail received by a real SMTP server, a console banner, a notice
 * on the dashboard) with the staffing required against the operators on shift; the projection warns before a
 * threshold is crossed; supervisors edit the rules (validated, audited); /metrics reports the same figures.
 */
import { operatorsOnShift } from '../../src/handoff/shift';
import { listAudit } from '../../src/store/audit';
import { ManualClock } from '../../src/store/clock';
import { recordRequest } from '../../src/store/conversations';
import type { ChannelName } from '../../src/domain/types';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer';

const LEADER = 'lanh.dao@soyte.binhphuoc.gov.vn';
const SUPERVISOR = 'giam.sat@binhphuoc.gov.vn';
const CHANNELS: ChannelName[] = ['zalo', 'messenger', 'webchat', 'app', 'email'];

/** n requests spread evenly over [from, to). */
async function addRequests(platform: TestPlatform, n: number, from: string, to: string): Promise<void> {
  const start = Date.parse(from);
  const step = (Date.parse(to) - start) / Math.max(1, n);
  await platform.store.db.transaction().execute(async (tx) => {
    for (let i = 0; i < n; i++) {
      await recordRequest(tx, { channel: CHANNELS[i % CHANNELS.length], kind: i % 7 === 0 ? 'reopened' : 'new_conversation', at: new Date(start + i * step).toISOString() });
    }
  });
}

describe('intake levels crossing 200, 500 and 1,000', () => {
  let smtp: TestSmtpServer;
  let platform: TestPlatform;
  let clock: ManualClock;
  let supervisor: StaffClient;
  let operator: StaffClient;
  const banners: Array<Record<string, unknown>> = [];
  // Yesterday evening (local) is inside the last 24 hours at 00:30; today has no pace yet, so no projection.
  const EVENING = ['2021-08-05T13:00:00Z', '2021-08-05T16:59:00Z'] as const;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    clock = new ManualClock(new Date('2021-08-05T17:30:00Z')); // 00:30 on 6 August in Bình Phước
    platform = await startTestPlatform({ SMTP_URL: smtp.url, LEADER_EMAILS: LEADER, SUPERVISOR_EMAILS: SUPERVISOR, LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' }, { clock });
    platform.bus.subscribe((e) => {
      if (e.type === 'banner') banners.push(e as Record<string, unknown>);
    });
    await createTestUser(platform.store.db, 'giamsat', 'supervisor', 'Giám sát Minh');
    const op = await createTestUser(platform.store.db, 'trucdem', 'operator', 'Trực đêm Lan');
    await createTestUser(platform.store.db, 'trucngay', 'operator', 'Trực ngày Hùng');
    supervisor = await signInAs(platform.url, 'giamsat');
    operator = await signInAs(platform.url, 'trucdem');
    // One operator on the after-hours shift of 5 August (17:00 → 07:00 on the 6th), answering a phone line.
    const res = await supervisor.request('POST', '/api/shifts', { userId: op.id, date: '2021-08-05', period: 'afterHours', phoneLine: true });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
  });

  const noticesTo = (address: string) => smtp.to(address);

  it('stays at level 1 up to 200 requests and tells nobody', async () => {
    await addRequests(platform, 199, ...EVENING);
    expect(await platform.reports.levels.check()).toBeUndefined();
    await addRequests(platform, 1, ...EVENING);
    expect(await platform.reports.levels.check()).toBeUndefined();
    const status = await platform.reports.levels.status();
    expect(status).toMatchObject({ count24h: 200, level: 1, period: 'afterHours' });
    expect(status.projected).toBeUndefined();
    expect(noticesTo(LEADER)).toHaveLength(0);
  });

  it('the 201st request — a phone call logged by an operator — raises level 2 and tells leaders and supervisors once', async () => {
    const res = await operator.request('POST', '/api/phone-calls', { callerNumber: '0912 345 678', topic: 'tiem-chung', urgency: 'none', note: 'Hỏi lịch tiêm mũi 2', outcome: 'answered' });
    expect(res.status).toBe(201);
    // Logging the call wakes the level check by itself (no explicit check here).
    await waitFor(() => noticesTo(LEADER).length === 1, 8000, 'level 2 notice');
    const mail = noticesTo(LEADER)[0];
    expect(mail.to).toEqual(expect.arrayContaining([LEADER, SUPERVISOR]));
    expect(mail.parsed.subject).toBe('[Tổng đài 1022] Cấp độ 2 (trên 200 đến 500 tin/ngày): 201 tin trong 24 giờ qua');
    const body = mail.parsed.text ?? '';
    expect(body).toContain('Mức tiếp nhận của Tổng đài 1022 đã tăng lên Cấp độ 2');
    expect(body).toContain('Số tin: 201 tin trong 24 giờ qua; 1 tin hôm nay');
    expect(body).toContain('(ngoài giờ hành chính): 2 tổng đài viên');
    expect(body).toContain('Đang trong ca lúc 00:30: 1 tổng đài viên, 1 line điện thoại, 0 người dự phòng');
    expect(body).toContain('Còn thiếu: 1 tổng đài viên');
    expect(banners).toHaveLength(1);
    expect(String(banners[0].text)).toMatch(/Cấp độ 2/);

    // The notice stays for the dashboard, and checking again sends nothing more.
    expect(await platform.reports.levels.check()).toBeUndefined();
    const status = await (await supervisor.request('GET', '/api/levels/status')).json();
    expect(status.status).toMatchObject({ level: 2, count24h: 201, countDay: 1 });
    expect(status.latestNotice).toMatchObject({ kind: 'risen', level: 2, count24h: 201 });
    await new Promise((r) => setTimeout(r, 300));
    expect(noticesTo(LEADER)).toHaveLength(1);
  });

  it('counts as "on shift" the online operators whose shift covers the moment', async () => {
    const users = await platform.store.db.selectFrom('users').select(['id', 'username']).execute();
    for (const u of users) await platform.handoff.setPresence(u.id, 'online');
    const onShift = await operatorsOnShift(platform.store.db, clock.now());
    expect(onShift.map((o) => o.displayName)).toEqual(['Trực đêm Lan']); // Trực ngày Hùng is online but has no shift
    expect(await operatorsOnShift(platform.store.db, new Date('2021-08-06T00:30:00Z'))).toEqual([]); // 07:30: the night shift ended
  });

  it('crossing 500 and then 1,000 sends one notice each', async () => {
    await addRequests(platform, 299, ...EVENING);
    expect(await platform.reports.levels.check()).toBeUndefined(); // 500: still level 2
    await addRequests(platform, 1, ...EVENING);
    expect(await platform.reports.levels.check()).toMatchObject({ kind: 'risen', level: 3, count24h: 501 });
    expect(await platform.reports.levels.check()).toBeUndefined();
    await addRequests(platform, 499, ...EVENING);
    expect(await platform.reports.levels.check()).toBeUndefined(); // 1,000: still level 3
    await addRequests(platform, 1, ...EVENING);
    expect(await platform.reports.levels.check()).toMatchObject({ kind: 'risen', level: 4, count24h: 1001 });
    await platform.cases.notifier.sendDue();
    await waitFor(() => noticesTo(SUPERVISOR).length === 3, 5000, 'three notices');
    const subjects = noticesTo(LEADER).map((m) => m.parsed.subject);
    expect(subjects).toEqual([
      '[Tổng đài 1022] Cấp độ 2 (trên 200 đến 500 tin/ngày): 201 tin trong 24 giờ qua',
      '[Tổng đài 1022] Cấp độ 3 (trên 500 đến 1.000 tin/ngày): 501 tin trong 24 giờ qua',
      '[Tổng đài 1022] Cấp độ 4 (trên 1.000 tin/ngày): 1001 tin trong 24 giờ qua',
    ]);
    // Level 4 after hours: 8 phone lines and the reserve on call.
    expect(noticesTo(LEADER)[2].parsed.text).toContain('Còn thiếu: 7 tổng đài viên, 7 line điện thoại, lực lượng dự phòng trực 24/7');
    expect(banners.map((b) => b.level)).toEqual([2, 3, 4]);
    const dashboard = await (await supervisor.request('GET', '/api/dashboard')).json();
    expect(dashboard.status).toMatchObject({ level: 4, count24h: 1001 });
    expect(dashboard.notices.map((n: { level: number }) => n.level)).toEqual([4, 3, 2]);
    expect((await operator.request('GET', '/api/dashboard')).status).toBe(403);
  });

  it('a day later the level comes down, once, to the level of the last 24 hours', async () => {
    clock.set('2021-08-06T17:10:00Z'); // 00:10 on 7 August: the evening of the 5th is out of the window
    const notice = await platform.reports.levels.check();
    expect(notice).toMatchObject({ kind: 'lowered', level: 1 });
    expect(await platform.reports.levels.check()).toBeUndefined();
    await waitFor(() => noticesTo(LEADER).length === 4, 5000, 'lowered notice');
    expect(noticesTo(LEADER)[3].parsed.text).toContain('đã giảm xuống Cấp độ 1');
  });

  it('/metrics reports the counts, the level, the queue and the backlog for Prometheus', async () => {
    const res = await fetch(`${platform.url}/metrics`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await res.text();
    expect(text).toMatch(/^hotline1022_requests_last_24h 1$/m); // the phone call of 00:30 on the 6th
    expect(text).toMatch(/^hotline1022_level 1$/m);
    expect(text).toMatch(/^hotline1022_queue_waiting\{urgency="none"\} 0$/m);
    expect(text).toMatch(/^hotline1022_notifications\{status="pending"\} \d+$/m);
    expect(text).toMatch(/^hotline1022_urgent_cases_open 0$/m);
    expect(text).toMatch(/^hotline1022_process_resident_memory_bytes \d+/m);
  });

  it('lets a supervisor edit thresholds and staffing, validated and written to the audit log', async () => {
    // The clock moved a day on: yesterday's sessions have expired.
    supervisor = await signInAs(platform.url, 'giamsat');
    operator = await signInAs(platform.url, 'trucdem');
    const current = await (await supervisor.request('GET', '/api/levels/rules')).json();
    expect(current.source).toBe('file');
    const bad = JSON.parse(JSON.stringify(current.rules));
    bad.levels[1].above = 900;
    bad.levels[1].staffing.officeHours.operators = 2.5;
    const refused = await supervisor.request('PUT', '/api/levels/rules', { rules: bad });
    expect(refused.status).toBe(400);
    const why = await refused.json();
    expect(why.problems.join('\n')).toMatch(/ngưỡng cấp độ 3 phải lớn hơn ngưỡng cấp độ 2/);
    expect(why.problems.join('\n')).toMatch(/số nguyên/);
    expect((await operator.request('PUT', '/api/levels/rules', { rules: current.rules })).status).toBe(403);

    const edited = JSON.parse(JSON.stringify(current.rules));
    edited.levels[1].above = 250;
    edited.levels[0].staffing.afterHours.operators = 2;
    const saved = await supervisor.request('PUT', '/api/levels/rules', { rules: edited });
    expect(saved.status).toBe(200);
    expect((await platform.reports.levels.rules()).levels[1].above).toBe(250);
    const [entry] = await listAudit(platform.store.db, { targetId: 'rules' });
    expect(entry).toMatchObject({ action: 'levels.update', actorId: supervisor.user.id });
    expect((entry.detail.after as { levels: Array<{ above: number }> }).levels[1].above).toBe(250);
    expect((entry.detail.before as { levels: Array<{ above: number }> }).levels[1].above).toBe(200);
    expect((await supervisor.request('POST', '/api/levels/rules/reset')).status).toBe(200);
    expect((await platform.reports.levels.rules()).levels[1].above).toBe(200);
  });
});

describe('projection of the day', () => {
  let smtp: TestSmtpServer;
  let platform: TestPlatform;
  let clock: ManualClock;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    clock = new ManualClock(new Date('2021-08-06T03:00:00Z')); // 10:00 local
    platform = await startTestPlatform({ SMTP_URL: smtp.url, LEADER_EMAILS: LEADER, SUPERVISOR_EMAILS: SUPERVISOR, LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' }, { clock });
  });
  afterAll(async () => {
    await platform?.stop();
    await smtp?.close();
  });

  it('warns in the morning that the day will pass a threshold, while the count is still below it', async () => {
    await addRequests(platform, 150, '2021-08-06T00:00:00Z', '2021-08-06T03:00:00Z'); // 07:00–10:00 local
    const notice = await platform.reports.levels.check();
    expect(notice).toMatchObject({ kind: 'projected', countDay: 150, count24h: 150 });
    expect(notice!.level).toBeGreaterThanOrEqual(2);
    expect(notice!.projected!).toBeGreaterThan(200);
    const status = await platform.reports.levels.status();
    expect(status.level).toBe(1); // the level in force has not changed yet
    await waitFor(() => smtp.to(LEADER).length === 1, 5000, 'projection warning');
    expect(smtp.to(LEADER)[0].parsed.subject).toMatch(/^\[Tổng đài 1022\] Cảnh báo: dự kiến Cấp độ \d .* trong hôm nay \(\d+ tin\)$/);
    expect(smtp.to(LEADER)[0].parsed.text).toContain(`150 tin hôm nay tính từ 0 giờ (06/08/2021); dự kiến cả ngày: ${notice!.projected}`);

    // The same pace a little later is no news.
    clock.set('2021-08-06T03:10:00Z');
    await addRequests(platform, 8, '2021-08-06T03:00:00Z', '2021-08-06T03:10:00Z');
    expect(await platform.reports.levels.check()).toBeUndefined();

    // Crossing 200 later on is told as the level itself changing.
    clock.set('2021-08-06T03:40:00Z');
    await addRequests(platform, 50, '2021-08-06T03:10:00Z', '2021-08-06T03:40:00Z');
    expect(await platform.reports.levels.check()).toMatchObject({ kind: 'risen', level: 2, countDay: 208 });
    await waitFor(() => smtp.to(LEADER).length === 2, 5000, 'level 2 notice');
  });
});

describePg('level notices with two instances on PostgreSQL', () => {
  it('announces a change once when both instances see it at the same moment', async () => {
    const smtp = await startSmtpServer();
    const database = await createPgDatabase();
    const clock = new ManualClock(new Date('2021-08-05T17:30:00Z'));
    const env = { DATABASE_URL: database.url, SMTP_URL: smtp.url, LEADER_EMAILS: LEADER, LEVEL_CHECK_SECONDS: '3600', CASE_TICK_SECONDS: '3600' };
    const a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' }, { clock });
    const b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' }, { clock });
    try {
      await addRequests(a, 150, '2021-08-05T13:00:00Z', '2021-08-05T16:59:00Z');
      await Promise.all([a.reports.levels.check(), b.reports.levels.check()]); // level 1: settled silently
      await addRequests(a, 60, '2021-08-05T13:00:00Z', '2021-08-05T16:59:00Z');
      const notices = (await Promise.all([a.reports.levels.check(), b.reports.levels.check(), a.reports.levels.check(), b.reports.levels.check()])).filter(Boolean);
      expect(new Set(notices.map((n) => n!.id)).size).toBe(1);
      await a.cases.notifier.sendDue();
      await b.cases.notifier.sendDue();
      await waitFor(() => smtp.to(LEADER).length === 1, 5000, 'one notice');
      await new Promise((r) => setTimeout(r, 300));
      expect(smtp.to(LEADER)).toHaveLength(1);
      const rows = await a.store.db.selectFrom('level_notices').select(['level', 'kind']).execute();
      expect(rows).toEqual([{ level: 2, kind: 'risen' }]);
    } finally {
      await b.stop();
      await a.stop();
      await database.drop();
      await smtp.close();
    }
  });
});
