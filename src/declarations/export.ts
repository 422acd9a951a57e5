/** Declarations for operators' spreadsheets: CSV (UTF-8 with BOM, so Excel shows the diacritics) and XLSX. */
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { displayDate, localParts } from '../reports/localTime';
import type { Executor } from '../store/executor';
import { listDeclarations, type Declaration, type DeclarationFilter } from './repository';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportedFile {
  filename: string;
  contentType: string;
  body: Buffer;
}

// Column titles operators read in the spreadsheet.
const COLUMNS: Array<{ title: string; width: number; value: (d: Declaration, tz: string) => string | number }> = [
  { title: 'Thời gian', width: 18, value: (d, tz) => localTime(d.createdAt, tz) },
  { title: 'Họ và tên', width: 24, value: (d) => d.fullName ?? '' },
  { title: 'Năm sinh', width: 10, value: (d) => d.birthYear ?? '' },
  { title: 'Số điện thoại', width: 14, value: (d) => d.phone ?? '' },
  { title: 'Huyện/thị xã/thành phố', width: 20, value: (d) => d.district ?? '' },
  { title: 'Xã/phường/thị trấn', width: 20, value: (d) => d.commune ?? '' },
  { title: 'Địa chỉ', width: 36, value: (d) => d.address ?? '' },
  { title: 'Triệu chứng', width: 30, value: (d) => d.symptoms.join('; ') },
  { title: 'Tiếp xúc F0', width: 12, value: (d) => (d.contactWithF0 === null ? '' : d.contactWithF0 ? 'Có' : 'Không') },
  { title: 'Đi lại trong 14 ngày', width: 30, value: (d) => d.travel14Days ?? 'Không' },
  { title: 'Kênh', width: 10, value: (d) => d.channel },
  { title: 'Mã', width: 38, value: (d) => d.id },
];

const EXPORT_LIMIT = 10_000;

/** "dd/MM/yyyy HH:mm" in the zone (the shared, cached formatter of src/reports/localTime). */
function localTime(iso: string, timeZone: string): string {
  const p = localParts(new Date(iso), timeZone);
  return `${displayDate(p.date)} ${String(p.hour).padStart(2, '0')}:${String(p.minute).padStart(2, '0')}`;
}

/** A cell a spreadsheet would run as a formula (=, +, -, @) is prefixed with ' so citizen text stays text. */
function safeCell(value: string | number): string | number {
  return typeof value === 'string' && /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

export async function exportDeclarations(
  db: Executor,
  format: ExportFormat,
  filter: DeclarationFilter = {},
  options: { timeZone?: string; now?: Date } = {},
): Promise<ExportedFile> {
  const tz = options.timeZone ?? 'Asia/Ho_Chi_Minh';
  const rows = await listDeclarations(db, { ...filter, limit: filter.limit ?? EXPORT_LIMIT });
  const stamp = localTime((options.now ?? new Date()).toISOString(), tz).replace(/[/: ]/g, '').slice(0, 12);
  const values = rows.map((d) => COLUMNS.map((c) => safeCell(c.value(d, tz))));
  if (format === 'csv') {
    const text = stringify([COLUMNS.map((c) => c.title), ...values]);
    return { filename: `khai-bao-y-te-${stamp}.csv`, contentType: 'text/csv; charset=utf-8', body: Buffer.from(`\uFEFF${text}`, 'utf8') };
  }
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Khai báo y tế', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ header: c.title, width: c.width }));
  sheet.getRow(1).font = { bold: true };
  for (const v of values) sheet.addRow(v);
  const body = Buffer.from(await book.xlsx.writeBuffer());
  return { filename: `khai-bao-y-te-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', body };
}
