import type { KbEntry } from '../../src/domain/kb';
import { csvToEntries, entriesToCsv } from '../../src/kb/csv';
import { diffEntries } from '../../src/kb/diff';
import { formatRowError } from '../../src/kb/table';
import { entriesToXlsx, xlsxToEntries } from '../../src/kb/xlsx';

const entries: KbEntry[] = [
  {
    id: 'vx-001',
    topic: 'vaccine',
    question: 'Tiêm vắc xin ở đâu?',
    alternatives: ['Đăng ký tiêm chủng ở đâu?', 'tiem vx o dau, "gap" nhe'],
    keywords: ['tiêm', 'địa điểm'],
    answer: 'Dạ, anh/chị tiêm tại trạm y tế.\nMang theo CCCD, "sổ tiêm" nếu có.',
    source: { issuer: 'Bộ Y tế', document: 'Quyết định 1/QĐ-BYT', date: '2021-06-01', url: 'https://moh.gov.vn/x' },
    reviewedAt: '2021-09-20',
    validFrom: '2021-06-01',
  },
  {
    id: 'xn-002',
    topic: 'test',
    question: 'Xét nghiệm có mất tiền không?',
    alternatives: ['Làm test PCR tốn bao nhiêu?', 'xn co mat tien ko'],
    keywords: [],
    answer: 'Dạ, người thuộc diện chỉ định được xét nghiệm miễn phí.',
    source: { issuer: 'Bộ Y tế', document: 'Công văn 2', date: '2021-07-01' },
    reviewedAt: '2021-09-21',
    status: 'published',
  },
];

describe('CSV', () => {
  it('exports RFC 4180 (CRLF, quoted fields) and imports the same entries back', () => {
    const csv = entriesToCsv(entries);
    expect(csv.split('\r\n')[0]).toMatch(/^id,topic,question,alternatives,keywords,answer,source_issuer/);
    expect(csv).toContain('"Dạ, anh/chị tiêm tại trạm y tế.\nMang theo CCCD, ""sổ tiêm"" nếu có."');
    const back = csvToEntries(csv);
    expect(back).toEqual({ ok: true, entries });
  });

  it('accepts a BOM and the minimal header (id, question, answer) in non-strict mode', () => {
    const result = csvToEntries('\uFEFFid,question,answer\r\nq1,Hỏi gì?,Dạ trả lời.\r\n', { strict: false });
    expect(result.ok && result.entries[0]).toMatchObject({ id: 'q1', topic: 'general', question: 'Hỏi gì?', alternatives: [] });
  });

  it('refuses the whole file when one row is bad, naming each bad row and why', () => {
    const csv = entriesToCsv([
      entries[0],
      { ...entries[1], answer: '' },
      { ...entries[1], id: 'vx-001', source: { ...entries[1].source, date: '2021-13-01' } },
    ]);
    const result = csvToEntries(csv);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.errors.map(formatRowError)).toEqual([
      'row 3 (answer): answer is empty',
      'row 4 (source_date): source date "2021-13-01" is not a date (YYYY-MM-DD)',
      'row 4 (id): duplicate id "vx-001" (first in row 2)',
    ]);
  });

  it('refuses a header without the required columns or with unknown ones', () => {
    const result = csvToEntries('id,question,anwser\r\na,b,c\r\n');
    expect(!result.ok && result.errors.map((e) => e.reason)).toEqual([
      'unknown column "anwser" (known: id, topic, question, alternatives, keywords, answer, source_issuer, source_document, source_date, source_url, reviewed_at, valid_from, valid_to, status)',
      'required column "answer" is missing',
    ]);
  });

  it('reports a row with the wrong number of cells and broken quoting', () => {
    const width = csvToEntries('id,question,answer\r\na,b\r\n', { strict: false });
    expect(!width.ok && width.errors[0]).toMatchObject({ row: 2, code: 'column-count' });
    const quote = csvToEntries('id,question,answer\r\na,"b,c\r\n', { strict: false });
    expect(!quote.ok && quote.errors[0].code).toBe('invalid-csv');
  });
});

describe('XLSX', () => {
  it('round-trips the same entries', async () => {
    const buffer = await entriesToXlsx(entries);
    expect(await xlsxToEntries(buffer)).toEqual({ ok: true, entries });
  });

  it('refuses a workbook with a bad row and applies nothing', async () => {
    const buffer = await entriesToXlsx([entries[0], { ...entries[1], alternatives: ['chỉ một cách hỏi'] }]);
    const result = await xlsxToEntries(buffer);
    expect(result.ok).toBe(false);
    expect(!result.ok && result.errors.map(formatRowError)).toEqual(['row 3 (alternatives): needs at least 2 alternative phrasings, has 1']);
  });

  it('refuses bytes that are not a workbook', async () => {
    const result = await xlsxToEntries(Buffer.from('not a zip'));
    expect(!result.ok && result.errors[0].code).toBe('invalid-xlsx');
  });
});

describe('import preview', () => {
  it('lists added, changed (with fields) and removed entries', () => {
    const incoming = [{ ...entries[0], answer: 'Dạ, mới.' }, { ...entries[1], id: 'xn-003' }];
    const diff = diffEntries(entries, incoming);
    expect(diff.added.map((e) => e.id)).toEqual(['xn-003']);
    expect(diff.changed).toEqual([{ id: 'vx-001', fields: ['answer'] }]);
    expect(diff.removed.map((e) => e.id)).toEqual(['xn-002']);
    expect(diff.unchanged).toBe(0);
  });
});
