/**
 * Deterministic citizen-style variants of a question, for the retrieval evaluation and benchmark: diacritics removed,
 * teencode, typos, dropped words (and all of them at once). Seeded, so every run measures the same queries.
 */
import { foldKey, syllables, toneKey } from '../../src/nlp/normalize';
import type { TextRules } from '../../src/nlp/textRules';

export type VariantKind = 'no-diacritics' | 'teencode' | 'typos' | 'dropped-words' | 'combined';
export const VARIANT_KINDS: VariantKind[] = ['no-diacritics', 'teencode', 'typos', 'dropped-words'];

/** mulberry32: small, fast, seeded. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const KEYBOARD_ROWS = ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'];
const NEIGHBOURS = new Map<string, string>();
KEYBOARD_ROWS.forEach((row, r) => {
  for (let i = 0; i < row.length; i++) {
    let n = (row[i - 1] ?? '') + (row[i + 1] ?? '');
    if (KEYBOARD_ROWS[r - 1]) n += KEYBOARD_ROWS[r - 1].slice(Math.max(0, i - 1), i + 1);
    if (KEYBOARD_ROWS[r + 1]) n += KEYBOARD_ROWS[r + 1].slice(Math.max(0, i - 1), i + 1);
    NEIGHBOURS.set(row[i], n);
  }
});

function pick<T>(items: readonly T[], rng: () => number): T {
  return items[Math.floor(rng() * items.length)];
}

/** A fat-finger edit on one ASCII word: swap two neighbours, drop, double or mistype a letter. */
function typo(word: string, rng: () => number): string {
  const i = Math.floor(rng() * word.length);
  const kind = Math.floor(rng() * 4);
  if (kind === 0 && i < word.length - 1) return word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
  if (kind === 1) return word.slice(0, i) + word.slice(i + 1);
  const near = NEIGHBOURS.get(word[i]) ?? word[i];
  const c = pick([...near], rng);
  if (kind === 2) return word.slice(0, i + 1) + c + word.slice(i + 1);
  return word.slice(0, i) + c + word.slice(i + 1);
}

export class VariantMaker {
  /** Standard phrase (tone key) → teencode forms that always stand for it. */
  private readonly reverse = new Map<string, string[]>();
  private readonly longest: number;

  constructor(rules: TextRules) {
    for (const r of rules.teencode) {
      if (r.before || r.after) continue;
      const key = syllables(toneKey(r.means)).join(' ');
      const forms = r.forms.filter((f) => /^[\p{L}\p{N} ]+$/u.test(f));
      if (forms.length > 0) this.reverse.set(key, [...(this.reverse.get(key) ?? []), ...forms]);
    }
    this.longest = Math.max(1, ...[...this.reverse.keys()].map((k) => k.split(' ').length));
  }

  noDiacritics(text: string): string {
    return foldKey(text);
  }

  /** Replaces most standard words that have a teencode form; half the time also drops the diacritics. */
  teencode(text: string, rng: () => number): string {
    const words = syllables(toneKey(text));
    const out: string[] = [];
    for (let i = 0; i < words.length; ) {
      let replaced = false;
      for (let n = Math.min(this.longest, words.length - i); n >= 1 && !replaced; n--) {
        const forms = this.reverse.get(words.slice(i, i + n).join(' '));
        if (forms && rng() < 0.8) {
          out.push(pick(forms, rng));
          i += n;
          replaced = true;
        }
      }
      if (!replaced) out.push(words[i++]);
    }
    const joined = out.join(' ');
    return rng() < 0.5 ? foldKey(joined) : joined;
  }

  /** One typo per ~6 words (at least one), on words of 3+ letters; usually typed without diacritics too. */
  typos(text: string, rng: () => number): string {
    const base = rng() < 0.7 ? foldKey(text) : toneKey(text);
    const words = syllables(base);
    const eligible = words.map((w, i) => (/^[a-z]{3,}$/.test(w) ? i : -1)).filter((i) => i >= 0);
    const count = Math.max(1, Math.round(words.length / 6));
    for (let k = 0; k < count && eligible.length > 0; k++) {
      const j = eligible.splice(Math.floor(rng() * eligible.length), 1)[0];
      words[j] = typo(words[j], rng);
    }
    return words.join(' ');
  }

  /** Drops about a quarter of the words (at least one when there are four or more). */
  droppedWords(text: string, rng: () => number): string {
    const words = syllables(toneKey(text));
    if (words.length < 4) return words.join(' ');
    const drop = Math.max(1, Math.round(words.length * 0.25));
    const kept = [...words];
    for (let k = 0; k < drop; k++) kept.splice(Math.floor(rng() * kept.length), 1);
    return kept.join(' ');
  }

  make(kind: VariantKind, text: string, rng: () => number): string {
    switch (kind) {
      case 'no-diacritics':
        return this.noDiacritics(text);
      case 'teencode':
        return this.teencode(text, rng);
      case 'typos':
        return this.typos(text, rng);
      case 'dropped-words':
        return this.droppedWords(text, rng);
      case 'combined':
        return this.typos(this.teencode(this.droppedWords(text, rng), rng), rng);
    }
  }
}
