/**
 * Phrase matching on triage tokens. A phrase is looked up by its ASCII fold (so "kho tho", "khó thở" and "kho thở"
 * all reach it), then each syllable is judged against the diacritics that were typed: the exact word, no diacritics
 * (any reading possible), a typo ("sôt"), or another real word with the same fold ("họ" is not "ho").
 */
import { foldKey, toneKey } from './normalize';
import type { PhraseSpec } from './triageData';
import type { Token } from './triageTokens';

interface Syllable {
  /** '#' for a number placeholder; punctuation is kept as is. */
  tone: string;
  fold: string;
  kind: 'word' | 'num' | 'punct';
}

export interface PhraseOptions {
  /** Typed without diacritics it also has a harmless reading: needs a symptomatic context. */
  asciiAmbiguous: boolean;
  /** Needs a symptomatic context even with diacritics. */
  needsContext: boolean;
  /** May match words typed without diacritics. */
  ascii: boolean;
  /** A person right before it is not enough context ("em ho" = em họ, a cousin). */
  noSubjectSupport: boolean;
  /**
   * Several words, one typed exactly: forgive another real word in the rest ("khó thơ" → khó thở). Only for symptoms
   * (recall first); a harmless phrase must match every word ("ho có" typed with diacritics is not "họ có").
   */
  forgiving: boolean;
}

export interface Phrase<T> {
  text: string;
  syllables: Syllable[];
  options: PhraseOptions;
  payload: T;
  /** Insertion order: on equal spans the phrase added first wins. */
  order: number;
}

export interface PhraseMatch<T> {
  phrase: Phrase<T>;
  start: number;
  /** Exclusive. */
  end: number;
  /** Every word in the match was typed without diacritics. */
  plain: boolean;
  /** Words typed exactly as in the phrase. */
  exact: number;
}

interface TrieNode<T> {
  next: Map<string, TrieNode<T>>;
  /** The punctuation children, also reachable by a longer stop token ("?" by "??"). */
  punct: Array<[string, TrieNode<T>]>;
  phrases: Phrase<T>[];
}

type Quality = 'exact' | 'plain' | 'typo' | 'conflict' | 'none';

/** Phrases share most of their words: their keys are computed once. */
const syllableCache = new Map<string, Syllable>();

function syllablesOf(text: string): Syllable[] {
  return text
    .trim()
    .split(/\s+/)
    .map((raw): Syllable => {
      let syllable = syllableCache.get(raw);
      if (!syllable) {
        if (raw === '#') syllable = { tone: '#', fold: '#', kind: 'num' };
        else if (!/[\p{L}\p{N}]/u.test(raw)) syllable = { tone: raw, fold: raw, kind: 'punct' };
        else {
          const tone = toneKey(raw);
          syllable = { tone, fold: foldKey(tone), kind: 'word' };
        }
        syllableCache.set(raw, syllable);
      }
      return syllable;
    });
}

const TONE_MARKS = /[\u0300\u0301\u0303\u0309\u0323]/g;

/** The syllable without its tone mark, keeping the vowel shapes (â, ơ, ư…). */
function toneless(syllable: string): string {
  return syllable.normalize('NFD').replace(TONE_MARKS, '').normalize('NFC');
}

export function specText(spec: PhraseSpec): string {
  return typeof spec === 'string' ? spec : spec.text;
}

const NO_MATCHES: readonly never[] = Object.freeze([]);

export class PhraseSet<T> {
  private readonly root: TrieNode<T> = { next: new Map(), punct: [], phrases: [] };
  /** The same phrases keyed from their last syllable, for look-behind. */
  private readonly reverseRoot: TrieNode<T> = { next: new Map(), punct: [], phrases: [] };
  private count = 0;

  constructor(private readonly homographs: ReadonlyMap<string, ReadonlySet<string>>) {}

