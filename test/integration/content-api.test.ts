/**
 * The content team's API on the real platform: the draft → review → published workflow with a second person, the
 * bot answering with the published text on the app channel, history and rollback, archive, who may do what, and
 * an audit_log entry for every change.
 */
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'app-token-content-api';

describe('content workspace API', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let lan: StaffClient; // editor
  let minh: StaffClient; // second editor
  let sup: StaffClient; // supervisor
  let op: StaffClient; // operator
  let admin: StaffClient;
  let seq = 0;
  let originalAnswer = '';

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform({ APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-content' });
    const db = platform.store.db;
    await createTestUser(db, 'lan', 'editor', 'Trần Thị Lan');
    await createTestUser(db, 'minh', 'editor', 'Lê Văn Minh');
    await createTestUser(db, 'giamsat', 'supervisor', 'Phạm Giám Sát');
    await createTestUser(db, 'trucban', 'operator', 'Nguyễn Trực Ban');
    await createTestUser(db, 'quantri', 'admin', 'Quản Trị');
    [lan, minh, sup, op, admin] = await Promise.all(['lan', 'minh', 'giamsat', 'trucban', 'quantri'].map((u) => signInAs(platform.url, u)));
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
    await callback?.close();
  });

  const json = async (res: Response) => ({ status: res.status, body: (await res.json().catch(() => ({}))) as any });
  const askBot = async (text: string) => {
    const userId = `citizen-${++seq}`;
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `m-${seq}`, text }),
    });
    expect(res.status).toBe(202);
    const reply = await waitFor(() => callback.received.find((r) => r.json?.userId === userId), 5000, 'bot reply');
    return reply.json.text as string;
  };
  const auditActions = async (targetId: string) =>
    (await platform.store.db.selectFrom('audit_log').select(['action', 'actor_id']).where('target_id', '=', targetId).orderBy('at').execute()).map((r) => r.action);

  it('edit → review → publish by a second person: the bot answers with the new text within a second', async () => {
    const before = await json(await lan.request('GET', '/api/content/entries/cach-ly-010'));
    expect(before.status).toBe(200);
    expect(before.body.live.status).toBe('published');
    originalAnswer = before.body.entry.answer;
    const newAnswer = 'Dạ, hết thời gian cách ly, anh/chị được Trạm Y tế xã/phường cấp giấy chứng nhận hoàn thành cách ly trong ngày, bản giấy hoặc bản điện tử trên ứng dụng PC-Covid ạ.';
    const saved = await json(await lan.request('PUT', '/api/content/entries/cach-ly-010', { entry: { ...before.body.entry, answer: newAnswer }, baseVersion: before.body.version }));
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ status: 'draft', changed: true, problems: [] });

    // The bot still serves the live text while the change is a draft.
    expect(await askBot('Hết thời gian cách ly có được cấp giấy chứng nhận không?')).toBe(originalAnswer);

    expect((await json(await lan.request('POST', '/api/content/entries/cach-ly-010/submit'))).body.status).toBe('review');
    // The author cannot publish their own change.
    const own = await json(await lan.request('POST', '/api/content/entries/cach-ly-010/publish'));
    expect(own.status).toBe(403);
    expect(own.body.problems[0].message).toMatch(/người khác|biên tập viên hoặc giám sát khác/);

    const started = Date.now();
    const published = await json(await minh.request('POST', '/api/content/entries/cach-ly-010/publish'));
    expect(published.status).toBe(200);
    expect(published.body.published).toEqual(['cach-ly-010']);
    await waitFor(() => platform.knowledge.index.current.entries.get('cach-ly-010')?.answer === newAnswer, 1000, 'new index live');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await askBot('het cach ly co dc cap giay chung nhan ko')).toBe(newAnswer);

    expect(await auditActions('cach-ly-010')).toEqual(['kb.entry.edit', 'kb.entry.submit', 'kb.entry.publish']);
    const history = await json(await minh.request('GET', '/api/content/entries/cach-ly-010/history'));
    expect(history.body.versions.map((v: any) => v.action)).toEqual(['publish', 'submit', 'edit', 'seed']);
    const edit = history.body.versions[2];
    expect(edit.authorName).toBe('Trần Thị Lan');
    const answerDiff = edit.changes.find((c: any) => c.field === 'answer');
    expect(answerDiff.segments.some((s: any) => s.op === 'ins' && s.text.includes('PC-Covid'))).toBe(true);
    expect(answerDiff.segments.some((s: any) => s.op === 'del')).toBe(true);
  });

  it('rolls back to an earlier version as a new version, which goes through review again', async () => {
    const rolled = await json(await minh.request('POST', '/api/content/entries/cach-ly-010/rollback', { version: 1 }));
    expect(rolled.status).toBe(200);
    expect(rolled.body.status).toBe('draft');
    const detail = await json(await minh.request('GET', '/api/content/entries/cach-ly-010'));
    expect(detail.body.working.entry.answer).toBe(originalAnswer);
    expect(detail.body.live.entry.answer).toMatch(/PC-Covid/);
    await minh.request('POST', '/api/content/entries/cach-ly-010/submit');
    expect((await minh.request('POST', '/api/content/entries/cach-ly-010/publish')).status).toBe(403);
    expect((await sup.request('POST', '/api/content/entries/cach-ly-010/publish')).status).toBe(200);
    await waitFor(() => platform.knowledge.index.current.entries.get('cach-ly-010')?.answer === originalAnswer, 1000, 'rolled back text live');
    const history = await json(await sup.request('GET', '/api/content/entries/cach-ly-010/history'));
    expect(history.body.versions[2]).toMatchObject({ action: 'rollback', actionArg: '1' });
    expect(await auditActions('cach-ly-010')).toContain('kb.entry.rollback');
  });

  it('creates a new entry: refused for review while incomplete, then published and found by the bot', async () => {
    const created = await json(await lan.request('POST', '/api/content/entries', { entry: { topic: 'tong-dai-1022', question: 'Tổng đài 1022 có hỗ trợ người khiếm thính không?', answer: 'Dạ, người khiếm thính có thể nhắn tin cho Tổng đài 1022 qua Zalo, Messenger hoặc ứng dụng Bình Phước Today ạ.' } }));
    expect(created.status).toBe(201);
    expect(created.body.id).toMatch(/^tong-dai-1022-\d{3}$/);
    expect(created.body.problems.map((p: any) => p.field)).toEqual(expect.arrayContaining(['alternatives', 'source.issuer', 'source.date', 'reviewedAt']));
    const id = created.body.id as string;
    const refused = await json(await lan.request('POST', `/api/content/entries/${id}/submit`));
    expect(refused.status).toBe(422);
    expect(refused.body.problems.some((p: any) => /ít nhất 2 cách hỏi khác/.test(p.message))).toBe(true);

    const detail = await json(await lan.request('GET', `/api/content/entries/${id}`));
    const complete = {
      ...detail.body.entry,
      alternatives: ['Người điếc liên hệ tổng đài 1022 thế nào?', 'nguoi khiem thinh lien he 1022 sao'],
      source: { issuer: 'UBND tỉnh Bình Phước', document: 'Kế hoạch 123/KH-UBND', date: '2021-08-01' },
      reviewedAt: '2021-09-01',
    };
    expect((await lan.request('PUT', `/api/content/entries/${id}`, { entry: complete, baseVersion: detail.body.version })).status).toBe(200);
    expect((await lan.request('POST', `/api/content/entries/${id}/submit`)).status).toBe(200);
    expect((await sup.request('POST', '/api/content/publish', { all: true })).status).toBe(200);
    await waitFor(() => platform.knowledge.index.current.entries.has(id), 1000, 'new entry live');
    expect(await askBot('nguoi khiem thinh lien he tong dai 1022 the nao')).toContain('khiếm thính');
  });

  it('refuses a stale edit instead of overwriting someone else’s', async () => {
    const d = await json(await lan.request('GET', '/api/content/entries/cach-ly-001'));
    expect((await minh.request('PUT', '/api/content/entries/cach-ly-001', { entry: { ...d.body.entry, keywords: [...d.body.entry.keywords, 'F3'] }, baseVersion: d.body.version })).status).toBe(200);
    const stale = await json(await lan.request('PUT', '/api/content/entries/cach-ly-001', { entry: { ...d.body.entry, answer: 'khác' }, baseVersion: d.body.version }));
    expect(stale.status).toBe(409);
    expect(stale.body.message).toMatch(/vừa được người khác sửa/);
    expect((await minh.request('POST', '/api/content/entries/cach-ly-001/discard')).status).toBe(200);
  });

  it('archives a published entry: the bot stops using it on publish', async () => {
    expect(platform.knowledge.index.current.entries.has('cach-ly-003')).toBe(true);
    expect((await lan.request('POST', '/api/content/entries/cach-ly-003/archive')).status).toBe(200);
    await waitFor(() => !platform.knowledge.index.current.entries.has('cach-ly-003'), 1000, 'archived entry gone from the live index');
    const list = await json(await lan.request('GET', '/api/content/entries?status=archived'));
    expect(list.body.items.map((i: any) => i.id)).toContain('cach-ly-003');
    expect(await auditActions('cach-ly-003')).toEqual(['kb.entry.archive']);
  });

  it('searches without diacritics, filters by topic, status and review date, and flags overdue reviews', async () => {
    const r = await json(await lan.request('GET', `/api/content/entries?q=${encodeURIComponent('tiem vacxin o dau')}&size=5`));
    expect(r.body.items[0].topic).toBe('tiem-chung');
    const topic = await json(await lan.request('GET', '/api/content/entries?topic=tre-em&size=500'));
    expect(topic.body.total).toBeGreaterThan(3);
    expect(topic.body.items.every((i: any) => i.topic === 'tre-em')).toBe(true);
    // The seed base was reviewed in 2021: every entry is past the 180-day review period.
    const overdue = await json(await lan.request('GET', '/api/content/entries?review=overdue&size=1'));
    expect(overdue.body.total).toBeGreaterThan(150);
    const before = await json(await lan.request('GET', '/api/content/entries?reviewedBefore=2021-09-01&size=500'));
    expect(before.body.items.every((i: any) => i.reviewedAt < '2021-09-01' && i.overdue)).toBe(true);
  });

  it('"Thử câu hỏi" compares the published base with the draft base', async () => {
    const d = await json(await lan.request('GET', '/api/content/entries/tre-em-001'));
    const entry = { ...d.body.entry, alternatives: [...d.body.entry.alternatives, 'be nha em bi sot phat ban sau tiem thi sao'] };
    await lan.request('PUT', '/api/content/entries/tre-em-001', { entry, baseVersion: d.body.version });
    const tried = await json(await lan.request('POST', '/api/content/try', { text: 'be nha em bi sot phat ban sau tiem thi sao' }));
    expect(tried.status).toBe(200);
    expect(tried.body.draft.matches[0].id).toBe('tre-em-001');
    expect(tried.body.draft.matches[0].status).toBe('draft');
    expect(tried.body.draft.matches[0].score).toBeGreaterThan(tried.body.published.matches.find((m: any) => m.id === 'tre-em-001')?.score ?? 0);
    expect(['answer', 'suggest', 'fallback']).toContain(tried.body.published.decision);
    await lan.request('POST', '/api/content/entries/tre-em-001/discard');
  });

  it('shows an answer as each channel will', async () => {
    const long = `${'Dạ, anh/chị vui lòng liên hệ Trạm Y tế xã để được hướng dẫn. '.repeat(40)}Gọi 1022 khi cần.`;
    const p = await json(await lan.request('POST', '/api/content/preview', { answer: long, question: 'Tôi cần làm gì?' }));
    expect(p.status).toBe(200);
    expect(p.body.messenger.length).toBeGreaterThan(2); // split under Messenger's 2,000 characters, then the feedback question
    expect(p.body.messenger.every((b: any) => b.text.length < 2000)).toBe(true);
    expect(p.body.messenger.at(-1).buttons).toEqual(['Có', 'Không']);
    expect(p.body.email.subject).toBe('Re: Tôi cần làm gì?');
    expect(p.body.voice.join(' ')).toMatch(/một không hai hai/);
    expect(p.body.voice.join(' ')).not.toMatch(/1022/);
  });

  it('lets operators read the published base only, and nobody but editors and supervisors change it', async () => {
    const list = await json(await op.request('GET', '/api/content/entries?q=f1&size=5'));
    expect(list.status).toBe(200);
    expect(list.body.items.every((i: any) => i.status === 'published')).toBe(true);
    expect((await op.request('GET', '/api/content/entries/cach-ly-001')).status).toBe(200);
    // An operator cannot edit, submit, publish, import or see history.
    const d = await json(await lan.request('GET', '/api/content/entries/cach-ly-004'));
    expect((await op.request('PUT', '/api/content/entries/cach-ly-004', { entry: d.body.entry })).status).toBe(403);
    expect((await op.request('POST', '/api/content/entries/cach-ly-004/publish')).status).toBe(403);
    expect((await op.request('POST', '/api/content/publish', { all: true })).status).toBe(403);
    expect((await op.request('GET', '/api/content/entries/cach-ly-004/history')).status).toBe(403);
    expect((await op.request('POST', '/api/content/try', { text: 'f1' })).status).toBe(403);
    // An admin manages accounts only.
    expect((await admin.request('GET', '/api/content/entries')).status).toBe(403);
    expect((await admin.request('POST', '/api/content/entries/cach-ly-004/archive')).status).toBe(403);
    // An editor cannot act as an admin (accounts) or as an operator (queue, conversations).
    expect((await lan.request('GET', '/api/console/users')).status).toBe(403);
    expect((await lan.request('POST', '/api/console/users', { username: 'moi', role: 'admin', displayName: 'x', password: 'mat-khau-dai-1234' })).status).toBe(403);
    expect((await lan.request('GET', '/api/console/queue')).status).toBe(403);
    expect((await lan.request('PUT', '/api/console/presence', { presence: 'online' })).status).toBe(403);
    // Without the CSRF header nothing changes.
    expect((await lan.request('POST', '/api/content/entries/cach-ly-004/archive', undefined, { csrf: null })).status).toBe(403);
    expect(platform.knowledge.index.current.entries.has('cach-ly-004')).toBe(true);
    // Not signed in: 401.
    expect((await fetch(`${platform.url}/api/content/entries`)).status).toBe(401);
  });

  it('refuses to publish a base that would break, and the live base stays', async () => {
    const liveVersion = platform.knowledge.index.current.version;
    // A draft that breaks a rule cannot even be sent for review…
    const d = await json(await lan.request('GET', '/api/content/entries/cach-ly-006'));
    await lan.request('PUT', '/api/content/entries/cach-ly-006', { entry: { ...d.body.entry, answer: '' }, baseVersion: d.body.version });
    const submit = await json(await lan.request('POST', '/api/content/entries/cach-ly-006/submit'));
    expect(submit.status).toBe(422);
    expect(submit.body.problems).toEqual([expect.objectContaining({ field: 'answer', message: 'Câu trả lời: chưa điền.' })]);
    // …and with the second-person rule off it is refused at publish, with the reason.
    const lone = await startTestPlatform({ PUBLISH_NEEDS_SECOND_PERSON: 'false' });
    try {
      await createTestUser(lone.store.db, 'mot', 'editor');
      const c = await signInAs(lone.url, 'mot');
      const e = await json(await c.request('GET', '/api/content/entries/cach-ly-006'));
      await c.request('PUT', '/api/content/entries/cach-ly-006', { entry: { ...e.body.entry, source: { issuer: 'Bộ Y tế', document: '', date: '2021-13-40' } }, baseVersion: e.body.version });
      const refused = await json(await c.request('POST', '/api/content/entries/cach-ly-006/publish'));
      expect(refused.status).toBe(422);
      expect(refused.body.message).toMatch(/Bot tiếp tục dùng bản đang chạy/);
      expect(refused.body.problems.map((p: any) => p.field)).toEqual(expect.arrayContaining(['source.document', 'source.date']));
      expect(lone.knowledge.index.current.entries.get('cach-ly-006')?.source.date).toBe(e.body.entry.source.date);
      // Without the rule, the author may publish directly from a draft.
      await c.request('PUT', '/api/content/entries/cach-ly-006', { entry: { ...e.body.entry, keywords: [...e.body.entry.keywords, 'thử'] } });
      expect((await c.request('POST', '/api/content/entries/cach-ly-006/publish')).status).toBe(200);
    } finally {
      await lone.stop();
    }
    expect(platform.knowledge.index.current.version).toBe(liveVersion);
    await lan.request('POST', '/api/content/entries/cach-ly-006/discard');
  });
});
