/**
 * The spreadsheet shape of the knowledge base, shared by CSV and XLSX: one entry per row, lists joined with "|".
 * Rows are checked with the same rules as the YAML files; an import with any bad row applies nothing.
 */
import type { KbEntry } from '../domain/kb';
import { checkEntry, TOPIC_PATTERN, type CheckOptions } from './entryRules';

export const COLUMNS = [
  'id',
  'topic',
  'question',
  'alternatives',
  'keywords',
  'answer',
  'source_issuer',
  'source_document',
  'source_date',
  'source_url',
  'reviewed_at',
  'valid_from',
  'valid_to',
  'status',
] as const;
export type Column = (typeof COLUMNS)[number];
export const REQUIRED_COLUMNS: readonly Column[] = ['id', 'question', 'answer'];
export const LIST_SEPARATOR = '|';
/** Topic given to rows of a file without a topic column. */
export const DEFAULT_TOPIC = 'general';

/** The KbEntry field (path) each column holds; row errors and screens translate between the two with it. */
export const FIELD_OF_COLUMN: Readonly<Record<Column, string>> = {
  id: 'id',
  topic: 'topic',
  question: 'question',
  alternatives: 'alternatives',
  keywords: 'keywords',
  answer: 'answer',
  source_issuer: 'source.issuer',
  source_document: 'source.document',
  source_date: 'source.date',
  source_url: 'source.url',
  reviewed_at: 'reviewedAt',
  valid_from: 'validFrom',
  valid_to: 'validTo',
  status: 'status',
};

/** Where a field of KbEntry lives in the table, for row error messages; a missing source points at its first column. */
const COLUMN_OF_FIELD: Record<string, Column> = {
  source: 'source_issuer',
  ...Object.fromEntries(COLUMNS.map((c) => [FIELD_OF_COLUMN[c], c])),
};

export interface RowError {
  /** Spreadsheet row number: the header is row 1, the first entry row 2. */
  row: number;
  column?: string;
  code: string;
  reason: string;
}

export type ImportResult = { ok: true; entries: KbEntry[] } | { ok: false; errors: RowError[] };

export type TableRow = Partial<Record<Column, string>>;

export function entryToRow(e: KbEntry): Record<Column, string> {
  return {
    id: e.id,
    topic: e.topic,
    question: e.question,
    alternatives: e.alternatives.join(` ${LIST_SEPARATOR} `),
    keywords: e.keywords.join(` ${LIST_SEPARATOR} `),
    answer: e.answer,
    source_issuer: e.source.issuer,
    source_document: e.source.document,
    source_date: e.source.date,
    source_url: e.source.url ?? '',
    reviewed_at: e.reviewedAt,
    valid_from: e.validFrom ?? '',
    valid_to: e.validTo ?? '',
    status: e.status ?? '',
  };
}

/** Entries that cannot be written as rows without changing them (a list item containing the separator). */
export function unexportable(entries: readonly KbEntry[]): string[] {
  const bad: string[] = [];
  for (const e of entries) {
    if ([...e.alternatives, ...e.keywords].some((x) => x.includes(LIST_SEPARATOR))) bad.push(e.id);
  }
  return bad;
}

function splitList(cell: string | undefined): string[] {
  if (!cell) return [];
  return cell
    .split(LIST_SEPARATOR)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Checks the header: required columns present, no unknown or repeated column. */
export function checkHeader(header: string[]): RowError[] {
  const errors: RowError[] = [];
  const seen = new Set<string>();
  for (const name of header) {
    if (!(COLUMNS as readonly string[]).includes(name)) {
      errors.push({ row: 1, column: name, code: 'unknown-column', reason: `unknown column "${name}" (known: ${COLUMNS.join(', ')})` });
    }
    if (seen.has(name)) errors.push({ row: 1, column: name, code: 'repeated-column', reason: `column "${name}" appears twice` });
    seen.add(name);
  }
  for (const name of REQUIRED_COLUMNS) {
    if (!seen.has(name)) errors.push({ row: 1, column: name, code: 'missing-column', reason: `required column "${name}" is missing` });
  }
  return errors;
}

/**
 * Turns table rows into entries. `rows[i].row` is the spreadsheet row number. All or nothing: any error and no
 * entry is returned.
 */
export function rowsToEntries(rows: Array<{ row: number; cells: TableRow }>, options: CheckOptions): ImportResult {
  const errors: RowError[] = [];
  const entries: KbEntry[] = [];
  const firstRowOfId = new Map<string, number>();
  for (const { row, cells } of rows) {
    if (Object.values(cells).every((v) => !v || !v.trim())) continue; // blank line
    const hasSource = Boolean(cells.source_issuer || cells.source_document || cells.source_date || cells.source_url);
    const raw: Record<string, unknown> = {
      id: cells.id,
      question: cells.question,
      alternatives: splitList(cells.alternatives),
      keywords: splitList(cells.keywords),
      answer: cells.answer,
      source: hasSource
        ? { issuer: cells.source_issuer, document: cells.source_document, date: cells.source_date, url: cells.source_url }
        : undefined,
      reviewedAt: cells.reviewed_at,
      validFrom: cells.valid_from,
      validTo: cells.valid_to,
      status: cells.status,
    };
    for (const k of Object.keys(raw)) if (raw[k] === undefined || raw[k] === '') delete raw[k];
    const topic = cells.topic?.trim() || DEFAULT_TOPIC;
    const { entry, issues } = checkEntry(raw, topic, options);
    for (const cell of Object.values(cells)) {
      if (cell && cell !== cell.normalize('NFC') && options.strict) {
        issues.push({ field: '', code: 'not-nfc', message: `text is not in Unicode NFC: "${cell.slice(0, 40)}"` });
        break;
      }
    }
    if (topic !== DEFAULT_TOPIC && !TOPIC_PATTERN.test(topic)) {
      issues.push({ field: 'topic', code: 'invalid-id', message: `topic "${topic}" may use only a–z, digits, ".", "_" and "-"` });
    }
    for (const i of issues) {
      const column = COLUMN_OF_FIELD[i.field.replace(/\[\d+\]$/, '')];
      errors.push({ row, ...(column ? { column } : {}), code: i.code, reason: i.message });
    }
    if (entry.id) {
      const first = firstRowOfId.get(entry.id);
      if (first !== undefined) {
        errors.push({ row, column: 'id', code: 'duplicate-id', reason: `duplicate id "${entry.id}" (first in row ${first})` });
      } else firstRowOfId.set(entry.id, row);
    }
    // Non-strict bases are for trying things out: stored text is still normalized so it matches.
    entries.push(options.strict ? entry : normalizeEntryText(entry));
  }
  if (errors.length > 0) return { ok: false, errors };
  if (entries.length === 0) return { ok: false, errors: [{ row: 1, code: 'empty', reason: 'the file has no entries' }] };
  return { ok: true, entries };
}

function normalizeEntryText(e: KbEntry): KbEntry {
  const n = (s: string) => s.normalize('NFC');
  return { ...e, question: n(e.question), answer: n(e.answer), alternatives: e.alternatives.map(n), keywords: e.keywords.map(n) };
}

export function formatRowError(e: RowError): string {
  return `row ${e.row}${e.column ? ` (${e.column})` : ''}: ${e.reason}`;
}
