/**
 * Urgent cases without the web: created on the first verdict, routed, filled by the dialog, sent at once for an
 * emergency or when complete, at the deadline otherwise; escalated once when nobody acknowledged in time.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createCaseModule, type CaseModule } from '../../src/cases';
import type { AgencyContact, AgencyRouting } from '../../src/cases/agencies';
import { caseTextsFrom } from '../../src/cases/texts';
import { loadTemplates } from '../../src/kb/templates';
import type { OutgoingMail } from '../../src/notify/mailer';
import { LocalEventBus, type PlatformEvent } from '../../src/pipeline/events';
import type { TurnContextInfo } from '../../src/pipeline/pipeline';
import { ManualClock } from '../../src/store/clock';
import { resolveContact } from '../../src/store/contacts';
import { getConversation, openConversation, setConversationState } from '../../src/store/conversations';
import { migrate, openDatabase, type DbHandle } from '../../src/store/db';
import { insertMessage } from '../../src/store/messages';

const AGENCIES: AgencyContact[] = [
  { id: 'so-y-te', name: 'Sở Y tế tỉnh Bình Phước', emails: ['soyte@example.vn'], phones: ['02713870000'] },
  { id: 'ttyt-bu-dang', name: 'Trung tâm Y tế huyện Bù Đăng', emails: ['ttyt.budang@example.vn'], phones: [] },
  { id: 'ttyt-dong-xoai', name: 'Trung tâm Y tế thành phố Đồng Xoài', emails: ['ttyt.dongxoai@example.vn'], phones: [] },
];
const DISTRICTS: Record<string, { id: string; name: string; agency: string }> = {
  'bu dang': { id: 'bu-dang', name: 'huyện Bù Đăng', agency: 'ttyt-bu-dang' },
  'dong xoai': { id: 'dong-xoai', name: 'thành phố Đồng Xoài', agency: 'ttyt-dong-xoai' },
};
const fold = (s: string) => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/gi, 'd').toLowerCase();

const directory: AgencyRouting = {
  route: ({ level, districtId }) => {
    const d = Object.values(DISTRICTS).find((x) => x.id === districtId);
    return AGENCIES.find((a) => a.id === (level === 'emergency' || !d ? 'so-y-te' : d.agency));
  },
  agencyById: (id) => AGENCIES.find((a) => a.id === id),
  provincePoint: () => AGENCIES[0],
  findArea: (text) => {
    const key = Object.keys(DISTRICTS).find((k) => fold(text).includes(k));
    return key ? { districtId: DISTRICTS[key].id, districtName: DISTRICTS[key].name } : undefined;
  },
  list: () => AGENCIES,
};

describe('urgent cases', () => {
  let store: DbHandle;
  let cases: CaseModule;
  let clock: ManualClock;
  let bus: LocalEventBus;
  const mails: OutgoingMail[] = [];
  const events: PlatformEvent[] = [];

  beforeAll(async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cases-unit-'));
    store = openDatabase({ dataDir: dir });
    await migrate(store.db);
  });
  afterAll(async () => {
    await cases.stop();
    await store.close();
  });

  beforeEach(async () => {
    // Each test starts with no open case and no queued mail of an earlier one.
    await store.db.updateTable('cases').set({ status: 'closed', closed_at: '2021-01-01T00:00:00.000Z' }).where('closed_at', 'is', null).execute();
    await store.db.deleteFrom('notifications').execute();
    clock = new ManualClock(new Date('2021-08-06T02:00:00Z'));
    bus = new LocalEventBus();
    bus.subscribe((e) => events.push(e));
    mails.length = 0;
    events.length = 0;
    cases = createCaseModule({
      store,
      clock,
      bus,
      log: { info() {}, warn() {}, error() {} },
      agencies: directory,
      texts: caseTextsFrom(loadTemplates(path.resolve(__dirname, '../../knowledge-base/templates.yaml'))),
      extract: (text) => {
        const phone = /0\d{9}/.exec(text)?.[0];
        const area = directory.findArea(text);
        return { ...(phone && { phone }), ...(area && { district: area.districtName }) };
      },
      settings: {
        timeZone: 'Asia/Ho_Chi_Minh',
        notifyAfterMinutes: 3,
        ackSlaMinutes: 15,
        supervisorEmails: ['truongca@example.vn'],
        linkTtlHours: 72,
        publicUrl: () => 'http://localhost:3000',
        secret: 'secret',
      },
      mailer: { send: async (m) => { mails.push(m); return {}; }, close() {} },
      instance: 'test',
    });
  });

  /** A citizen message run through the hooks as the pipeline would (one transaction, then the commit event). */
  async function turn(conversationId: string | undefined, text: string, verdict: TurnContextInfo['verdict'], effect?: Record<string, unknown>) {
    clock.advance(1000);
    const at = clock.now().toISOString();
    const info = await store.db.transaction().execute(async (tx) => {
      let conversation = conversationId ? await getConversation(tx, conversationId) : undefined;
      if (!conversation) {
        const contactId = await resolveContact(tx, 'app', `u-${Math.random()}`, {}, at);
        conversation = await openConversation(tx, { contactId, channel: 'app', externalUserId: 'u', externalThreadId: `t-${Math.random()}`, at });
      }
      const message = await insertMessage(tx, { conversationId: conversation.id, channel: 'app', direction: 'in', author: 'citizen', text, status: 'received', at, externalId: `m-${Math.random()}` });
      const info: TurnContextInfo = { conversation, message, verdict, now: at, written: [] };
      if (verdict.level !== 'none') await cases.hooks.onUrgent(tx, info);
      if (effect) await cases.hooks.effects.urgentCase(tx, { type: 'urgentCase', ...effect } as never, info);
      return info;
    });
    bus.publish({ type: 'message.created', conversationId: info.conversation.id, messageId: info.message.id, direction: 'in', author: 'citizen' });
    return info.conversation.id;
  }
  const caseOf = async (conversationId: string) => (await cases.desk.list({ conversationId }, 'operator'))[0];

  it('creates one case on the first urgent verdict, routed to the district centre, and sends it at the deadline', async () => {
    const conv = await turn(undefined, 'Tôi bị sốt và ho từ hôm qua, ở Bù Đăng', { level: 'urgent', symptoms: ['sốt', 'ho'] });
    let c = await caseOf(conv);
    expect(c).toMatchObject({ kind: 'urgent', level: 'urgent', status: 'open', agency: { id: 'ttyt-bu-dang' }, symptoms: ['sốt', 'ho'], details: { district: 'huyện Bù Đăng' } });
    expect(c.code).toMatch(/^KC-[0-9A-F]{6}$/);
    expect(await cases.timers.tick()).toMatchObject({ notified: 0, mailed: 0 });
    expect(mails).toHaveLength(0);

    await turn(conv, 'mất vị giác nữa', { level: 'urgent', symptoms: ['mất vị giác'] });
    expect(await cases.desk.list({ conversationId: conv }, 'operator')).toHaveLength(1);
    clock.advance(3 * 60_000);
    expect(await cases.timers.tick()).toMatchObject({ notified: 1, mailed: 1 });
    expect(mails[0].to).toEqual(['ttyt.budang@example.vn']);
    expect(mails[0].subject).toContain(c.code);
    expect(mails[0].text).toContain('sốt, ho, mất vị giác');
    expect(mails[0].text).toContain('Tôi bị sốt và ho từ hôm qua');
    c = await caseOf(conv);
    expect(c.status).toBe('notified');
    // Nothing is sent twice.
    clock.advance(60_000);
    expect(await cases.timers.tick()).toMatchObject({ notified: 0, mailed: 0 });
    expect(events.some((e) => e.type === 'case.updated' && e.caseId === c.id)).toBe(true);
  });

  it('sends an emergency to the province point at once', async () => {
    const conv = await turn(undefined, 'Mẹ tôi khó thở, SpO2 92, ở Đồng Xoài', { level: 'emergency', symptoms: ['khó thở', 'SpO2 thấp'] });
    const c = await caseOf(conv);
    expect(c).toMatchObject({ level: 'emergency', status: 'notified', agency: { id: 'so-y-te' } });
    await cases.notifier.sendDue();
    expect(mails.map((m) => m.to)).toEqual([['soyte@example.vn']]);
    expect(mails[0].subject).toContain('cấp cứu');
  });

  it('re-routes when the dialog tells the district, and sends once the details are complete', async () => {
    const conv = await turn(undefined, 'con tôi bị sốt', { level: 'urgent', symptoms: ['sốt'] });
    expect((await caseOf(conv)).agency?.id).toBe('so-y-te'); // district unknown yet
    await turn(conv, 'Dong Xoai, phuong Tan Phu', { level: 'none', symptoms: [] }, { level: 'urgent', symptoms: ['sốt'], details: { who: 'con trai', onset: 'hôm qua', district: 'Dong Xoai' }, complete: false });
    let c = await caseOf(conv);
    expect(c).toMatchObject({ agency: { id: 'ttyt-dong-xoai' }, status: 'open', details: { who: 'con trai', district: 'thành phố Đồng Xoài' } });
    await turn(conv, '0912345678', { level: 'none', symptoms: [] }, { level: 'urgent', symptoms: ['sốt'], details: { who: 'con trai', onset: 'hôm qua', district: 'Dong Xoai', phone: '0912345678' }, complete: true });
    c = await caseOf(conv);
    expect(c.status).toBe('notified');
    await cases.notifier.sendDue();
    expect(mails).toHaveLength(1);
    expect(mails[0].to).toEqual(['ttyt.dongxoai@example.vn']);
    expect(mails[0].text).toContain('0912345678');
    expect(mails[0].text).toMatch(/con tôi bị sốt\n.*Dong Xoai, phuong Tan Phu\n.*0912345678/);
    const detail = await cases.desk.detail(c.id, 'operator');
    expect(detail.timeline.map((e) => e.action)).toEqual(expect.arrayContaining(['created', 'routed', 'updated', 'notified', 'mail.sent']));
    // Editors do not see personal data.
    expect((await cases.desk.detail(c.id, 'editor')).details.phone).toBeUndefined();
  });

  it('escalates an unacknowledged case once to the supervisors and the province point; an acknowledged one never', async () => {
    const late = await turn(undefined, 'tôi sốt cao', { level: 'emergency', symptoms: ['sốt cao'] });
    const onTime = await turn(undefined, 'chồng tôi khó thở', { level: 'emergency', symptoms: ['khó thở'] });
    const acked = await caseOf(onTime);
    clock.advance(5 * 60_000);
    await cases.urgent.acknowledge(acked.id, { id: 'op-1', displayName: 'Trực ban A' });
    await expect(cases.urgent.acknowledge(acked.id, { id: 'op-2', displayName: 'B' })).rejects.toMatchObject({ status: 409 });
    clock.advance(9 * 60_000);
    expect((await cases.timers.tick()).escalated).toBe(0);
    clock.advance(2 * 60_000);
    mails.length = 0;
    expect((await cases.timers.tick()).escalated).toBe(1);
    const escalation = mails.find((m) => m.subject.includes('Chưa được tiếp nhận'));
    expect(escalation?.to).toEqual(['truongca@example.vn', 'soyte@example.vn']);
    const c = await caseOf(late);
    expect(c.escalatedAt).toBeTruthy();
    expect(c.overdue).toBe(true);
    clock.advance(60 * 60_000);
    expect((await cases.timers.tick()).escalated).toBe(0);
    expect((await caseOf(onTime)).escalatedAt).toBeNull();
  });

  it('alerts the operator with an internal message while an operator holds the conversation', async () => {
    const conv = await turn(undefined, 'xin chào', { level: 'none', symptoms: [] });
    await setConversationState(store.db, conv, 'human', clock.now().toISOString(), { assigneeId: 'op-1' });
    await turn(conv, 'em bị khó thở quá', { level: 'emergency', symptoms: ['khó thở'] });
    const notes = await store.db.selectFrom('messages').selectAll().where('conversation_id', '=', conv).where('internal', '=', 1).execute();
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ author: 'system', text: 'Tin nhắn có dấu hiệu khẩn cấp: khó thở' });
    const outbox = await store.db.selectFrom('outbox').selectAll().where('conversation_id', '=', conv).execute();
    expect(outbox).toHaveLength(0);
    expect(events).toContainEqual(expect.objectContaining({ type: 'message.created', messageId: notes[0].id, internal: true }));
  });

  it('keeps the mail queued while SMTP fails and sends it on a later try', async () => {
    let fail = true;
    const sent: OutgoingMail[] = [];
    const flaky = createCaseModule({
      store,
      clock,
      bus,
      log: { info() {}, warn() {}, error() {} },
      agencies: directory,
      texts: caseTextsFrom(loadTemplates(path.resolve(__dirname, '../../knowledge-base/templates.yaml'))),
      extract: () => ({}),
      settings: { timeZone: 'Asia/Ho_Chi_Minh', notifyAfterMinutes: 3, ackSlaMinutes: 15, supervisorEmails: [], linkTtlHours: 72, publicUrl: () => 'http://x', secret: 's' },
      mailer: {
        send: async (m) => {
          if (fail) throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:2525'), { code: 'ECONNECTION' });
          sent.push(m);
          return {};
        },
        close() {},
      },
      instance: 'flaky',
      notifierOptions: { baseDelayMs: 1000, maxDelayMs: 1000 },
    });
    const previous = cases;
    cases = flaky;
    const conv = await turn(undefined, 'khó thở', { level: 'emergency', symptoms: ['khó thở'] });
    await flaky.notifier.sendDue();
    const row = await store.db.selectFrom('notifications').selectAll().where('case_id', '=', (await caseOf(conv)).id).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'pending', attempts: 1 });
    expect(row.last_error).toContain('ECONNREFUSED');
    fail = false;
    clock.advance(1500);
    await flaky.notifier.sendDue();
    expect(sent).toHaveLength(1);
    await flaky.stop();
    cases = previous;
  });
});
