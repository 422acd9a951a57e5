/**
 * Synonyms, teencode and the bot's fixed texts, editable in the console. Edited versions are stored in
 * content_text_rules (synonyms and teencode as the same YAML the files use, templates as a JSON map); without an
 * edit, the files in KB_DIR apply. Every save is validated with the knowledge base's own parsers first.
 */
import fs from 'node:fs';
import path from 'node:path';
import { loadTemplates, placeholders, type Templates } from '../kb/templates';
import { parseSynonyms, parseTeencode, teencodeForms } from '../kb/textRulesFile';
import type { KbProblem } from '../kb/problems';
import { compileRules, type CompiledRules, type TextRules } from '../nlp/textRules';
import type { EventBus } from '../pipeline/events';
import { audit } from '../store/audit';
import type { Executor } from '../store/executor';
import { ContentError, ruleProblemText } from './messages';
import { touchRevision } from './entryStore';
import './schema';

export type RuleFileName = 'teencode' | 'synonyms';
export const RULE_FILES: readonly RuleFileName[] = ['teencode', 'synonyms'];
const TEMPLATES = 'templates';

export interface RuleText {
  name: RuleFileName;
  content: string;
  /** 0: the file in KB_DIR (never edited here). */
  version: number;
  updatedAt: string | null;
  updatedBy: string | null;
}

export interface TextProblem {
  line?: number;
  key?: string;
  message: string;
}

/** The event every instance listens to for edited templates (synonyms/teencode ride on kb.published). */
export const TEXTS_EVENT = 'kb.texts';

function fileOf(kbDir: string, name: RuleFileName): string {
  return path.join(kbDir, `${name}.yaml`);
}

export async function readRuleText(db: Executor, kbDir: string, name: RuleFileName): Promise<RuleText> {
  const row = await db.selectFrom('content_text_rules').selectAll().where('name', '=', name).executeTakeFirst();
  if (row) return { name, content: row.content, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
  return { name, content: fs.readFileSync(fileOf(kbDir, name), 'utf8'), version: 0, updatedAt: null, updatedBy: null };
}

/** Parses both texts together; problems in Vietnamese with their line. */
export function parseRuleTexts(texts: Record<RuleFileName, string>): { rules?: TextRules; problems: Record<RuleFileName, TextProblem[]> } {
  const t = parseTeencode(texts.teencode, 'teencode.yaml');
  const s = parseSynonyms(texts.synonyms, 'synonyms.yaml');
  const show = (list: KbProblem[]): TextProblem[] => list.map((p) => ({ line: p.line, message: ruleProblemText(p) }));
  const problems: Record<RuleFileName, TextProblem[]> = { teencode: show(t.problems), synonyms: show(s.problems) };
  if (t.problems.length || s.problems.length) return { problems };
  const rules: TextRules = { teencode: t.rules, synonyms: s.groups, fillers: t.fillers };
  try {
    compileRules(rules);
  } catch (err) {
    problems.synonyms.push({ message: `Không dựng được bộ quy tắc: ${(err as Error).message}` });
    return { problems };
  }
  return { rules, problems };
}

// The texts rarely change but are read on every index rebuild: parse each pair once.
let parsedCache: { key: string; rules: TextRules } | undefined;

/** The rules the retriever uses now: the stored edits, else the files. */
export async function currentTextRules(db: Executor, kbDir: string): Promise<TextRules> {
  const [teencode, synonyms] = await Promise.all(RULE_FILES.map((n) => readRuleText(db, kbDir, n)));
  const key = `${teencode.content}\u0000${synonyms.content}`;
  if (parsedCache?.key === key) return parsedCache.rules;
  const parsed = parseRuleTexts({ teencode: teencode.content, synonyms: synonyms.content });
  if (!parsed.rules) throw new Error('stored text rules do not parse');
  parsedCache = { key, rules: parsed.rules };
  return parsed.rules;
}

export interface RulesSnapshot {
  rules: TextRules;
  compiled: CompiledRules;
  citizenForms: Set<string>;
}

let snapshotCache: { rules: TextRules; snapshot: RulesSnapshot } | undefined;

export async function rulesSnapshot(db: Executor, kbDir: string): Promise<RulesSnapshot> {
  const rules = await currentTextRules(db, kbDir);
  if (snapshotCache?.rules !== rules) snapshotCache = { rules, snapshot: { rules, compiled: compileRules(rules), citizenForms: teencodeForms(rules) } };
  return snapshotCache.snapshot;
}

/**
 * Validates and stores an edited synonyms or teencode text, then publishes so every instance rebuilds its index
 * with it. A text with problems is refused and nothing changes.
 */
export async function saveRuleText(
  deps: { db: Executor; bus: EventBus; kbDir: string },
  name: RuleFileName,
  content: string,
  actorId: string,
  at: string,
): Promise<RuleText> {
  const other: RuleFileName = name === 'teencode' ? 'synonyms' : 'teencode';
  const otherText = await readRuleText(deps.db, deps.kbDir, other);
  const normalized = content.replace(/\r\n?/g, '\n');
  const parsed = parseRuleTexts({ [name]: normalized, [other]: otherText.content } as Record<RuleFileName, string>);
  const problems = [...parsed.problems[name], ...parsed.problems[other]];
  if (!parsed.rules) throw new ContentError(422, 'invalid-rules', 'Nội dung chưa hợp lệ, chưa lưu. Vui lòng sửa các lỗi bên dưới.', { problems });
  let version = 0;
  await deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('content_text_rules').select('version').where('name', '=', name).executeTakeFirst();
    version = (row?.version ?? 0) + 1;
    await tx
      .insertInto('content_text_rules')
      .values({ name, content: normalized, version, updated_at: at, updated_by: actorId })
      .onConflict((oc) => oc.column('name').doUpdateSet({ content: normalized, version, updated_at: at, updated_by: actorId }))
      .execute();
    await audit(tx, { actorId, action: `kb.rules.${name}`, targetType: 'kb_rules', targetId: name, detail: { version }, at });
    await touchRevision(tx, at);
  });
  deps.bus.publish({ type: 'kb.published', version: `rules-${name}-${version}` });
  return { name, content: normalized, version, updatedAt: at, updatedBy: actorId };
}

