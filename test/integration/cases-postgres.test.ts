/**
 * Case timers on two instances sharing one PostgreSQL database: ticking at the same moment, each deadline
 * notification, escalation and reminder is sent by exactly one of them.
 */
import path from 'node:path';
import { loadAgencyDirectory } from '../../src/cases/agencyDirectory';
import { triage } from '../../src/nlp/triage';
import { ManualClock } from '../../src/store/clock';
import { startRecordingServer } from '../support/callbackServer';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';
import { startSmtpServer, type TestSmtpServer } from '../support/smtpServer';

const TOKEN = 'cases-pg-token';
const directory = loadAgencyDirectory(path.resolve(__dirname, '../../knowledge-base/agencies.yaml'));
const PROVINCE = directory.agencyById('so-y-te')!.emails[0];
const SUPERVISOR = 'giam.sat@example.vn';

describePg('case timers on two PostgreSQL instances', () => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let a: TestPlatform;
  let b: TestPlatform;
  let smtp: TestSmtpServer;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  const clock = new ManualClock(new Date('2021-08-12T03:00:00Z'));

  beforeAll(async () => {
    pg = await createPgDatabase();
    smtp = await startSmtpServer();
    callback = await startRecordingServer();
    const env = { DATABASE_URL: pg.url, APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, SMTP_URL: smtp.url, SUPERVISOR_EMAILS: SUPERVISOR, CASE_TICK_SECONDS: '3600' };
    a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' }, { clock, triage });
    b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' }, { clock, triage });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await smtp?.close();
    await callback?.close();
    await pg?.drop();
  });

  it('sends each due notification and escalation once', async () => {
    const texts = ['Con em sốt và ho từ sáng nay', 'Em bị mất vị giác, ho khan 2 ngày nay', 'Vợ tôi sốt, đau họng'];
    const conversations: string[] = [];
    for (const [i, text] of texts.entries()) {
      const res = await fetch(`${(i % 2 ? a : b).url}/api/v1/app/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: `pg-u${i}`, messageId: `pg-m${i}`, text }),
      });
      conversations.push((await res.json()).conversationId);
    }
    await Promise.all([a.settle(), b.settle()]);
    const cases = (await a.store.db.selectFrom('cases').select(['id', 'code', 'status']).where('conversation_id', 'in', conversations).execute()).map((c) => ({ ...c, code: c.code ?? '' }));
    expect(cases).toHaveLength(3);
    expect(cases.every((c) => c.status === 'open')).toBe(true);

    const listed = await b.cases.desk.list({ open: true, kind: 'urgent' }, 'operator');
    expect(listed.filter((c) => conversations.includes(c.conversationId!))).toHaveLength(3);

    clock.advance(3 * 60_000 + 1000);
    await Promise.all([a.cases.timers.tick(), b.cases.timers.tick(), a.cases.timers.tick(), b.cases.timers.tick()]);
    await waitFor(() => smtp.received.filter((m) => cases.some((c) => m.parsed.subject?.includes(c.code))).length >= 3, 5000, 'three case mails');
    const kinds = async (kind: string) =>
      Number((await a.store.db.selectFrom('notifications').select((e) => e.fn.countAll().as('n')).where('kind', '=', kind).where('case_id', 'in', cases.map((c) => c.id)).executeTakeFirstOrThrow()).n);
    expect(await kinds('urgent')).toBe(3);

    clock.advance(15 * 60_000);
    await Promise.all([a.cases.timers.tick(), b.cases.timers.tick(), a.cases.timers.tick(), b.cases.timers.tick()]);
    expect(await kinds('escalation')).toBe(3);
    await waitFor(() => smtp.to(SUPERVISOR).length >= 3, 5000, 'escalation mails');
    await new Promise((r) => setTimeout(r, 200));
    for (const c of cases) {
      expect(smtp.received.filter((m) => m.parsed.subject?.includes(c.code))).toHaveLength(2); // the case, its escalation
      expect(smtp.to(PROVINCE).filter((m) => m.parsed.subject?.includes(c.code) && /Chưa được tiếp nhận/.test(m.parsed.subject!))).toHaveLength(1);
    }
  });
});
