/**
 * Tokens for triage: syllables with both match keys (canonical-toned and ASCII-folded), numbers with their value,
 * and punctuation that bounds clauses and sentences. Teencode is expanded and Telex leftovers repaired here, so the
 * matcher sees "ko bj sootj" as "không bị sot".
 */
import { foldKey, toneKey } from './normalize';
import { inputMethodReadings } from './inputMethod';

export type TokenKind = 'word' | 'num' | 'punct' | 'stop';

export interface Token {
  /** Canonical-toned, lower-case NFC (punctuation: the character itself). */
  tone: string;
  /** ASCII fold of `tone`. */
  fold: string;
  kind: TokenKind;
  /** Typed without any diacritic, so every reading of the fold key is possible. */
  plain: boolean;
  /** Numbers: the value ("38,5" → 38.5); NaN for digit groups that are not one number ("0912.000.555"). */
  value: number;
  /** Rebuilt from raw Telex/VNI keystrokes: the marks are unknown. */
  repaired?: boolean;
  /** Expanded from teencode ("ko" → "không"): says nothing about whether the writer types diacritics. */
  expanded?: boolean;
}

export interface TokenizerOptions {
  /** Teencode: key → replacement text (keys without diacritics apply only to words typed without diacritics). */
  teencode: Record<string, string>;
  /** Fold keys the lexicon knows: a Telex/VNI reading is accepted only if it lands on one. */
  known: ReadonlySet<string>;
}

// Numbers (with decimal or group separators), words (letters, marks, then digits: "spo2", "f0"), sentence stops,
// clause punctuation.
const TOKEN = /(\d+(?:[.,]\d+)*)|([\p{L}\p{M}][\p{L}\p{M}\p{N}]*)|([.!?;\n\u2026]+)|([,:()\-\u2013\/%])/gu;
const DEGREE = /\s*°\s*[cC]?(?![\p{L}])/gu;
const REPEATS = /(\p{L})\1{2,}/gu;
// Shapes only raw Telex/VNI keystrokes have: doubled vowels, dd, w, a tone key at the end, a digit inside a word.
const KEYSTROKES = /dd|aa|ee|oo|w|[sfrxjz]$|\p{L}\d|\d\p{L}/u;
const FOLD_CACHE_LIMIT = 50_000;

function numberValue(text: string): number {
  const parts = text.split(/[.,]/);
  if (parts.length === 1) return Number(text);
  // "38,5" / "39.5": one decimal separator with 1–2 digits after it is a decimal number.
  if (parts.length === 2 && parts[1].length <= 2) return Number(`${parts[0]}.${parts[1]}`);
  return NaN;
}

function word(tone: string, plain: boolean): Token {
  return { tone, fold: foldKey(tone), kind: 'word', plain, value: NaN };
}

/** A tokenizer bound to one teencode table and lexicon. */
export function createTokenizer(options: TokenizerOptions): (text: string) => Token[] {
  const toned = new Map<string, Token[]>();
  const ascii = new Map<string, Token[]>();
  for (const [key, replacement] of Object.entries(options.teencode)) {
    const k = toneKey(key);
    const tokens = replacement.split(/\s+/).filter(Boolean).map((w) => ({ ...word(toneKey(w), false), expanded: true }));
    (k === foldKey(k) ? ascii : toned).set(k, tokens);
  }

  const folds = new Map<string, string>();
  const fold = (tone: string): string => {
    let f = folds.get(tone);
    if (f === undefined) {
      if (folds.size >= FOLD_CACHE_LIMIT) folds.clear();
      f = foldKey(tone);
      folds.set(tone, f);
    }
    return f;
  };

  return (text: string): Token[] => {
    const key = toneKey(text.replace(DEGREE, ' độ ')).replace(REPEATS, '$1');
    const out: Token[] = [];
    for (const m of key.matchAll(TOKEN)) {
      if (m[1] !== undefined) {
        out.push({ tone: m[1], fold: m[1], kind: 'num', plain: true, value: numberValue(m[1]) });
      } else if (m[2] !== undefined) {
        const tone = m[2];
        const f = fold(tone);
        const plain = tone === f;
        const replacement = toned.get(tone) ?? (plain ? ascii.get(f) : undefined);
        if (replacement) {
          out.push(...replacement.map((t) => ({ ...t })));
        } else if (plain && !options.known.has(f) && KEYSTROKES.test(f)) {
          // Raw keystrokes ("sootj", "ddau", "hongj"): keep a reading only if it is a lexicon syllable.
          const reading = inputMethodReadings(f).find((r) => options.known.has(r));
          const repaired = reading !== undefined ? (toned.get(reading) ?? ascii.get(reading)) : undefined;
          if (repaired) out.push(...repaired.map((t) => ({ ...t })));
          else out.push({ tone: reading ?? f, fold: reading ?? f, kind: 'word', plain: true, value: NaN, repaired: reading !== undefined });
        } else {
          out.push({ tone, fold: f, kind: 'word', plain, value: NaN });
        }
      } else if (m[3] !== undefined) {
        out.push({ tone: m[3], fold: m[3], kind: 'stop', plain: true, value: NaN });
      } else {
        out.push({ tone: m[4], fold: m[4], kind: 'punct', plain: true, value: NaN });
      }
    }
    // A word written without marks is "plain" (any reading possible) only if the writer is typing without
    // diacritics; in a message typed with diacritics, "ho" or "co giật" are meant as written.
    let words = 0;
    let marked = 0;
    for (const t of out) {
      if (t.kind !== 'word' || t.expanded || t.repaired) continue;
      words++;
      if (t.tone !== t.fold) marked++;
    }
    const typedWithMarks = marked > 0 && marked * 4 >= words;
    if (typedWithMarks) for (const t of out) if (t.kind === 'word' && t.plain && !t.repaired) t.plain = false;
    return out;
  };
}