  add(spec: PhraseSpec, payload: T, forgiving = false): void {
    const text = specText(spec);
    const o: Exclude<PhraseSpec, string> | Record<string, undefined> = typeof spec === 'string' ? {} : spec;
    const syllables = syllablesOf(text);
    const words = syllables.filter((s) => s.kind === 'word').length;
    const phrase: Phrase<T> = {
      text,
      syllables,
      payload,
      order: this.count++,
      options: {
        asciiAmbiguous: o.ascii_ambiguous ?? words === 1,
        needsContext: o.needs_context ?? false,
        ascii: o.ascii ?? true,
        noSubjectSupport: o.no_subject_support ?? false,
        forgiving,
      },
    };
    insert(this.root, syllables, phrase);
    insert(this.reverseRoot, [...syllables].reverse(), phrase);
  }

  addAll(specs: readonly PhraseSpec[], payload: T, forgiving = false): this {
    for (const s of specs) this.add(s, payload, forgiving);
    return this;
  }

  /** Every fold syllable in the set (for input-method repair). */
  foldSyllables(into: Set<string>): void {
    const walk = (node: TrieNode<T>): void => {
      for (const [key, child] of node.next) {
        into.add(key);
        walk(child);
      }
    };
    walk(this.root);
  }

  /** All accepted matches starting at `start`, longest first (then in the order the phrases were added). */
  matchesAt(tokens: readonly Token[], start: number): readonly PhraseMatch<T>[] {
    if (!this.canStart(this.root, tokens[start])) return NO_MATCHES;
    let found: PhraseMatch<T>[] | undefined;
    this.descend(this.root, tokens, start, 1, 0, (node, len) => {
      for (const phrase of node.phrases) {
        const m = this.judge(phrase, tokens, start);
        if (m) (found ??= []).push(m);
      }
      return len;
    });
    if (!found) return NO_MATCHES;
    if (found.length > 1) found.sort((a, b) => b.end - a.end || a.phrase.order - b.phrase.order);
    return found;
  }

  /** The longest accepted match starting at `start`. */
  longestAt(tokens: readonly Token[], start: number): PhraseMatch<T> | undefined {
    return this.matchesAt(tokens, start)[0];
  }

  /** The longest accepted match that ends right before `end` (exclusive) and starts at or after `from`. */
  endingAt(tokens: readonly Token[], end: number, from = 0): PhraseMatch<T> | undefined {
    let best: PhraseMatch<T> | undefined;
    if (end <= from || !this.canStart(this.reverseRoot, tokens[end - 1])) return undefined;
    this.descend(this.reverseRoot, tokens, end - 1, -1, 0, (node, len) => {
      const start = end - len;
      if (start < from) return len;
      for (const phrase of node.phrases) {
        if (best && (best.end - best.start > len || (best.end - best.start === len && best.phrase.order < phrase.order))) continue;
        const m = this.judge(phrase, tokens, start);
        if (m) best = m;
      }
      return len;
    });
    return best;
  }

  /** The first match inside [from, to). */
  anyIn(tokens: readonly Token[], from: number, to: number): PhraseMatch<T> | undefined {
    for (let i = from; i < to; i++) {
      const m = this.matchesAt(tokens, i).find((x) => x.end <= to);
      if (m) return m;
    }
    return undefined;
  }

  /** Non-overlapping matches over [from, to): longer first, then more exact words, then earlier, then added first. */
  select(tokens: readonly Token[], from = 0, to = tokens.length): PhraseMatch<T>[] {
    const all: PhraseMatch<T>[] = [];
    for (let i = from; i < to; i++) for (const m of this.matchesAt(tokens, i)) if (m.end <= to) all.push(m);
    if (all.length === 0) return all;
    all.sort((a, b) => b.end - b.start - (a.end - a.start) || b.exact - a.exact || a.start - b.start || a.phrase.order - b.phrase.order);
    const taken = new Uint8Array(tokens.length);
    const chosen: PhraseMatch<T>[] = [];
    for (const m of all) {
      let free = true;
      for (let k = m.start; k < m.end; k++) if (taken[k]) free = false;
      if (!free) continue;
      taken.fill(1, m.start, m.end);
      chosen.push(m);
    }
    return chosen.sort((a, b) => a.start - b.start);
  }

