/** Medical declarations: the bot's effect stored against the contact, listed with filters, exported to CSV and XLSX. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { parse } from 'csv-parse/sync';
import { applyDeclarationEffect, countDeclarations, exportDeclarations, listDeclarations } from '../../src/declarations';
import type { TurnContextInfo } from '../../src/pipeline/pipeline';
import { resolveContact } from '../../src/store/contacts';
import { getConversation, openConversation } from '../../src/store/conversations';
import { migrate, openDatabase, type DbHandle } from '../../src/store/db';
import { createPgDatabase, describePg } from '../support/postgres';

const backends: Array<[string, jest.Describe, () => Promise<{ store: DbHandle; cleanup(): Promise<void> }>]> = [
  [
    'SQLite',
    describe,
    async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'declarations-'));
      return { store: openDatabase({ dataDir: dir }), cleanup: async () => fs.rmSync(dir, { recursive: true, force: true }) };
    },
  ],
  [
    'PostgreSQL',
    describePg,
    async () => {
      const pg = await createPgDatabase();
      return { store: openDatabase({ databaseUrl: pg.url, dataDir: os.tmpdir() }), cleanup: () => pg.drop() };
    },
  ],
];

describe.each(backends)('declarations on %s', (_name, describeBackend, open) => describeBackend('', () => {
  let store: DbHandle;
  let cleanup: () => Promise<void>;

  beforeAll(async () => {
    ({ store, cleanup } = await open());
    await migrate(store.db);
  });
  afterAll(async () => {
    await store.close();
    await cleanup();
  });

  async function declare(channel: 'zalo' | 'voichat', user: string, data: Record<string, unknown>, at: string) {
    const contactId = await resolveContact(store.db, channel, user, {}, at);
    const conversation = await openConversation(store.db, { contactId, channel, externalUserId: user, externalThreadId: user, at });
    const info = { conversation: (await getConversation(store.db, conversation.id))!, now: at } as TurnContextInfo;
    return store.db.transaction().execute((tx) => applyDeclarationEffect(tx, { type: 'declaration', data }, info));
  }

  it('stores the effect against the contact, records the request and fills the contact', async () => {
    const saved = await declare(
      'zalo',
      'zalo-user-1',
      { fullName: ' Nguyễn Văn An ', birthYear: 1985, phone: '+84 913 222 333', address: 'Tân Phú, Đồng Xoài', district: 'Đồng Xoài', commune: 'Tân Phú', symptoms: ['ho', 'sốt nhẹ'], contactWithF0: true, travel14Days: 'TP. Hồ Chí Minh' },
      '2021-08-23T03:00:00.000Z',
    );
    expect(saved).toMatchObject({ fullName: 'Nguyễn Văn An', birthYear: 1985, phone: '0913222333', symptoms: ['ho', 'sốt nhẹ'], contactWithF0: true, travel14Days: 'TP. Hồ Chí Minh', channel: 'zalo' });
    const contact = await store.db.selectFrom('contacts').selectAll().where('id', '=', saved.contactId).executeTakeFirstOrThrow();
    expect(contact).toMatchObject({ name: 'Nguyễn Văn An', phone: '0913222333' });
    const kinds = await store.db.selectFrom('requests').select('kind').where('conversation_id', '=', saved.conversationId).execute();
    expect(kinds.map((k) => k.kind)).toContain('declaration');
  });

  it('stores what it can of an incomplete or odd declaration instead of failing the turn', async () => {
    const saved = await declare('voichat', '0911000111', { fullName: 42, birthYear: 'sinh năm 3000', symptoms: 'ho, sốt', travel14Days: false }, '2021-08-24T03:00:00.000Z');
    expect(saved).toMatchObject({ fullName: '42', birthYear: null, phone: null, symptoms: ['ho', 'sốt'], contactWithF0: null, travel14Days: null });
    expect(saved.raw).toEqual({ fullName: 42, birthYear: 'sinh năm 3000', symptoms: 'ho, sốt', travel14Days: false });
  });

  it('lists newest first with filters', async () => {
    await declare('zalo', 'zalo-user-2', { fullName: '=HYPERLINK("http://x")', phone: '0987654321', district: 'Bình Long' }, '2021-08-25T03:00:00.000Z');
    expect((await listDeclarations(store.db)).map((d) => d.createdAt)).toEqual(['2021-08-25T03:00:00.000Z', '2021-08-24T03:00:00.000Z', '2021-08-23T03:00:00.000Z']);
    expect((await listDeclarations(store.db, { district: 'Đồng Xoài' })).map((d) => d.fullName)).toEqual(['Nguyễn Văn An']);
    expect((await listDeclarations(store.db, { channel: 'voichat' })).map((d) => d.fullName)).toEqual(['42']);
    expect((await listDeclarations(store.db, { from: '2021-08-24T00:00:00.000Z', to: '2021-08-25T00:00:00.000Z' })).map((d) => d.fullName)).toEqual(['42']);
    expect((await listDeclarations(store.db, { search: '0987' })).map((d) => d.phone)).toEqual(['0987654321']);
    expect(await countDeclarations(store.db, { channel: 'zalo' })).toBe(2);
  });

  it('exports CSV that Excel opens with diacritics, citizen text never run as a formula', async () => {
    const file = await exportDeclarations(store.db, 'csv', {}, { now: new Date('2021-08-25T05:00:00Z') });
    expect(file.contentType).toMatch(/text\/csv/);
    expect(file.filename).toBe('khai-bao-y-te-250820211200.csv');
    expect(file.body.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const rows = parse(file.body.toString('utf8').slice(1)) as string[][];
    expect(rows[0].slice(0, 4)).toEqual(['Thời gian', 'Họ và tên', 'Năm sinh', 'Số điện thoại']);
    expect(rows).toHaveLength(4);
    const an = rows.find((r) => r[1] === 'Nguyễn Văn An')!;
    expect(an[0]).toBe('23/08/2021 10:00'); // local time of Bình Phước
    expect(an).toEqual(expect.arrayContaining(['1985', '0913222333', 'Đồng Xoài', 'ho; sốt nhẹ', 'Có', 'TP. Hồ Chí Minh', 'zalo']));
    expect(rows.some((r) => r[1] === `'=HYPERLINK("http://x")`)).toBe(true);
  });

  it('exports an XLSX workbook with the same rows', async () => {
    const file = await exportDeclarations(store.db, 'xlsx', { channel: 'zalo' });
    expect(file.filename).toMatch(/\.xlsx$/);
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(file.body as unknown as ArrayBuffer);
    const sheet = book.worksheets[0];
    expect(sheet.rowCount).toBe(3);
    expect(sheet.getRow(1).getCell(2).value).toBe('Họ và tên');
    const names = [sheet.getRow(2).getCell(2).value, sheet.getRow(3).getCell(2).value];
    expect(names).toContain('Nguyễn Văn An');
  });
}));
