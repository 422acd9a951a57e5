/**
 * Case details pulled out of a citizen's free text for the urgent dialog (issue 4): who has the symptoms, since when,
 * the district and commune, a phone number. Pure functions; each returns undefined when the text does not say.
 * Works with and without diacritics; the district list is data (knowledge-base/agencies.yaml), passed in.
 */
import { cleanText, foldKey, toneKey } from './normalize';

// ------------------------------------------------------------------------------------------------ who

export interface Subject {
  /** self: the writer; other: someone the writer names. */
  who: 'self' | 'other';
  /** The relation with diacritics ("mẹ", "con", "ông nội"); undefined for the writer. */
  relation?: string;
  /** The words as written ("mẹ em", "con toi"). */
  text: string;
}

/** Kin and other people, canonical form first; ASCII forms are derived. Longer phrases win. */
const RELATIONS: ReadonlyArray<readonly [string, ...string[]]> = [
  ['ông nội'], ['bà nội'], ['ông ngoại'], ['bà ngoại'], ['mẹ chồng'], ['bố chồng'], ['ba chồng'], ['mẹ vợ'], ['bố vợ'], ['ba vợ'],
  ['con trai'], ['con gái'], ['con', 'bé', 'em bé', 'thằng bé', 'con bé', 'thằng cu', 'cu', 'nhóc', 'đứa nhỏ', 'bé con'],
  ['em trai'], ['em gái'], ['anh trai'], ['chị gái'], ['cháu', 'cháu nội', 'cháu ngoại'],
  ['mẹ', 'má', 'mạ', 'mẹ già'], ['bố', 'ba', 'cha', 'tía'], ['vợ', 'bà xã'], ['chồng', 'ông xã'],
  ['ông'], ['bà'], ['cô'], ['chú'], ['dì'], ['cậu'], ['mợ'], ['thím'], ['bác'], ['dượng'],
  ['hàng xóm'], ['đồng nghiệp'], ['người nhà', 'người thân'], ['bạn', 'bạn cùng phòng'], ['người yêu'],
];
/** Pronouns that need a possessor to name someone else ("em tôi" = my sibling; "em" alone = the writer). */
const PRONOUN_KIN = new Map<string, string>([
  ['em', 'em'], ['anh', 'anh'], ['chi', 'chị'],
]);
const SELF = new Set(['toi', 'tui', 'minh', 'to', 'em', 'e', 't', 'mk', 'mik', 'tao']);
/** Possessors after a relation: "mẹ em", "con tôi", "bé nhà em". */
const POSSESSORS = new Set(['toi', 'tui', 'minh', 'em', 'e', 't', 'mk', 'mik', 'con', 'chau', 'anh', 'chi', 'nha', 'cua', 'to', 'tao']);
/** Words after which a pronoun is not the subject: "cho em hỏi", "giúp em", "anh ơi". */
const NOT_SUBJECT_BEFORE = new Set(['cho', 'giup', 'voi', 'cuu', 'goi', 'bao', 'nhan', 'hoi']);
const VOCATIVE_AFTER = new Set(['oi', 'a', 'ad']);
const SPEECH_AFTER = new Set(['hoi', 'xin', 'muon', 'can', 'cam', 'chao']);

interface Word {
  fold: string;
  tone: string;
  raw: string;
}

const WORD = /[\p{L}\p{M}\p{N}]+/gu;

function words(text: string): Word[] {
  const raws = [...cleanText(text).matchAll(WORD)].map((m) => m[0]);
  return raws.map((raw) => {
    const tone = toneKey(raw);
    return { fold: foldKey(tone), tone, raw };
  });
}

interface RelationEntry {
  folds: string[];
  tones: string[];
  canonical: string;
}

const RELATION_ENTRIES: RelationEntry[] = RELATIONS.flatMap(([canonical, ...variants]) =>
  [canonical, ...variants].map((v) => ({ folds: foldKey(v).split(' '), tones: toneKey(v).split(' '), canonical })),
).sort((a, b) => b.folds.length - a.folds.length);

/** Whether the words at i spell the entry: exact diacritics, or none typed (any reading). */
function spells(ws: readonly Word[], i: number, e: RelationEntry): boolean {
  for (let k = 0; k < e.folds.length; k++) {
    const w = ws[i + k];
    if (!w || w.fold !== e.folds[k]) return false;
    if (w.tone !== w.fold && w.tone !== e.tones[k]) return false;
  }
  return true;
}

