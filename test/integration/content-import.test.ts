/**
 * Bulk import and export through the API: a file with a bad row is refused with row-level reasons and nothing is
 * applied; a good XLSX shows what it adds, changes and removes, applies with progress, and its entries wait for
 * review; an exported CSV imports back as "no change".
 */
import ExcelJS from 'exceljs';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

describe('content import and export', () => {
  let platform: TestPlatform;
  let lan: StaffClient;
  let minh: StaffClient;

  beforeAll(async () => {
    platform = await startTestPlatform();
    await createTestUser(platform.store.db, 'lan', 'editor', 'Trần Thị Lan');
    await createTestUser(platform.store.db, 'minh', 'supervisor', 'Lê Văn Minh');
    lan = await signInAs(platform.url, 'lan');
    minh = await signInAs(platform.url, 'minh');
  }, 60_000);
  afterAll(async () => {
    await platform?.stop();
  });

  const upload = (client: StaffClient, data: Buffer | string, name: string) =>
    fetch(`${platform.url}/api/content/import`, {
      method: 'POST',
      headers: { cookie: client.cookie, 'x-csrf-token': client.csrfToken, 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(name) },
      body: typeof data === 'string' ? data : new Uint8Array(data),
    });
  const job = async (id: string, until: string[]) =>
    waitFor(async () => {
      const j = (await (await lan.request('GET', `/api/content/import/${id}`)).json()) as any;
      return until.includes(j.status) ? j : undefined;
    }, 20_000, `import job ${until.join('/')}`);
  const counts = async () => ({
    drafts: Number((await platform.store.db.selectFrom('kb_drafts').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    versions: Number((await platform.store.db.selectFrom('kb_versions').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
    entries: Number((await platform.store.db.selectFrom('kb_entries').select((e) => e.fn.countAll().as('n')).executeTakeFirstOrThrow()).n),
  });

  it('refuses a CSV with a bad row, names the rows and applies nothing', async () => {
    const before = await counts();
    const csv = [
      'id,topic,question,alternatives,keywords,answer,source_issuer,source_document,source_date,reviewed_at',
      'moi-001,di-lai,Xe khách liên tỉnh chạy lại chưa?,Xe khach lien tinh chay chua | xe khách chạy lại chưa,xe khách,"Dạ, xe khách liên tỉnh chạy lại theo thông báo của Sở Giao thông vận tải ạ.",Sở GTVT,Thông báo 1/TB-SGTVT,2021-10-15,2021-10-16',
      'moi-002,di-lai,Đi xe buýt có cần giấy xét nghiệm không?,di xe buyt can giay xet nghiem ko | xe buýt cần xét nghiệm không,xe buýt,,Sở GTVT,Thông báo 2/TB-SGTVT,2021-10-15,2021-10-16',
      'moi-003,di-lai,Taxi có được chạy không?,taxi co duoc chay ko | taxi chạy được không,taxi,"Dạ, taxi được hoạt động ạ.",Sở GTVT,Thông báo 3/TB-SGTVT,2021-15-10,2021-10-16',
    ].join('\r\n');
    const res = await upload(lan, csv, 'nhap-thu.csv');
    expect(res.status).toBe(202);
    const refused = await job(((await res.json()) as any).jobId, ['refused', 'previewed', 'failed']);
    expect(refused.status).toBe('refused');
    expect(refused.errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ row: 3, column: 'answer', message: 'Câu trả lời: chưa điền.' }),
        expect.objectContaining({ row: 4, column: 'source_date', message: expect.stringMatching(/Ngày văn bản không phải ngày hợp lệ/) }),
      ]),
    );
    const apply = await lan.request('POST', `/api/content/import/${refused.id}/apply`, {});
    expect(apply.status).toBe(409);
    expect(await counts()).toEqual(before);
  });

  it('refuses a file whose content is not what its name says', async () => {
    const res = await upload(lan, 'id,question,answer\r\n', 'bang.xlsx');
    expect(res.status).toBe(422);
    expect(((await res.json()) as any).message).toMatch(/không phải bảng tính Excel/);
  });

  it('previews and applies an XLSX: added, changed, removed; entries wait for review; progress reaches the end', async () => {
    const exported = await lan.request('GET', '/api/content/export?format=xlsx&topic=tre-em');
    expect(exported.status).toBe(200);
    expect(exported.headers.get('content-disposition')).toMatch(/co-so-tri-thuc-.*\.xlsx/);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await exported.arrayBuffer()) as ArrayBuffer);
    const sheet = workbook.worksheets[0];
    const header = (sheet.getRow(1).values as string[]).slice(1);
    const col = (name: string) => header.indexOf(name) + 1;
    const rows = sheet.rowCount - 1;
    expect(rows).toBeGreaterThan(3);
    // Change the answer of row 2, drop the last row, add a new entry.
    const changedId = String(sheet.getRow(2).getCell(col('id')).value);
    sheet.getRow(2).getCell(col('answer')).value = 'Dạ, trẻ em cần được theo dõi sức khỏe tại nhà và đưa đến cơ sở y tế khi có dấu hiệu bất thường ạ.';
    const removedId = String(sheet.getRow(sheet.rowCount).getCell(col('id')).value);
    sheet.spliceRows(sheet.rowCount, 1);
    const added = sheet.addRow([]);
    const values: Record<string, string> = {
      id: 'tre-em-900', topic: 'tre-em', question: 'Trẻ em có được đến trường khi là F1 không?', alternatives: 'tre em f1 co di hoc duoc ko | F1 nhí có được đi học không',
      keywords: 'đi học | F1', answer: 'Dạ, trẻ là F1 chưa được đến trường cho đến khi hết thời gian cách ly theo hướng dẫn của ngành y tế ạ.',
      source_issuer: 'Bộ Y tế', source_document: 'Công văn 5599/BYT-MT', source_date: '2021-07-14', reviewed_at: '2021-10-01', status: 'published',
    };
    for (const [k, v] of Object.entries(values)) added.getCell(col(k)).value = v;
    const file = Buffer.from(await workbook.xlsx.writeBuffer());

    const res = await upload(lan, file, 'tre-em.xlsx');
    expect(res.status).toBe(202);
    const previewed = await job(((await res.json()) as any).jobId, ['previewed', 'refused', 'failed']);
    expect(previewed.status).toBe('previewed');
    expect(previewed.preview.added.map((a: any) => a.id)).toEqual(['tre-em-900']);
    expect(previewed.preview.changed).toEqual([expect.objectContaining({ id: changedId, fields: ['answer'] })]);
    // The file holds one topic: every other entry of the base is "not in the file".
    expect(previewed.preview.removed.map((r: any) => r.id)).toContain(removedId);
    expect(previewed.preview.unchanged).toBe(rows - 2);
    const before = await counts();

    // Apply without archiving what is missing: only the added and changed entries move.
    const applied = await lan.request('POST', `/api/content/import/${previewed.id}/apply`, { archiveMissing: false });
    expect(applied.status).toBe(202);
    const done = await job(previewed.id, ['applied', 'failed']);
    expect(done).toMatchObject({ status: 'applied', done: 2, total: 2, applied: { added: 1, changed: 1, archived: 0 } });
    const after = await counts();
    expect(after.entries).toBe(before.entries + 1);
    expect(after.drafts).toBe(before.drafts + 1); // the changed, published entry waits in kb_drafts
    // Nothing is live until a second person publishes.
    expect(platform.knowledge.index.current.entries.has('tre-em-900')).toBe(false);
    const review = (await (await lan.request('GET', '/api/content/entries?status=review&size=500')).json()) as any;
    expect(review.items.map((i: any) => i.id).sort()).toEqual([changedId, 'tre-em-900'].sort());
    expect((await lan.request('POST', '/api/content/publish', { all: true })).status).toBe(409);
    expect((await minh.request('POST', '/api/content/publish', { all: true })).status).toBe(200);
    await waitFor(() => platform.knowledge.index.current.entries.has('tre-em-900'), 1000, 'imported entry live');
    const audit = await platform.store.db.selectFrom('audit_log').select(['action', 'target_id']).where('action', 'in', ['kb.import', 'kb.entry.import']).execute();
    expect(audit.map((a) => a.action).sort()).toEqual(['kb.entry.import', 'kb.entry.import', 'kb.import']);
  });

  it('archives what a full file leaves out, when asked', async () => {
    const exported = Buffer.from(await (await lan.request('GET', '/api/content/export?format=csv')).arrayBuffer());
    const lines = exported.toString('utf8').split('\r\n');
    const dropped = lines.splice(lines.length - 2, 1)[0];
    const droppedId = dropped.split(',')[0];
    expect(platform.knowledge.index.current.entries.has(droppedId)).toBe(true);
    const res = await upload(lan, lines.join('\r\n'), 'toan-bo.csv');
    const previewed = await job(((await res.json()) as any).jobId, ['previewed', 'refused', 'failed']);
    expect(previewed.preview).toMatchObject({ added: [], changed: [], removed: [expect.objectContaining({ id: droppedId })] });
    await lan.request('POST', `/api/content/import/${previewed.id}/apply`, { archiveMissing: true });
    expect(await job(previewed.id, ['applied', 'failed'])).toMatchObject({ status: 'applied', applied: { archived: 1 } });
    await waitFor(() => !platform.knowledge.index.current.entries.has(droppedId), 1000, 'archived entry off the bot');
  });

  it('exports a filter to CSV with a BOM, header and one row per entry', async () => {
    const res = await lan.request('GET', '/api/content/export?format=csv&topic=tong-dai-1022');
    const text = Buffer.from(await res.arrayBuffer()).toString('utf8');
    expect(text.startsWith('\uFEFFid,topic,question,alternatives')).toBe(true);
    expect(text).toContain('tong-dai-1022-004');
    expect(text).not.toContain('cach-ly-001');
    // An operator may not export.
    await createTestUser(platform.store.db, 'trucban', 'operator');
    const op = await signInAs(platform.url, 'trucban');
    expect((await op.request('GET', '/api/content/export?format=csv')).status).toBe(403);
  });
});
