/**
 * Levels, staffing, office hours and the counting rule (knowledge-base/levels.yaml), validated with one schema for
 * the file and for a supervisor's edit in the console. The wording of notices and reports (`texts`) stays in the
 * file; the rules may be overridden by an edited copy kept in the database (see levelStore.ts).
 */
import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { RequestKind } from '../store/conversations';

export const REQUEST_KINDS: readonly RequestKind[] = ['new_conversation', 'reopened', 'email_thread', 'voice_call', 'declaration', 'phone_call'];

const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'giờ phải có dạng HH:MM');
const count = z.number().int('phải là số nguyên').min(0, 'không được âm').max(10_000, 'quá lớn');
const periodStaffing = z
  .object({ operators: count.optional(), phoneLines: count.optional() })
  .strict();

const levelSchema = z
  .object({
    level: z.number().int().min(1).max(9),
    above: count.max(1_000_000),
    name: z.string().trim().min(1, 'cần tên cấp độ').max(120),
    staffing: z
      .object({
        officeHours: periodStaffing,
        afterHours: periodStaffing,
        reserveOnCall: z.boolean(),
      })
      .strict(),
  })
  .strict();

export const rulesSchema = z
  .object({
    counting: z.object({ kinds: z.array(z.enum(REQUEST_KINDS as [RequestKind, ...RequestKind[]])).min(1, 'cần ít nhất một loại tin được tính') }).strict(),
    officeHours: z
      .object({
        start: hhmm,
        end: hhmm,
        days: z.array(z.number().int().min(1).max(7)).min(1, 'cần ít nhất một ngày'),
      })
      .strict(),
    levels: z.array(levelSchema).min(1, 'cần ít nhất một cấp độ').max(9),
    lowerMargin: z.number().min(0).max(0.5),
    projection: z
      .object({
        historyDays: z.number().int().min(1).max(90),
        minHistory: z.number().int().min(0),
        minElapsedShare: z.number().min(0).max(1),
        recentHours: z.number().int().min(1).max(12),
        minRecent: z.number().int().min(1),
        defaultProfile: z.array(z.number().min(0)).length(24),
      })
      .strict(),
  })
  .strict();

const FIELD_NAMES: Record<string, string> = {
  level: 'số thứ tự',
  above: 'ngưỡng (trên … tin/ngày)',
  name: 'tên',
  'staffing.officeHours.operators': 'tổng đài viên giờ hành chính',
  'staffing.officeHours.phoneLines': 'line điện thoại giờ hành chính',
  'staffing.afterHours.operators': 'tổng đài viên ngoài giờ',
  'staffing.afterHours.phoneLines': 'line điện thoại ngoài giờ',
  'staffing.reserveOnCall': 'dự phòng trực 24/7',
  'officeHours.start': 'Giờ hành chính, bắt đầu',
  'officeHours.end': 'Giờ hành chính, kết thúc',
  'officeHours.days': 'Giờ hành chính, các ngày',
  'counting.kinds': 'Tin được tính',
  lowerMargin: 'Biên hạ cấp độ',
};

/** Where a problem is, in the words of the console's form ("Cấp 3, ngưỡng (trên … tin/ngày)"). */
function where(path: ReadonlyArray<PropertyKey>): string {
  const parts = path.map(String);
  if (parts[0] === 'levels' && parts.length >= 2 && /^\d+$/.test(parts[1])) {
    const rest = parts.slice(2).join('.');
    return `Cấp ${Number(parts[1]) + 1}${rest ? `, ${FIELD_NAMES[rest] ?? rest}` : ''}`;
  }
  const joined = parts.filter((p) => !/^\d+$/.test(p)).join('.');
  if (joined.startsWith('projection')) return `Dự báo (${parts.slice(1).join('.')})`;
  return FIELD_NAMES[joined] ?? (joined || 'Cấu hình');
}

/** Checks across fields, run also when some fields are wrong so the supervisor sees every problem at once. */
function crossProblems(raw: unknown): string[] {
  const problems: string[] = [];
  const r = raw as { levels?: unknown; officeHours?: { start?: unknown; end?: unknown }; projection?: { defaultProfile?: unknown } } | null;
  if (!r || typeof r !== 'object') return problems;
  if (Array.isArray(r.levels)) {
    const levels = r.levels as Array<{ level?: unknown; above?: unknown } | null>;
    levels.forEach((l, i) => {
      if (!l || typeof l !== 'object') return;
      if (l.level !== i + 1) problems.push(`${where(['levels', i, 'level'])}: các cấp độ phải đánh số liên tiếp từ 1 (cấp thứ ${i + 1} đang là ${String(l.level)})`);
      if (i === 0 && l.above !== 0) problems.push(`${where(['levels', 0, 'above'])}: cấp độ 1 phải bắt đầu từ 0 tin`);
      const prev = levels[i - 1];
      if (i > 0 && prev && typeof l.above === 'number' && typeof prev.above === 'number' && l.above <= prev.above) {
        problems.push(`${where(['levels', i, 'above'])}: ngưỡng cấp độ ${String(l.level)} phải lớn hơn ngưỡng cấp độ ${String(prev.level)}`);
      }
    });
  }
  const { start, end } = r.officeHours ?? {};
  if (typeof start === 'string' && typeof end === 'string' && start >= end) problems.push(`${where(['officeHours', 'end'])}: giờ kết thúc phải sau giờ bắt đầu`);
  const profile = r.projection?.defaultProfile;
  if (Array.isArray(profile) && !profile.some((w) => typeof w === 'number' && w > 0)) problems.push(`${where(['projection', 'defaultProfile'])}: hồ sơ giờ cần ít nhất một giá trị dương`);
  return problems;
}

export type LevelRules = z.output<typeof rulesSchema>;
export type Level = LevelRules['levels'][number];
export type PeriodStaffing = z.output<typeof periodStaffing>;

export type Texts = (key: string, vars?: Record<string, string | number>) => string;

export interface LevelsFile {
  rules: LevelRules;
  texts: Texts;
}

export class LevelRulesError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('; '));
  }
}

/** Validates rules (from the file or a supervisor); throws LevelRulesError listing every problem in Vietnamese. */
export function validateRules(input: unknown): LevelRules {
  const parsed = rulesSchema.safeParse(input);
  const problems = [...(parsed.success ? [] : parsed.error.issues.map((i) => `${where(i.path)}: ${i.message}`)), ...crossProblems(input)];
  if (problems.length || !parsed.success) throw new LevelRulesError(problems);
  return parsed.data;
}

export function loadLevelsFile(file: string): LevelsFile {
  const raw = parseYaml(fs.readFileSync(file, 'utf8')) as Record<string, unknown> | null;
  if (!raw || typeof raw !== 'object') throw new Error(`${file}: expected a map`);
  const { texts: rawTexts, ...rest } = raw;
  let rules: LevelRules;
  try {
    rules = validateRules(rest);
  } catch (err) {
    throw new Error(`${file}: ${(err as Error).message}`);
  }
  const table: Record<string, string> = {};
  for (const [k, v] of Object.entries((rawTexts ?? {}) as Record<string, unknown>)) {
    if (typeof v !== 'string' || !v.trim()) throw new Error(`${file}: text "${k}" must be non-empty text`);
    table[k] = v.normalize('NFC').trim();
  }
  return { rules, texts: textsOver(table) };
}

export function textsOver(table: Record<string, string>): Texts {
  return (key, vars = {}) => {
    const template = table[key];
    if (template === undefined) return key;
    return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
  };
}