  /** Walks the trie along the tokens from `j` in direction `step`, calling `visit` on every node reached. */
  private descend(node: TrieNode<T>, tokens: readonly Token[], j: number, step: 1 | -1, depth: number, visit: (node: TrieNode<T>, len: number) => number): void {
    if (j < 0 || j >= tokens.length || node.next.size === 0) return;
    const t = tokens[j];
    const direct = node.next.get(t.fold);
    if (direct) {
      visit(direct, depth + 1);
      this.descend(direct, tokens, j + step, step, depth + 1, visit);
    }
    if (t.kind === 'num') {
      const placeholder = node.next.get('#');
      if (placeholder) {
        visit(placeholder, depth + 1);
        this.descend(placeholder, tokens, j + step, step, depth + 1, visit);
      }
    } else if (t.kind !== 'word' && !direct && node.punct.length > 0) {
      const punct = this.punctChild(node, t);
      if (punct) {
        visit(punct, depth + 1);
        this.descend(punct, tokens, j + step, step, depth + 1, visit);
      }
    }
  }

  /** A cheap test that saves the walk for the many tokens no phrase starts (or ends) with. */
  private canStart(root: TrieNode<T>, t: Token | undefined): boolean {
    if (!t) return false;
    if (root.next.has(t.fold)) return true;
    if (t.kind === 'num') return root.next.has('#');
    return t.kind !== 'word' && root.punct.length > 0;
  }

  private punctChild(node: TrieNode<T>, t: Token): TrieNode<T> | undefined {
    for (const [key, child] of node.punct) if (t.tone.includes(key)) return child;
    return undefined;
  }

  private quality(s: Syllable, t: Token): Quality {
    if (s.kind === 'num') return t.kind === 'num' ? 'exact' : 'none';
    if (s.kind === 'punct') return t.kind !== 'word' && t.kind !== 'num' && t.tone.includes(s.tone) ? 'exact' : 'none';
    if (t.kind === 'num') return t.tone === s.tone ? 'exact' : 'none';
    if (t.kind !== 'word' || t.fold !== s.fold) return 'none';
    if (t.plain) return 'plain';
    if (t.tone === s.tone) return 'exact';
    return this.homographs.get(s.fold)?.has(t.tone) ? 'conflict' : 'typo';
  }

  private judge(phrase: Phrase<T>, tokens: readonly Token[], start: number): PhraseMatch<T> | undefined {
    let exact = 0;
    let plain = 0;
    let conflict = 0;
    let words = 0;
    const syllables = phrase.syllables;
    for (let k = 0; k < syllables.length; k++) {
      const s = syllables[k];
      const q = this.quality(s, tokens[start + k]);
      if (q === 'none') return undefined;
      if (s.kind !== 'word') continue;
      words++;
      if (q === 'exact') exact++;
      else if (q === 'plain') plain++;
      else if (q === 'conflict') conflict++;
    }
    if (words > 0 && plain === words && !phrase.options.ascii) return undefined;
    // One word: any other real word with that fold is not this one. Several words of a forgiving phrase: one exact
    // word is enough to forgive a near miss in the others, but a phrase made only of other words is not it.
    if (conflict > 0 && (words === 1 || exact === 0 || !phrase.options.forgiving)) return undefined;
    // A one-word phrase typed with other marks is a typo only if just the tone mark differs ("sôt" → sốt), not the
    // vowel ("ơi" is not "ói").
    if (words === 1 && exact === 0 && plain === 0) {
      const k = syllables.findIndex((s) => s.kind === 'word');
      if (toneless(tokens[start + k].tone) !== toneless(syllables[k].tone)) return undefined;
    }
    return { phrase, start, end: start + syllables.length, plain: words > 0 && plain === words, exact };
  }
}

function insert<T>(root: TrieNode<T>, syllables: readonly Syllable[], phrase: Phrase<T>): void {
  let node = root;
  for (const s of syllables) {
    let child = node.next.get(s.fold);
    if (!child) {
      child = { next: new Map(), punct: [], phrases: [] };
      node.next.set(s.fold, child);
      if (s.kind === 'punct') node.punct.push([s.fold, child]);
    }
    node = child;
  }
  node.phrases.push(phrase);
}

/** The homograph table of symptoms.yaml as fold → toned readings. */
export function homographMap(table: Record<string, string[]>): Map<string, Set<string>> {
  const map = new Map<string, Set<string>>();
  for (const [fold, readings] of Object.entries(table)) map.set(foldKey(fold), new Set(readings.map((r) => toneKey(r))));
  return map;
}