/** Goes back to the file in KB_DIR. */
export async function resetRuleText(deps: { db: Executor; bus: EventBus; kbDir: string }, name: RuleFileName, actorId: string, at: string): Promise<void> {
  await deps.db.transaction().execute(async (tx) => {
    await tx.deleteFrom('content_text_rules').where('name', '=', name).execute();
    await audit(tx, { actorId, action: `kb.rules.${name}.reset`, targetType: 'kb_rules', targetId: name, at });
    await touchRevision(tx, at);
  });
  deps.bus.publish({ type: 'kb.published', version: `rules-${name}-reset` });
}

// --- the bot's fixed texts

/**
 * Texts read elsewhere at start-up (cases and agencies read their own copy of templates.yaml, the web widget too):
 * an edit here would not reach them, so they are shown but not editable.
 */
const NOT_LIVE_PREFIXES = ['case.', 'agencyPage.', 'widget.'];
export const isLiveTemplate = (key: string): boolean => !NOT_LIVE_PREFIXES.some((p) => key.startsWith(p));

export function templateDefaults(kbDir: string): Templates {
  return loadTemplates(path.join(kbDir, 'templates.yaml'));
}

/**
 * An edited set of texts must keep every key the bot uses, add none, keep each text's placeholders (the bot fills
 * them: a lost {options} would drop the suggestions) and be non-empty NFC text.
 */
export function checkTemplates(defaults: Templates, edited: Record<string, unknown>): TextProblem[] {
  const problems: TextProblem[] = [];
  for (const key of Object.keys(defaults)) if (!(key in edited)) problems.push({ key, message: `Thiếu mẫu câu "${key}".` });
  for (const [key, value] of Object.entries(edited)) {
    if (!(key in defaults)) {
      problems.push({ key, message: `Mẫu câu "${key}" không có trong danh sách mẫu câu của bot.` });
      continue;
    }
    if (typeof value !== 'string' || !value.trim()) {
      problems.push({ key, message: 'Nội dung đang để trống.' });
      continue;
    }
    if (value !== value.normalize('NFC')) problems.push({ key, message: 'Văn bản chưa ở dạng Unicode dựng sẵn (NFC).' });
    const want = placeholders(defaults[key]);
    const have = placeholders(value);
    const missing = [...want].filter((p) => !have.has(p));
    const extra = [...have].filter((p) => !want.has(p));
    if (missing.length) problems.push({ key, message: `Thiếu chỗ điền ${missing.map((p) => `{${p}}`).join(', ')}: bot cần chỗ này để điền thông tin.` });
    if (extra.length) problems.push({ key, message: `Chỗ điền không được hỗ trợ: ${extra.map((p) => `{${p}}`).join(', ')}.` });
  }
  return problems;
}

