/**
 * Text → syllable tokens with two keys each (../shared/reference/vietnamese.md §1.3): the canonical-toned key and the
 * ASCII fold key. Teencode and abbreviations are expanded, synonyms collapse to one concept token, and (for queries,
 * given the index vocabulary) Telex/VNI leftovers, typos and missing spaces are repaired on the fold key.
 */
import { foldSyllable, hasDiacritics, syllables, toneKey } from './normalize';
import { inputMethodReadings } from './inputMethod';
import { isVietnameseSyllable } from './syllable';
import type { CompiledRules } from './textRules';
import type { Vocabulary } from './vocabulary';

export interface Token {
  /** Canonical-toned, lower-case key ("xét"). Equal to fold for concept tokens and repaired typos. */
  tone: string;
  /** ASCII fold key with i/y settled ("xet"); a concept token ("#vaccine") for synonyms. */
  fold: string;
  /** True when the tone key is what was written (not a repair or a concept), so a diacritic match can count. */
  literal: boolean;
}

export interface AnalyzedText {
  tokens: Token[];
  /** Whether the writer used diacritics at all; if not, no diacritic preference applies. */
  withDiacritics: boolean;
  /** Fold syllables after expansion and repair, before synonyms: the words an index learns as its vocabulary. */
  words: string[];
}

function expandTeencode(words: string[], rules: CompiledRules): Token[] {
  const out: Token[] = [];
  for (let i = 0; i < words.length; ) {
    const candidates = rules.teencode.get(words[i]);
    let applied = false;
    if (candidates) {
      const prev = i > 0 ? foldSyllable(words[i - 1]) : undefined;
      for (const rule of candidates) {
        const n = rule.form.length;
        if (i + n > words.length) continue;
        let same = true;
        for (let k = 1; k < n && same; k++) same = words[i + k] === rule.form[k];
        if (!same) continue;
        const next = i + n < words.length ? foldSyllable(words[i + n]) : undefined;
        if (rule.notAfter && prev !== undefined && rule.notAfter.has(prev)) continue;
        if (rule.before || rule.after) {
          const ok =
            (rule.before !== undefined && next !== undefined && rule.before.has(next)) ||
            (rule.after !== undefined && prev !== undefined && rule.after.has(prev));
          if (!ok) continue;
        }
        for (const e of rule.expansion) out.push({ tone: e, fold: foldSyllable(e), literal: true });
        i += n;
        applied = true;
        break;
      }
    }
    if (!applied) {
      out.push({ tone: words[i], fold: foldSyllable(words[i]), literal: true });
      i++;
    }
  }
  return out;
}

/**
 * Fold-key repair of a syllable the index does not know; returns the replacement syllables or undefined. A token
 * shaped like a real Vietnamese syllable ("cơm" typed "com") is only read as Telex/VNI leftovers, never "corrected"
 * into a different word the index happens to know.
 */
function repair(fold: string, vocabulary: Vocabulary): string[] | undefined {
  if (/^\d+$/.test(fold)) return undefined;
  for (const reading of inputMethodReadings(fold)) {
    const r = foldSyllable(reading);
    if (vocabulary.has(r)) return [r];
  }
  if (isVietnameseSyllable(fold)) return undefined;
  const corrected = vocabulary.correct(fold);
  if (corrected) return [corrected];
  return vocabulary.split(fold);
}

function collapseSynonyms(tokens: Token[], rules: CompiledRules): Token[] {
  if (rules.synonyms.size === 0) return tokens;
  const out: Token[] = [];
  for (let i = 0; i < tokens.length; ) {
    const candidates = rules.synonyms.get(tokens[i].fold);
    let applied = false;
    if (candidates) {
      for (const syn of candidates) {
        const n = syn.term.length;
        if (i + n > tokens.length) continue;
        let same = true;
        for (let k = 1; k < n && same; k++) same = tokens[i + k].fold === syn.term[k];
        if (!same) continue;
        out.push({ tone: syn.concept, fold: syn.concept, literal: false });
        i += n;
        applied = true;
        break;
      }
    }
    if (!applied) out.push(tokens[i++]);
  }
  return out;
}

/**
 * Analyzes text. With a vocabulary (queries), syllables unknown to it are repaired before synonyms are collapsed;
 * without one (index side), curated text is taken as written.
 */
export function analyze(text: string, rules: CompiledRules, vocabulary?: Vocabulary): AnalyzedText {
  const key = toneKey(text);
  const words = syllables(key);
  let tokens = expandTeencode(words, rules);
  if (vocabulary) {
    const repaired: Token[] = [];
    for (const t of tokens) {
      if (vocabulary.has(t.fold) || rules.knownSyllables.has(t.fold)) {
        repaired.push(t);
        continue;
      }
      const fixed = repair(t.fold, vocabulary);
      if (!fixed) repaired.push(t);
      else for (const f of fixed) repaired.push({ tone: f, fold: f, literal: false });
    }
    tokens = repaired;
  }
  let collapsed = collapseSynonyms(tokens, rules);
  if (rules.fillers.size > 0) collapsed = collapsed.filter((t) => !rules.fillers.has(t.tone));
  return {
    tokens: collapsed,
    withDiacritics: hasDiacritics(key),
    words: tokens.map((t) => t.fold),
  };
}

/** The baseline without Vietnamese normalization: NFC, lower case, syllables as written. */
export function analyzePlain(text: string): AnalyzedText {
  const words = syllables(text.normalize('NFC').toLowerCase());
  return { tokens: words.map((w) => ({ tone: w, fold: w, literal: false })), withDiacritics: false, words };
}
