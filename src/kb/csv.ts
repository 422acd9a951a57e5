/** CSV (UTF-8, RFC 4180: quoted fields, CRLF) import and export of the knowledge base. */
import { parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import type { KbEntry } from '../domain/kb';
import type { CheckOptions } from './entryRules';
import { checkHeader, COLUMNS, entryToRow, rowsToEntries, type ImportResult, type TableRow } from './table';

export function entriesToCsv(entries: readonly KbEntry[]): string {
  return stringify(
    entries.map((e) => entryToRow(e)),
    { header: true, columns: [...COLUMNS], record_delimiter: 'windows', quoted_match: /[\r\n",]/ },
  );
}

/** Parses a CSV file's text (a leading BOM is accepted). Any bad row → { ok: false, errors } and nothing else. */
export function csvToEntries(text: string, options: CheckOptions = { strict: true }): ImportResult {
  let records: Array<{ record: string[]; info: { records: number } }>;
  try {
    records = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true }) as unknown as typeof records;
  } catch (err) {
    const e = err as Error & { lines?: number; records?: number };
    const row = (e.records ?? 0) + 1;
    return { ok: false, errors: [{ row, code: 'invalid-csv', reason: `not valid CSV near line ${e.lines ?? '?'}: ${e.message}` }] };
  }
  if (records.length === 0) return { ok: false, errors: [{ row: 1, code: 'empty', reason: 'the file is empty' }] };
  const header = records[0].record.map((h) => h.trim().toLowerCase());
  const headerErrors = checkHeader(header);
  if (headerErrors.length > 0) return { ok: false, errors: headerErrors };
  const rows: Array<{ row: number; cells: TableRow }> = [];
  const widthErrors = [];
  for (const { record, info } of records.slice(1)) {
    if (record.length !== header.length && !(record.length === 1 && record[0] === '')) {
      widthErrors.push({ row: info.records, code: 'column-count', reason: `has ${record.length} cells, the header has ${header.length}` });
      continue;
    }
    const cells: TableRow = {};
    header.forEach((name, i) => (cells[name as keyof TableRow] = record[i]));
    rows.push({ row: info.records, cells });
  }
  const result = rowsToEntries(rows, options);
  if (widthErrors.length === 0) return result;
  const rowErrors = result.ok ? [] : result.errors.filter((e) => e.code !== 'empty');
  const errors = [...widthErrors, ...rowErrors].sort((a, b) => a.row - b.row);
  return { ok: false, errors };
}
