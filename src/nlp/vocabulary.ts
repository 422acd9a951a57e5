/**
 * The fold-key syllables an index knows, with typo correction against them: Damerau-Levenshtein distance 1
 * (candidates found through single deletions, as in symmetric-delete spell checkers, then checked with natural's
 * distance) and repair of two syllables typed without the space between them.
 */
// natural's distance module alone (typed): the package index pulls in ESM-only data files and storage adapters that
// read .env and print notices on stdout at import.
import { DamerauLevenshteinDistance } from 'natural/lib/natural/distance';

const MIN_TYPO_LENGTH = 3;
const MIN_SPLIT_PART = 2;

function singleDeletions(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export class Vocabulary {
  private readonly frequency = new Map<string, number>();
  private deletions: Map<string, string[]> | null = null;

  /** Counts one more document (or rule) using this fold syllable. */
  add(syllable: string, count = 1): void {
    this.frequency.set(syllable, (this.frequency.get(syllable) ?? 0) + count);
    this.deletions = null;
  }

  has(syllable: string): boolean {
    return this.frequency.has(syllable);
  }

  get size(): number {
    return this.frequency.size;
  }

  /** Builds the deletion table now, so the first query does not pay for it. */
  seal(): void {
    if (this.deletions) return;
    const table = new Map<string, string[]>();
    for (const word of this.frequency.keys()) {
      if (word.length < MIN_TYPO_LENGTH) continue;
      for (const d of new Set(singleDeletions(word))) {
        const list = table.get(d);
        if (list) list.push(word);
        else table.set(d, [word]);
      }
    }
    this.deletions = table;
  }

  /** The known syllable one edit away (insert, delete, substitute, swap), the most frequent one on a tie. */
  correct(word: string): string | undefined {
    if (word.length < MIN_TYPO_LENGTH || /^\d+$/.test(word)) return undefined;
    this.seal();
    const table = this.deletions!;
    const candidates = new Set<string>();
    // word is a known word with one letter missing
    for (const w of table.get(word) ?? []) candidates.add(w);
    for (const d of singleDeletions(word)) {
      // word has one extra letter
      if (this.frequency.has(d)) candidates.add(d);
      // one letter differs, or two neighbours are swapped
      for (const w of table.get(d) ?? []) candidates.add(w);
    }
    let best: string | undefined;
    let bestFrequency = 0;
    for (const c of candidates) {
      if (c === word || DamerauLevenshteinDistance(word, c, { restricted: true }) > 1) continue;
      const f = this.frequency.get(c) ?? 0;
      if (f > bestFrequency || (f === bestFrequency && best !== undefined && c < best)) {
        best = c;
        bestFrequency = f;
      }
    }
    return best;
  }

  /** Two known syllables typed without a space ("xetnghiem" → ["xet", "nghiem"]), the most frequent pair. */
  split(word: string): [string, string] | undefined {
    if (word.length < 2 * MIN_SPLIT_PART) return undefined;
    let best: [string, string] | undefined;
    let bestScore = 0;
    for (let i = MIN_SPLIT_PART; i <= word.length - MIN_SPLIT_PART; i++) {
      const left = word.slice(0, i);
      const right = word.slice(i);
      const score = Math.min(this.frequency.get(left) ?? 0, this.frequency.get(right) ?? 0);
      if (score > bestScore) {
        best = [left, right];
        bestScore = score;
      }
    }
    return best;
  }
}
