/**
 * What makes a knowledge-base entry publishable, shared by the YAML loader and the CSV/XLSX import so both refuse
 * the same things. Input is loose JSON (from YAML or a spreadsheet row); output is a typed entry plus issues.
 */
import type { EntrySource, EntryStatus, KbEntry } from '../domain/kb';
import { hasDiacritics } from '../nlp/normalize';

export interface EntryIssue {
  /** Field path: "answer", "alternatives[2]", "source.date"… */
  field: string;
  /** Stable code for screens that translate: "empty", "invalid-date", "too-few-alternatives"… */
  code: string;
  message: string;
}

export interface CheckOptions {
  /**
   * true (publishing): every rule. false (a throw-away base for `ask --kb`): only what the retriever needs — an id,
   * a question and an answer.
   */
  strict: boolean;
  /** Teencode forms; an alternative using one counts as typed "the citizen way". */
  citizenForms?: ReadonlySet<string>;
}

export const ENTRY_FIELDS = [
  'id',
  'question',
  'alternatives',
  'keywords',
  'answer',
  'source',
  'reviewedAt',
  'validFrom',
  'validTo',
  'status',
] as const;
const SOURCE_FIELDS = ['issuer', 'document', 'date', 'url'] as const;
const STATUSES: readonly EntryStatus[] = ['draft', 'review', 'published', 'archived'];
export const ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const TOPIC_PATTERN = ID_PATTERN;

/** A real calendar date written YYYY-MM-DD. */
export function isIsoDate(value: unknown): value is string {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(value)) return false;
  const d = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === value;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number') return String(value);
  return '';
}

function textList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  return value.map(text);
}

/** Whether an alternative reads like a citizen types: no diacritics at all, or a teencode form in it. */
export function typedTheCitizenWay(alternative: string, citizenForms?: ReadonlySet<string>): boolean {
  if (!hasDiacritics(alternative)) return true;
  if (!citizenForms) return false;
  const lower = alternative.normalize('NFC').toLowerCase();
  return (lower.match(/[\p{L}\p{N}]+/gu) ?? []).some((w) => citizenForms.has(w));
}

export function checkEntry(
  raw: Record<string, unknown>,
  topic: string,
  options: CheckOptions,
): { entry: KbEntry; issues: EntryIssue[] } {
  const issues: EntryIssue[] = [];
  const issue = (field: string, code: string, message: string) => issues.push({ field, code, message });
  const strict = options.strict;

  for (const key of Object.keys(raw)) {
    if (!(ENTRY_FIELDS as readonly string[]).includes(key)) issue(key, 'unknown-field', `unknown field "${key}"`);
  }

  const id = text(raw.id);
  if (!id) issue('id', 'empty', 'id is missing');
  else if (!ID_PATTERN.test(id)) issue('id', 'invalid-id', `id "${id}" may use only letters a–z, digits, ".", "_" and "-"`);

  const question = text(raw.question);
  if (!question) issue('question', 'empty', 'question is empty');
  const answer = text(raw.answer);
  if (!answer) issue('answer', 'empty', 'answer is empty');

  let alternatives = textList(raw.alternatives);
  if (!alternatives) {
    issue('alternatives', 'not-a-list', 'alternatives must be a list');
    alternatives = [];
  }
  alternatives.forEach((a, i) => {
    if (!a) issue(`alternatives[${i}]`, 'empty', `alternative ${i + 1} is empty`);
  });
  alternatives = alternatives.filter(Boolean);
  let keywords = textList(raw.keywords);
  if (!keywords) {
    issue('keywords', 'not-a-list', 'keywords must be a list');
    keywords = [];
  }
  keywords = keywords.filter(Boolean);

  const rawSource = raw.source;
  const sourceObject =
    rawSource && typeof rawSource === 'object' && !Array.isArray(rawSource) ? (rawSource as Record<string, unknown>) : undefined;
  const source: EntrySource = {
    issuer: text(sourceObject?.issuer),
    document: text(sourceObject?.document),
    date: text(sourceObject?.date),
  };
  const url = text(sourceObject?.url);
  if (url) source.url = url;
  const reviewedAt = text(raw.reviewedAt);
  const validFrom = text(raw.validFrom);
  const validTo = text(raw.validTo);
  const status = text(raw.status);

  if (strict) {
    if (alternatives.length < 2) {
      issue('alternatives', 'too-few-alternatives', `needs at least 2 alternative phrasings, has ${alternatives.length}`);
    } else if (!alternatives.some((a) => typedTheCitizenWay(a, options.citizenForms))) {
      issue('alternatives', 'no-citizen-phrasing', 'no alternative is typed the citizen way (without diacritics or with teencode)');
    }
    const seen = new Set([question.toLowerCase()]);
    alternatives.forEach((a, i) => {
      if (seen.has(a.toLowerCase())) issue(`alternatives[${i}]`, 'repeated', `alternative ${i + 1} repeats another phrasing`);
      seen.add(a.toLowerCase());
    });
    if (rawSource === undefined || rawSource === null || rawSource === '') {
      issue('source', 'empty', 'source is missing (issuer, document, date)');
    } else if (!sourceObject) {
      issue('source', 'invalid-source', 'source must have issuer, document and date');
    } else {
      for (const key of Object.keys(sourceObject)) {
        if (!(SOURCE_FIELDS as readonly string[]).includes(key)) issue(`source.${key}`, 'unknown-field', `unknown source field "${key}"`);
      }
      if (!source.issuer) issue('source.issuer', 'empty', 'source issuer is empty');
      if (!source.document) issue('source.document', 'empty', 'source document is empty');
      if (!source.date) issue('source.date', 'empty', 'source date is empty');
      else if (!isIsoDate(source.date)) issue('source.date', 'invalid-date', `source date "${source.date}" is not a date (YYYY-MM-DD)`);
      if (url && !/^https?:\/\/\S+$/.test(url)) issue('source.url', 'invalid-url', `source url "${url}" is not an http(s) address`);
    }
    if (!reviewedAt) issue('reviewedAt', 'empty', 'reviewedAt (last review date) is missing');
  }
  // Dates that are given must be real dates, in any mode.
  if (reviewedAt && !isIsoDate(reviewedAt)) issue('reviewedAt', 'invalid-date', `reviewedAt "${reviewedAt}" is not a date (YYYY-MM-DD)`);
  if (validFrom && !isIsoDate(validFrom)) issue('validFrom', 'invalid-date', `validFrom "${validFrom}" is not a date (YYYY-MM-DD)`);
  if (validTo && !isIsoDate(validTo)) issue('validTo', 'invalid-date', `validTo "${validTo}" is not a date (YYYY-MM-DD)`);
  if (isIsoDate(validFrom) && isIsoDate(validTo) && validFrom > validTo) {
    issue('validTo', 'invalid-range', `validTo ${validTo} is before validFrom ${validFrom}`);
  }
  if (status && !(STATUSES as readonly string[]).includes(status)) {
    issue('status', 'invalid-status', `status "${status}" is not one of ${STATUSES.join(', ')}`);
  }

  const entry: KbEntry = { id, topic, question, alternatives, keywords, answer, source, reviewedAt };
  if (validFrom) entry.validFrom = validFrom;
  if (validTo) entry.validTo = validTo;
  if (status) entry.status = status as EntryStatus;
  return { entry, issues };
}
