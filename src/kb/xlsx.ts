/** XLSX import and export of the knowledge base (exceljs), with the same columns and rules as CSV. */
import ExcelJS from 'exceljs';
import type { KbEntry } from '../domain/kb';
import type { CheckOptions } from './entryRules';
import { checkHeader, COLUMNS, entryToRow, rowsToEntries, type ImportResult, type RowError, type TableRow } from './table';

const SHEET = 'entries';

export async function entriesToXlsx(entries: readonly KbEntry[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(SHEET);
  sheet.columns = COLUMNS.map((c) => ({ header: c, key: c, width: c === 'answer' ? 80 : c === 'question' ? 50 : 20 }));
  sheet.getRow(1).font = { bold: true };
  for (const e of entries) sheet.addRow(entryToRow(e));
  // Text cells only: a date typed by a person stays "2021-09-20" and an id "001" keeps its zeros.
  sheet.eachRow((row) => row.eachCell((cell) => (cell.numFmt = '@')));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A cell as the text a person sees: dates as YYYY-MM-DD, rich text joined, formulas by their result. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === 'object') {
    if ('richText' in value) return value.richText.map((r) => r.text).join('');
    if ('text' in value && typeof value.text === 'string') return value.text;
    if ('result' in value) return cellText(value.result as ExcelJS.CellValue);
    if ('error' in value) return '';
  }
  return String(value);
}

/** Reads the first sheet: header in row 1. Any bad row → { ok: false, errors } and nothing else. */
export async function xlsxToEntries(data: Buffer | ArrayBuffer, options: CheckOptions = { strict: true }): Promise<ImportResult> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(data as ArrayBuffer);
  } catch (err) {
    return { ok: false, errors: [{ row: 1, code: 'invalid-xlsx', reason: `not a readable XLSX file: ${(err as Error).message}` }] };
  }
  const sheet = workbook.worksheets[0];
  if (!sheet || sheet.rowCount === 0) return { ok: false, errors: [{ row: 1, code: 'empty', reason: 'the workbook is empty' }] };
  const headerRow = sheet.getRow(1);
  const header: string[] = [];
  for (let c = 1; c <= headerRow.cellCount; c++) header.push(cellText(headerRow.getCell(c).value).trim().toLowerCase());
  while (header.length > 0 && header[header.length - 1] === '') header.pop();
  const headerErrors: RowError[] = checkHeader(header);
  if (headerErrors.length > 0) return { ok: false, errors: headerErrors };
  const rows: Array<{ row: number; cells: TableRow }> = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells: TableRow = {};
    header.forEach((name, i) => (cells[name as keyof TableRow] = cellText(row.getCell(i + 1).value)));
    rows.push({ row: r, cells });
  }
  return rowsToEntries(rows, options);
}
