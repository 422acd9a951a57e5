/**
 * An entry as the editor sends it, cleaned (NFC, trimmed, empty list items dropped) and checked with the same rules
 * as the YAML loader and the spreadsheet import (src/kb/entryRules.ts).
 */
import type { KbEntry } from '../domain/kb';
import { checkEntry, ID_PATTERN, TOPIC_PATTERN } from '../kb/entryRules';
import { entryIssueText } from './messages';

export interface EntryProblem {
  entryId: string;
  field: string;
  message: string;
}

const text = (v: unknown): string => (typeof v === 'string' ? v.normalize('NFC').trim() : typeof v === 'number' ? String(v) : '');
const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(text).filter(Boolean) : typeof v === 'string' ? v.split('\n').map(text).filter(Boolean) : []);

/** The editor's JSON → an entry (not yet checked). */
export function entryFromInput(body: Record<string, unknown>, id: string): KbEntry {
  const source = (body.source && typeof body.source === 'object' ? body.source : {}) as Record<string, unknown>;
  const entry: KbEntry = {
    id,
    topic: text(body.topic),
    question: text(body.question),
    alternatives: list(body.alternatives),
    keywords: list(body.keywords),
    answer: typeof body.answer === 'string' ? body.answer.normalize('NFC').replace(/\r\n?/g, '\n').trim() : '',
    source: { issuer: text(source.issuer), document: text(source.document), date: text(source.date) },
    reviewedAt: text(body.reviewedAt),
  };
  const url = text(source.url);
  if (url) entry.source.url = url;
  const validFrom = text(body.validFrom);
  const validTo = text(body.validTo);
  if (validFrom) entry.validFrom = validFrom;
  if (validTo) entry.validTo = validTo;
  return entry;
}

/** Every rule a published entry must meet (strict), with Vietnamese messages. */
export function entryProblems(entry: KbEntry, citizenForms?: ReadonlySet<string>): EntryProblem[] {
  const { topic, status: _status, ...raw } = entry;
  const { issues } = checkEntry(raw as unknown as Record<string, unknown>, topic, { strict: true, citizenForms });
  const problems = issues.map((i) => ({ entryId: entry.id, field: i.field, message: entryIssueText(i) }));
  if (!topic) problems.unshift({ entryId: entry.id, field: 'topic', message: 'Chủ đề: chưa điền.' });
  else if (!TOPIC_PATTERN.test(topic)) problems.unshift({ entryId: entry.id, field: 'topic', message: 'Chủ đề chỉ được dùng chữ cái không dấu, chữ số, dấu chấm, gạch dưới và gạch ngang.' });
  return problems;
}

/** What even a draft needs to be stored: a valid id, a topic and a question. */
export function draftProblems(entry: KbEntry): EntryProblem[] {
  const problems: EntryProblem[] = [];
  if (!entry.id || !ID_PATTERN.test(entry.id)) problems.push({ entryId: entry.id, field: 'id', message: 'Mã câu hỏi chỉ được dùng chữ cái không dấu, chữ số, dấu chấm, gạch dưới và gạch ngang.' });
  if (!entry.topic || !TOPIC_PATTERN.test(entry.topic)) problems.push({ entryId: entry.id, field: 'topic', message: 'Chủ đề chỉ được dùng chữ cái không dấu, chữ số, dấu chấm, gạch dưới và gạch ngang.' });
  if (!entry.question) problems.push({ entryId: entry.id, field: 'question', message: 'Câu hỏi: chưa điền.' });
  return problems;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * The base the bot would serve after a publish: refused when any entry breaks a rule, an id repeats, or nothing
 * would be left to answer with. Checked in slices that give the event loop back, so the bot keeps answering.
 */
export async function baseProblems(entries: readonly KbEntry[], citizenForms?: ReadonlySet<string>, sliceMs = 8): Promise<EntryProblem[]> {
  const problems: EntryProblem[] = [];
  const seen = new Set<string>();
  let sliceStart = Date.now();
  for (const e of entries) {
    if (seen.has(e.id)) problems.push({ entryId: e.id, field: 'id', message: `Mã "${e.id}" bị trùng.` });
    seen.add(e.id);
    problems.push(...entryProblems(e, citizenForms));
    if (Date.now() - sliceStart >= sliceMs) {
      await yieldToEventLoop();
      sliceStart = Date.now();
    }
  }
  if (entries.length === 0) problems.push({ entryId: '', field: '', message: 'Cơ sở tri thức sẽ không còn câu nào để trả lời.' });
  return problems;
}

/** Same text (field by field) — saving it again is not a change. */
export function sameContent(a: KbEntry, b: KbEntry): boolean {
  const canonical = (e: KbEntry) =>
    JSON.stringify([e.id, e.topic, e.question, e.alternatives, e.keywords, e.answer, e.source.issuer, e.source.document, e.source.date, e.source.url ?? '', e.reviewedAt ?? '', e.validFrom ?? '', e.validTo ?? '']);
  return canonical(a) === canonical(b);
}