/** Who has the symptoms: the first person named as a subject. */
export function extractSubject(text: string): Subject | undefined {
  const ws = words(text);
  for (let i = 0; i < ws.length; i++) {
    const before = ws[i - 1]?.fold;
    const after = ws[i + 1]?.fold;
    const entry = RELATION_ENTRIES.find((e) => spells(ws, i, e));
    if (entry) {
      const end = i + entry.folds.length;
      const next = ws[end]?.fold;
      if (next !== undefined && VOCATIVE_AFTER.has(next)) continue;
      const possessed = next !== undefined && POSSESSORS.has(next);
      // Typed without diacritics a one-word relation is often another word ("co" = có, "ba" = 3): it needs an owner.
      if (entry.folds.length === 1 && ws[i].tone === ws[i].fold && !possessed) continue;
      let last = possessed ? end + 1 : end;
      if (possessed && next === 'nha' && ws[last] && POSSESSORS.has(ws[last].fold)) last++;
      return { who: 'other', relation: entry.canonical, text: ws.slice(i, last).map((w) => w.raw).join(' ') };
    }
    const kin = PRONOUN_KIN.get(ws[i].fold);
    if (kin && after !== undefined && ['toi', 'tui', 'minh', 'mk'].includes(after)) {
      return { who: 'other', relation: kin, text: `${ws[i].raw} ${ws[i + 1].raw}` };
    }
    if (SELF.has(ws[i].fold)) {
      if (before !== undefined && NOT_SUBJECT_BEFORE.has(before)) continue;
      if (after !== undefined && (SPEECH_AFTER.has(after) || VOCATIVE_AFTER.has(after))) continue;
      return { who: 'self', text: ws[i].raw };
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ since when

export interface Onset {
  /** The words as found ("từ hôm qua", "2 ngay nay"). */
  text: string;
  /** Whole days before `now` (0 = today), when the text allows it. */
  daysAgo?: number;
  /** YYYY-MM-DD (Vietnam time), when the text allows it. */
  date?: string;
}

const NUMBER_WORDS: Record<string, number> = { mot: 1, hai: 2, ba: 3, bon: 4, nam: 5, sau: 6, bay: 7, tam: 8, chin: 9, muoi: 10 };
const WEEKDAYS: Record<string, number> = { 'chu nhat': 0, cn: 0, hai: 1, '2': 1, ba: 2, '3': 2, tu: 3, '4': 3, nam: 4, '5': 4, sau: 5, '6': 5, bay: 6, '7': 6 };
const VN_OFFSET_MS = 7 * 3600 * 1000;

function vnDate(at: Date): Date {
  const d = new Date(at.getTime() + VN_OFFSET_MS);
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10);
}

function daysBefore(now: Date, days: number): string {
  return isoDay(new Date(vnDate(now).getTime() - days * 86400000));
}

interface OnsetRule {
  pattern: RegExp;
  read: (m: RegExpExecArray, now: Date) => { daysAgo?: number; date?: string } | undefined;
}

const ONSET_RULES: OnsetRule[] = [
  {
    // "từ 20/8", "từ ngày 20-8-2021", "hôm 18/8"
    pattern: /\b(?:tu|hom|ngay|tu ngay|bat dau tu)\s+(?:ngay\s+)?(\d{1,2})\s*[/\-.]\s*(\d{1,2})(?:\s*[/\-.]\s*(\d{2,4}))?\b/,
    read: (m, now) => {
      const day = Number(m[1]);
      const month = Number(m[2]);
      if (day < 1 || day > 31 || month < 1 || month > 12) return undefined;
      const today = vnDate(now);
      let year = m[3] ? Number(m[3].length === 2 ? `20${m[3]}` : m[3]) : today.getUTCFullYear();
      let d = new Date(Date.UTC(year, month - 1, day));
      if (!m[3] && d.getTime() > today.getTime()) d = new Date(Date.UTC(--year, month - 1, day));
      if (d.getUTCDate() !== day) return undefined;
      const daysAgo = Math.round((today.getTime() - d.getTime()) / 86400000);
      return daysAgo >= 0 ? { daysAgo, date: isoDay(d) } : { date: isoDay(d) };
    },
  },
  {
    // "2 ngày nay", "3 hôm", "1 tuần nay", "hai bữa nay"
    pattern: /(?<!\b(?:mui|lan|thu|so|lieu|f)\s*)\b(\d{1,2}|mot|hai|ba|bon|nam|sau|bay|tam|chin|muoi)\s+(ngay|hom|bua|tuan)\b(?:\s+(?:nay|roi|truoc|qua))?/,
    read: (m, now) => {
      const n = /^\d+$/.test(m[1]) ? Number(m[1]) : NUMBER_WORDS[m[1]];
      const days = m[2] === 'tuan' ? n * 7 : n;
      return days > 0 && days <= 60 ? { daysAgo: days, date: daysBefore(now, days) } : undefined;
    },
  },
  { pattern: /\b(?:may|vai)\s+(?:ngay|hom|bua)\s+(?:nay|roi|truoc)\b|\bca tuan(?:\s+nay)?\b/, read: () => ({}) },
  { pattern: /\bhom kia\b/, read: (_m, now) => ({ daysAgo: 2, date: daysBefore(now, 2) }) },
  { pattern: /\btuan truoc\b/, read: (_m, now) => ({ daysAgo: 7, date: daysBefore(now, 7) }) },
  { pattern: /\b(?:tu\s+)?(?:hom qua|hqua|toi qua|dem qua|chieu qua|sang qua|trua qua)\b|\btu qua\b/, read: (_m, now) => ({ daysAgo: 1, date: daysBefore(now, 1) }) },
  { pattern: /\b(?:sang nay|trua nay|chieu nay|toi nay|hom nay|hnay|tu sang|tu trua|tu chieu|\d{1,2}\s*(?:tieng|gio)\s+truoc)\b/, read: (_m, now) => ({ daysAgo: 0, date: daysBefore(now, 0) }) },
  {
    // "từ thứ hai", "từ thứ 2", "từ chủ nhật": the last such day before today
    pattern: /\btu\s+(?:thu\s+(hai|ba|tu|nam|sau|bay|[2-7])|(chu nhat|cn))\b/,
    read: (m, now) => {
      const target = WEEKDAYS[m[1] ?? m[2]];
      const today = vnDate(now).getUTCDay();
      const days = (today - target + 7) % 7 || 7;
      return { daysAgo: days, date: daysBefore(now, days) };
    },
  },
];

/** Since when: the earliest onset expression in the text. `now` fixes "hôm qua" to a date (Vietnam time). */
export function extractOnset(text: string, now: Date = new Date()): Onset | undefined {
  const tone = toneKey(text);
  const fold = foldKey(tone);
  let best: { index: number; onset: Onset } | undefined;
  for (const rule of ONSET_RULES) {
    const m = rule.pattern.exec(fold);
    if (!m || (best && best.index <= m.index)) continue;
    const read = rule.read(m, now);
    if (!read) continue;
    // The keys have the same length unless stray combining marks were dropped; then show the folded words.
    const written = tone.length === fold.length ? tone.slice(m.index, m.index + m[0].length) : m[0];
    best = { index: m.index, onset: { text: written, ...read } };
  }
  return best?.onset;
}

// ------------------------------------------------------------------------------------------------ where

/** What extractDistrict needs of an area (agencies.yaml `areas`). */
export interface AreaLike {
  id: string;
  /** "huyện", "thị xã", "thành phố". */
  type: string;
  name: string;
  ascii?: string;
  aliases?: readonly string[];
}

/** Type words that may stand before a district name. */
const AREA_TYPES: Record<string, string[]> = {
  'thành phố': ['thanh pho', 'tp', 't p'],
  'thị xã': ['thi xa', 'tx', 't x'],
  huyện: ['huyen', 'h'],
};
const PLACE_CUES = /(?:^| )(?:o|tai|thuoc|dia chi|nha o|song o|cu tru|que|dc|d c)\s*$/;

/** Lower-case ASCII with every run of non-alphanumerics as one space. */
function flat(text: string): string {
  return foldKey(text).replace(/[^a-z0-9]+/g, ' ').trim();
}

/** The forms an area is written in, longest first (flat keys). */
export function areaForms(area: AreaLike): string[] {
  const names = new Set<string>([flat(area.name)]);
  if (area.ascii) names.add(flat(area.ascii));
  const forms = new Set<string>(names);
  for (const n of names) {
    for (const t of AREA_TYPES[area.type] ?? []) forms.add(`${t} ${n}`);
    forms.add(`${flat(area.type)} ${n}`);
  }
  for (const a of area.aliases ?? []) forms.add(flat(a));
  return [...forms].filter(Boolean).sort((a, b) => b.length - a.length);
}

/**
 * The district named in the text ("tx Binh Long", "BGM", "TP Đồng Xoài"). When several are named, the one after a
 * place cue ("ở", "tại", "địa chỉ") wins, else the first.
 */
export function extractDistrict<A extends AreaLike>(text: string, areas: readonly A[]): A | undefined {
  const key = ` ${flat(text)} `;
  let first: { index: number; area: A } | undefined;
  let cued: { index: number; area: A } | undefined;
  for (const area of areas) {
    for (const form of areaForms(area)) {
      const index = key.indexOf(` ${form} `);
      if (index < 0) continue;
      if (!first || index < first.index) first = { index, area };
      if (PLACE_CUES.test(key.slice(0, index + 1)) && (!cued || index < cued.index)) cued = { index, area };
      break;
    }
  }
  return (cued ?? first)?.area;
}

export interface Commune {
  type: 'xã' | 'phường' | 'thị trấn';
  /** As written, each word capitalized ("Tân Thành", "Tan Thanh"). */
  name: string;
}

const COMMUNE_TYPES: Array<[RegExp, Commune['type'], 'marked' | 'plain']> = [
  [/^(?:thị trấn|tt)$/u, 'thị trấn', 'marked'],
  [/^phường$/u, 'phường', 'marked'],
  [/^xã$/u, 'xã', 'marked'],
  [/^(?:thi tran)$/u, 'thị trấn', 'plain'],
  [/^(?:phuong|p)$/u, 'phường', 'plain'],
  [/^(?:xa|x)$/u, 'xã', 'plain'],
];
/** Words that end a commune name. */
const NAME_STOPS = new Set(
  ['huyen', 'tx', 'tp', 'tinh', 'quan', 'ap', 'khu', 'to', 'so', 'sdt', 'dt', 'bi', 'em', 'toi', 'minh', 'con', 'nha', 'duong', 'thon', 'doi', 'xom', 'khom', 'va', 'voi', 'o', 'tai', 'cua', 'dang', 'dia', 'chi', 'nhung', 'co', 'can', 'de', 'xin', 'gan', 'phuong', 'xa', 'sot', 'ho', 'kho', 'ad', 'a', 'ak', 'nhe'],
);

/** Words that cannot begin a commune name ("xa lắm" is "far", not a commune). */
const FIRST_WORD_STOPS = new Set(['bi', 'o', 'tai', 'va', 'voi', 'cua', 'nhe', 'a', 'ad', 'thi', 'la', 'lam', 'qua', 'roi', 'khong', 'ko', 'k', 'em', 'toi', 'nha', 'xa', 'hon', 'the', 'vay', 'nhu', 'nen', 'de', 'co']);

/** The commune, ward or town named in the text ("xã Tân Thành", "phường Tân Phú", "tt Lộc Ninh"). */
export function extractCommune(text: string, areas: readonly AreaLike[] = []): Commune | undefined {
  const clean = text.normalize('NFC');
  const re = /[\p{L}\p{M}\p{N}]+|[.,;:!?\n()]/gu;
  const raw = [...clean.matchAll(re)].map((m) => m[0]);
  // A writer who types diacritics writes "xã"; their "xa" means "far".
  const lettered = raw.filter((w) => /^\p{L}/u.test(w));
  const marked = lettered.filter((w) => foldKey(w) !== w.toLowerCase()).length;
  const typesMarks = marked > 0 && marked * 4 >= lettered.length;
  const districtForms = areas.flatMap((a) => areaForms(a));
  const startsDistrict = (k: number): boolean => {
    const ahead = ` ${flat(raw.slice(k, k + 5).join(' '))} `;
    return districtForms.some((f) => ahead.startsWith(` ${f} `)) || /^ (?:thanh pho|thi xa) /.test(ahead);
  };
  for (let i = 0; i < raw.length; i++) {
    let typeWord = toneKey(raw[i]);
    let start = i + 1;
    // "thị trấn" is two words; "p." / "x." / "tt." have a dot.
    if (typeWord === 'thị' && toneKey(raw[i + 1] ?? '') === 'trấn') {
      typeWord = 'thị trấn';
      start = i + 2;
    } else if (typeWord === 'thi' && toneKey(raw[i + 1] ?? '') === 'tran') {
      typeWord = 'thi tran';
      start = i + 2;
    }
    const type = COMMUNE_TYPES.find(([pattern]) => pattern.test(typeWord));
    if (!type) continue;
    const short = typeWord === 'p' || typeWord === 'x' || typeWord === 'tt';
    if (short && raw[start] === '.') start++;
    else if (short && typeWord !== 'tt') {
      // "p Tân Phú" without a dot: only before a capital letter.
      if (!/^\p{Lu}/u.test(raw[start] ?? '')) continue;
    }
    const first = raw[start];
    if (!first || !/^[\p{L}\p{N}]/u.test(first)) continue;
    const capitalized = /^\p{Lu}/u.test(first);
    const cued = PLACE_CUES.test(` ${flat(raw.slice(Math.max(0, i - 3), i).join(' '))}`);
    // Without diacritics "xa" is also "far": accept it only before a capital, after a place cue, or as "x."/"p.".
    if (type[2] === 'plain' && !short && (typesMarks || (!capitalized && !cued))) continue;
    const name: string[] = [];
    for (let k = start; k < raw.length && name.length < 3; k++) {
      const w = raw[k];
      if (!/^[\p{L}\p{N}]/u.test(w)) break;
      const f = foldKey(w);
      if (name.length > 0 && (NAME_STOPS.has(f) || startsDistrict(k))) break;
      if (name.length > 0 && capitalized && !/^[\p{Lu}\p{N}]/u.test(w)) break;
      if (name.length === 0 && FIRST_WORD_STOPS.has(f)) break;
      name.push(w);
      if (!capitalized && name.length === 2) break;
    }
    if (name.length === 0) continue;
    const pretty = name.map((w) => w.charAt(0).toLocaleUpperCase('vi') + w.slice(1).toLocaleLowerCase('vi')).join(' ');
    return { type: type[1], name: pretty };
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ phone

/** Mobile prefixes in use (10 digits) and landline area codes (0 + 2 + 2 digits, 11 digits in all). */
const MOBILE = /^0(?:3[2-9]|5[25689]|7[06-9]|8[1-9]|9\d)\d{7}$/;
const LANDLINE = /^02\d{9}$/;
const CANDIDATE = /(?<![\d+])(?:\+\s?84|84|0)\d*(?:[\s.\-]\d+)*/g;

/** A Vietnamese phone number in the text, normalized to national form ("0912345678"); undefined if none is valid. */
export function extractPhone(text: string): string | undefined {
  for (const m of text.normalize('NFC').matchAll(CANDIDATE)) {
    // Digit groups are added one at a time, so a number followed by other figures ("0912345678 38 độ") is still
    // found, while a longer unbroken run (a 12-digit ID card number) never is.
    const groups = m[0].replace(/^\+\s?/, '+').split(/[\s.\-]+/);
    let digits = '';
    for (const g of groups) {
      digits += g.replace(/\D/g, '');
      const national = g.startsWith('+') || (digits.startsWith('84') && !digits.startsWith('840')) ? digits : digits;
      const normalized = m[0].startsWith('+') || (national.startsWith('84') && national.length >= 11) ? `0${national.slice(2)}` : national;
      if (normalized.length > 11) break;
      if (MOBILE.test(normalized) || LANDLINE.test(normalized)) return normalized;
    }
  }
  return undefined;
}

// ------------------------------------------------------------------------------------------------ all at once

/** Case details as text, the shape the urgent dialog and the case record keep. */
export interface ExtractedDetails {
  who?: string;
  subject?: Subject;
  onset?: string;
  onsetDate?: string;
  district?: string;
  districtId?: string;
  commune?: string;
  phone?: string;
}

/** Everything extractable from one message; fields the text does not give are absent. */
export function extractDetails(text: string, areas: readonly AreaLike[], now: Date = new Date()): ExtractedDetails {
  const out: ExtractedDetails = {};
  const subject = extractSubject(text);
  if (subject) {
    out.subject = subject;
    out.who = subject.who === 'self' ? 'người nhắn' : (subject.relation ?? subject.text);
  }
  const onset = extractOnset(text, now);
  if (onset) {
    out.onset = onset.text;
    if (onset.date) out.onsetDate = onset.date;
  }
  const district = extractDistrict(text, areas);
  if (district) {
    out.district = `${district.type} ${district.name}`;
    out.districtId = district.id;
  }
  const commune = extractCommune(text, areas);
  if (commune) out.commune = `${commune.type} ${commune.name}`;
  const phone = extractPhone(text);
  if (phone) out.phone = phone;
  return out;
}
