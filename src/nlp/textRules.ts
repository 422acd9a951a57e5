/**
 * Teencode/abbreviation and synonym rules as plain data (read from knowledge-base/teencode.yaml and synonyms.yaml by
 * src/kb), compiled into lookup tables the analyzer walks. Pure: no I/O here.
 */
import { foldSyllable, syllables, toneKey } from './normalize';

export interface TeencodeRule {
  /** Written forms, each one or more syllables: "ko", "đc", "cô vy". */
  forms: string[];
  /** What the form stands for, in standard spelling with diacritics: "không". */
  means: string;
  /** Expand only when the next syllable (fold key) is one of these… */
  before?: string[];
  /** …or the previous syllable (fold key) is one of these. With neither, the form always expands. */
  after?: string[];
  /** Never expand right after one of these syllables (fold key). */
  notAfter?: string[];
}

export interface SynonymGroup {
  /** Stable name of the concept ("vaccine"); becomes the shared index term. */
  name: string;
  /** Every way of writing it: "vắc xin", "vaccine", "vx"… */
  terms: string[];
}

export interface TextRules {
  teencode: TeencodeRule[];
  synonyms: SynonymGroup[];
  /** Particles and forms of address ("ạ", "ơi", "ad", "em") that say nothing about the topic: dropped. */
  fillers?: string[];
}

export interface CompiledTeencode {
  /** Form syllables on the tone key (matched exactly, so "hỏng" never reads as "hong"). */
  form: string[];
  expansion: string[];
  before?: Set<string>;
  after?: Set<string>;
  notAfter?: Set<string>;
}

export interface CompiledSynonym {
  /** Term syllables on the fold key. */
  term: string[];
  /** Shared token that replaces the term in index and query. */
  concept: string;
}

export interface CompiledRules {
  /** By first syllable; longest form first, context-bound rules before unconditional ones. */
  teencode: Map<string, CompiledTeencode[]>;
  /** By first fold syllable; longest term first. */
  synonyms: Map<string, CompiledSynonym[]>;
  /** Fold syllables that occur in expansions and synonym terms: known words even when no entry uses them. */
  knownSyllables: Set<string>;
  /** Filler syllables on the tone key (exact marks: "ạ" and "a" are fillers, "nhà" is not although "nha" may be). */
  fillers: Set<string>;
}

/** Prefix of a concept token; never produced by tokenizing text, so it cannot collide with a written word. */
export const CONCEPT_PREFIX = '#';

function foldSet(words: string[] | undefined): Set<string> | undefined {
  if (!words || words.length === 0) return undefined;
  return new Set(words.map((w) => foldSyllable(w)));
}

export function compileRules(rules: TextRules): CompiledRules {
  const teencode = new Map<string, CompiledTeencode[]>();
  const synonyms = new Map<string, CompiledSynonym[]>();
  const knownSyllables = new Set<string>();

  for (const rule of rules.teencode) {
    const expansion = syllables(toneKey(rule.means));
    for (const s of expansion) knownSyllables.add(foldSyllable(s));
    for (const written of rule.forms) {
      const form = syllables(toneKey(written));
      if (form.length === 0) continue;
      const compiled: CompiledTeencode = {
        form,
        expansion,
        before: foldSet(rule.before),
        after: foldSet(rule.after),
        notAfter: foldSet(rule.notAfter),
      };
      const list = teencode.get(form[0]) ?? [];
      list.push(compiled);
      teencode.set(form[0], list);
    }
  }
  const isConditional = (r: CompiledTeencode) => (r.before || r.after ? 1 : 0);
  for (const list of teencode.values()) {
    list.sort((a, b) => b.form.length - a.form.length || isConditional(b) - isConditional(a));
  }

  for (const group of rules.synonyms) {
    const concept = CONCEPT_PREFIX + group.name;
    for (const written of group.terms) {
      const term = syllables(toneKey(written)).map(foldSyllable);
      if (term.length === 0) continue;
      for (const s of term) knownSyllables.add(s);
      const list = synonyms.get(term[0]) ?? [];
      list.push({ term, concept });
      synonyms.set(term[0], list);
    }
  }
  for (const list of synonyms.values()) list.sort((a, b) => b.term.length - a.term.length);

  const fillers = new Set<string>();
  for (const f of rules.fillers ?? []) for (const s of syllables(toneKey(f))) fillers.add(s);
  return { teencode, synonyms, knownSyllables, fillers };
}

/** Rules that change nothing: the analyzer then only normalizes. */
export const NO_RULES: CompiledRules = compileRules({ teencode: [], synonyms: [] });
