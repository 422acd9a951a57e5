/** Reads or writes a knowledge-base table file, CSV or XLSX by its extension. */
import { readFileSync, writeFileSync } from 'node:fs';
import { extname } from 'node:path';
import type { KbEntry } from '../domain/kb';
import { csvToEntries, entriesToCsv } from './csv';
import type { CheckOptions } from './entryRules';
import type { ImportResult } from './table';
import { entriesToXlsx, xlsxToEntries } from './xlsx';

export type TableFormat = 'csv' | 'xlsx';

export function tableFormatOf(file: string): TableFormat | undefined {
  const ext = extname(file).toLowerCase();
  return ext === '.csv' ? 'csv' : ext === '.xlsx' ? 'xlsx' : undefined;
}

export async function readTableFile(file: string, options: CheckOptions = { strict: true }): Promise<ImportResult> {
  const format = tableFormatOf(file);
  if (!format) return { ok: false, errors: [{ row: 1, code: 'unknown-format', reason: `${file}: use a .csv or .xlsx file` }] };
  const data = readFileSync(file);
  return format === 'csv' ? csvToEntries(data.toString('utf8'), options) : xlsxToEntries(data, options);
}

export async function writeTableFile(file: string, entries: readonly KbEntry[]): Promise<void> {
  const format = tableFormatOf(file);
  if (!format) throw new Error(`${file}: use a .csv or .xlsx file`);
  writeFileSync(file, format === 'csv' ? entriesToCsv(entries) : await entriesToXlsx(entries));
}
