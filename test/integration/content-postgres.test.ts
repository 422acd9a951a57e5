/**
 * The content workspace on two PostgreSQL instances: a change published on instance A reaches the bot of instance B
 * within a second (kb.published crosses instances), B's workspace sees A's edits at once (the content revision),
 * edited templates reach B's bot, and an import runs on the same SQL.
 */
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';

const TOKEN = 'app-token-content-pg';

describePg('content workspace on two PostgreSQL instances', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let a: TestPlatform;
  let b: TestPlatform;
  let lanOnA: StaffClient;
  let minhOnB: StaffClient;
  let seq = 0;

  beforeAll(async () => {
    database = await createPgDatabase();
    callback = await startRecordingServer();
    const env = { DATABASE_URL: database.url, SESSION_SECRET: 'shared-secret-content-pg', APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-content-pg' };
    a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' });
    b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' });
    await createTestUser(a.store.db, 'lan', 'editor', 'Trần Thị Lan');
    await createTestUser(a.store.db, 'minh', 'supervisor', 'Lê Văn Minh');
    lanOnA = await signInAs(a.url, 'lan');
    minhOnB = await signInAs(b.url, 'minh');
  }, 60_000);
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await callback?.close();
    await database?.drop();
  });

  const json = async (res: Response) => ({ status: res.status, body: (await res.json().catch(() => ({}))) as any });
  const askB = async (text: string) => {
    const userId = `pg-citizen-${++seq}`;
    const res = await fetch(`${b.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `pg-m-${seq}`, text }),
    });
    expect(res.status).toBe(202);
    return (await waitFor(() => callback.received.find((r) => r.json?.userId === userId), 5000, 'bot reply')).json.text as string;
  };

  it('publishes on one instance; the other instance’s bot answers with the new text within a second', async () => {
    const d = await json(await lanOnA.request('GET', '/api/content/entries/cach-ly-010'));
    const newAnswer = 'Dạ, hết thời gian cách ly, Trạm Y tế xã/phường cấp giấy chứng nhận hoàn thành cách ly cho anh/chị ngay trong ngày ạ.';
    expect((await lanOnA.request('PUT', '/api/content/entries/cach-ly-010', { entry: { ...d.body.entry, answer: newAnswer }, baseVersion: d.body.version })).status).toBe(200);
    expect((await lanOnA.request('POST', '/api/content/entries/cach-ly-010/submit')).status).toBe(200);
    // B's workspace sees the change made on A at once.
    const onB = await json(await minhOnB.request('GET', '/api/content/entries?status=review'));
    expect(onB.body.items.map((i: any) => i.id)).toEqual(['cach-ly-010']);
    const started = Date.now();
    expect((await minhOnB.request('POST', '/api/content/entries/cach-ly-010/publish')).status).toBe(200);
    await waitFor(() => a.knowledge.index.current.entries.get('cach-ly-010')?.answer === newAnswer, 1000, 'live on A');
    await waitFor(() => b.knowledge.index.current.entries.get('cach-ly-010')?.answer === newAnswer, 1000, 'live on B');
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await askB('het cach ly co dc cap giay chung nhan ko')).toBe(newAnswer);
  });

  it('carries edited templates and synonyms to the other instance', async () => {
    const t = (await json(await lanOnA.request('GET', '/api/content/templates'))).body;
    const greeting = 'Dạ, Tổng đài 1022 kính chào anh/chị ạ. Anh/chị cần hỏi gì về COVID-19?';
    expect((await lanOnA.request('PUT', '/api/content/templates', { templates: { greeting } })).status).toBe(200);
    await waitFor(async () => (await askB('xin chào')) === greeting, 3000, 'greeting on B');
    expect(t.version).toBe(0);
    const syn = (await json(await lanOnA.request('GET', '/api/content/rules/synonyms'))).body;
    expect((await lanOnA.request('PUT', '/api/content/rules/synonyms', { content: syn.content.replace('terms: [vắc xin,', 'terms: [zíp, vắc xin,') })).status).toBe(200);
    await waitFor(() => /^tiem-chung/.test(b.knowledge.index.search('tiem zip o dau').matches[0]?.id ?? ''), 2000, 'synonym on B');
  });

  it('imports, groups unanswered questions and stores documents on PostgreSQL', async () => {
    const csv = 'id,topic,question,alternatives,answer,source_issuer,source_document,source_date,reviewed_at\r\nmoi-001,di-lai,Xe khách liên tỉnh chạy lại chưa?,xe khach chay lai chua | xe khách chạy chưa,"Dạ, xe khách đã chạy lại ạ.",Sở GTVT,TB 1/TB-SGTVT,2021-10-15,2021-10-16\r\n';
    const res = await fetch(`${a.url}/api/content/import`, { method: 'POST', headers: { cookie: lanOnA.cookie, 'x-csrf-token': lanOnA.csrfToken, 'x-file-name': 'moi.csv' }, body: csv });
    const { jobId } = (await res.json()) as { jobId: string };
    const job = await waitFor(async () => {
      const j = (await json(await minhOnB.request('GET', `/api/content/import/${jobId}`))).body;
      return j.status === 'previewed' ? j : undefined;
    }, 10_000, 'preview');
    expect(job.preview.added.map((x: any) => x.id)).toEqual(['moi-001']);
    await lanOnA.request('POST', `/api/content/import/${jobId}/apply`, {});
    await waitFor(async () => (await json(await lanOnA.request('GET', `/api/content/import/${jobId}`))).body.status === 'applied', 10_000, 'applied');
    expect((await json(await minhOnB.request('GET', '/api/content/entries/moi-001'))).body.working.status).toBe('review');

    await askB('Giá vé máy bay về Bình Phước hiện nay bao nhiêu?');
    await b.settle();
    const groups = (await json(await lanOnA.request('GET', '/api/content/unanswered'))).body.groups;
    expect(groups.some((g: any) => /máy bay/.test(g.label))).toBe(true);

    const form = new FormData();
    for (const [k, v] of Object.entries({ title: 'Hướng dẫn', number: '1/HD-SYT', issuer: 'Sở Y tế', issuedOn: '2021-09-01' })) form.set(k, v);
    form.set('file', new Blob([Buffer.from('Hướng dẫn tiêm chủng vắc xin phòng COVID-19 cho người dân tại các điểm tiêm trên địa bàn tỉnh.', 'utf8')]), 'huong-dan.txt');
    const up = await fetch(`${a.url}/api/content/documents`, { method: 'POST', headers: { cookie: lanOnA.cookie, 'x-csrf-token': lanOnA.csrfToken }, body: form });
    expect(up.status).toBe(201);
    const found = (await json(await minhOnB.request('GET', `/api/content/documents/search?q=${encodeURIComponent('diem tiem vac xin')}`))).body.results;
    expect(found[0].document.number).toBe('1/HD-SYT');
  });
});