export async function readTemplates(db: Executor, kbDir: string): Promise<{ defaults: Templates; current: Templates; version: number; updatedAt: string | null; updatedBy: string | null }> {
  const defaults = templateDefaults(kbDir);
  const row = await db.selectFrom('content_text_rules').selectAll().where('name', '=', TEMPLATES).executeTakeFirst();
  if (!row) return { defaults, current: { ...defaults }, version: 0, updatedAt: null, updatedBy: null };
  const stored = JSON.parse(row.content) as Templates;
  // A text the bot gained since the edit (new key in the file) shows its default.
  return { defaults, current: { ...defaults, ...pick(stored, Object.keys(defaults)) }, version: row.version, updatedAt: row.updated_at, updatedBy: row.updated_by };
}

function pick(map: Templates, keys: string[]): Templates {
  const out: Templates = {};
  for (const k of keys) if (typeof map[k] === 'string') out[k] = map[k];
  return out;
}

/**
 * Saves edited texts: `edited` holds the keys that change (others keep their current text). Only texts the running
 * bot reads live may change.
 */
export async function saveTemplates(deps: { db: Executor; bus: EventBus; kbDir: string }, edited: Record<string, unknown>, actorId: string, at: string): Promise<number> {
  const { defaults, current } = await readTemplates(deps.db, deps.kbDir);
  const fixed = Object.keys(edited).filter((k) => k in defaults && !isLiveTemplate(k) && edited[k] !== current[k]);
  if (fixed.length) {
    throw new ContentError(422, 'invalid-templates', 'Mẫu câu chưa hợp lệ, chưa lưu.', { problems: fixed.map((key) => ({ key, message: 'Mẫu câu này do phân hệ khác đọc khi khởi động, chưa sửa được tại đây.' })) });
  }
  const merged = { ...current, ...edited };
  const problems = checkTemplates(defaults, merged);
  if (problems.length) throw new ContentError(422, 'invalid-templates', 'Mẫu câu chưa hợp lệ, chưa lưu. Vui lòng sửa các lỗi bên dưới.', { problems });
  const clean = Object.fromEntries(Object.entries(merged as Templates).map(([k, v]) => [k, v.trim()]));
  let version = 0;
  let changed: string[] = [];
  await deps.db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('content_text_rules').selectAll().where('name', '=', TEMPLATES).executeTakeFirst();
    const before = row ? { ...defaults, ...(JSON.parse(row.content) as Templates) } : defaults;
    changed = Object.keys(clean).filter((k) => clean[k] !== before[k]);
    version = (row?.version ?? 0) + 1;
    const content = JSON.stringify(clean);
    await tx
      .insertInto('content_text_rules')
      .values({ name: TEMPLATES, content, version, updated_at: at, updated_by: actorId })
      .onConflict((oc) => oc.column('name').doUpdateSet({ content, version, updated_at: at, updated_by: actorId }))
      .execute();
    await audit(tx, { actorId, action: 'kb.templates', targetType: 'kb_rules', targetId: TEMPLATES, detail: { version, changed }, at });
  });
  deps.bus.publish({ type: TEXTS_EVENT, version: String(version) });
  return version;
}

/**
 * Keeps the running bot's templates object in step with the stored edits: it is updated in place, so every closure
 * that reads it (the bot's texts(), the handoff's template()) sees a saved change at once, on every instance.
 */
export async function keepTemplatesLive(deps: { db: Executor; bus: EventBus; kbDir: string; onError(err: unknown): void }, templates: Templates): Promise<() => void> {
  const apply = async () => {
    const { current } = await readTemplates(deps.db, deps.kbDir);
    Object.assign(templates, current);
  };
  await apply();
  return deps.bus.subscribe((event) => {
    if (event.type === TEXTS_EVENT) apply().catch(deps.onError);
  });
}
