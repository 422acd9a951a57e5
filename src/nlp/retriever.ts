/**
 * FAQ retriever: BM25F over syllable unigrams and bigrams on the fold key, plus a small bonus for matching the exact
 * diacritics when the citizen typed them (../shared/reference/vietnamese.md §1.6). Fields (question, alternative
 * phrasings, keywords, answer) carry their own weight and length normalization. Every (term, entry) weight is
 * computed once at build time, so a query is a handful of map lookups and array additions.
 */
import { analyze, analyzePlain, type AnalyzedText } from './analyzer';
import { CONCEPT_PREFIX, NO_RULES, type CompiledRules } from './textRules';
import { Vocabulary } from './vocabulary';
import type { Decision, Match } from '../domain/kb';

/** What the retriever needs from an entry. */
export interface IndexDocument {
  id: string;
  question: string;
  alternatives: string[];
  keywords: string[];
  answer: string;
}

export interface FieldSetting {
  weight: number;
  /** BM25 length normalization, 0 (none) … 1 (full). */
  b: number;
}

export interface RetrieverSettings {
  fields: { question: FieldSetting; alternatives: FieldSetting; keywords: FieldSetting; answer: FieldSetting };
  k1: number;
  /** Query weight of a syllable bigram relative to a unigram. */
  bigramWeight: number;
  /** Query weight of an exact-diacritic unigram match (only when the query has diacritics). */
  diacriticWeight: number;
  /** Whether the answer text contributes bigrams (unigrams always count). */
  answerBigrams: boolean;
  /**
   * Terms found in more than this share of the entries, in a base of at least stopDocs entries, are skipped as stop
   * words: they carry little (idf < ln 1.4 at 70%) and their long postings would dominate query time.
   */
  stopShare: number;
  stopDocs: number;
  /** false: the baseline without Vietnamese normalization (NFC + lower case + syllables only). */
  vietnamese: boolean;
  /** Logistic calibration of the top match: confidence = σ(bias + top·s1 + margin·(s1 − s2)). */
  calibration: { bias: number; top: number; margin: number };
}

export const DEFAULT_SETTINGS: RetrieverSettings = {
  fields: {
    question: { weight: 1.0, b: 0.5 },
    alternatives: { weight: 1.0, b: 0.5 },
    keywords: { weight: 1.0, b: 0.3 },
    answer: { weight: 0.4, b: 0.75 },
  },
  k1: 1.2,
  // Tuned on held-out phrasings of the curated base (each phrasing queried against the others), not on the
  // citizen-style test set.
  bigramWeight: 0.25,
  diacriticWeight: 0.5,
  answerBigrams: true,
  stopShare: 0.3,
  stopDocs: 1000,
  vietnamese: true,
  // Fitted by `npx tsx scripts/eval/retrieval.ts --fit-calibration` (UIT train + the base's held-out phrasings).
  calibration: { bias: -4.2, top: 3.39, margin: 9.04 },
};

export interface Thresholds {
  /** Confidence at or above which the top entry is answered outright (unless a rival is close). */
  answer: number;
  /** Confidence below which nothing is offered (fallback). */
  suggest: number;
  /** A rival whose score is at least this share of the top score makes the case ambiguous (suggest). */
  close: number;
  /** Suggestions: entries scoring at least this share of the top score, at most maxOptions. */
  optionShare: number;
  maxOptions: number;
}

/**
 * Defaults chosen on the base's held-out phrasings: answering at ≥ 0.6 was right 98.6% of the time there; below 0.12
 * even the suggestions rarely hold the right entry. The lead's config may override them.
 */
export const DEFAULT_THRESHOLDS: Thresholds = { answer: 0.6, suggest: 0.12, close: 0.92, optionShare: 0.6, maxOptions: 3 };

export interface RetrievalResult {
  /** Best first; score is the share of the query's attainable score, in [0, 1]. */
  matches: Match[];
  /** Calibrated probability that the first match is the right entry, in [0, 1]. */
  confidence: number;
  /** The query was one of the first entry's curated phrasings, word for word (set by the live index). */
  exact?: boolean;
}

const FIELD_NAMES = ['question', 'alternatives', 'keywords', 'answer'] as const;
type FieldName = (typeof FIELD_NAMES)[number];
const TONE_PREFIX = '~';

/**
 * Postings of every term in one compressed-row layout: term t owns docs/weights[start[t] … start[t + 1]).
 * Unigrams and diacritic terms are found by text, bigrams by the pair of their unigram ids (no string building).
 */
interface Postings {
  termIds: ReadonlyMap<string, number>;
  bigramIds: ReadonlyMap<number, number>;
  idf: Float64Array;
  start: Int32Array;
  docs: Int32Array;
  weights: Float32Array;
}

/** Key of a bigram from its two unigram term ids; exact while ids stay below 2^26 (67 million terms). */
const PAIR = 2 ** 26;
function pairKey(first: number, second: number): number {
  return first * PAIR + second;
}

/** One field of one document: its distinct terms (ids) with counts, and its length in syllables. */
interface FieldTerms {
  terms: Int32Array;
  counts: Uint16Array;
  length: number;
}

const EMPTY_FIELD: FieldTerms = { terms: new Int32Array(0), counts: new Uint16Array(0), length: 0 };

/** One document as indexed: its text key, its field terms and the words it adds to the vocabulary. */
interface IndexedDocument {
  key: string;
  fields: FieldTerms[];
  words: string[];
}

/**
 * What builds with the same rules and settings share: term ids stay the same from one build to the next, and a
 * document whose text did not change is not analysed again. A publish that changes a few entries of a large base
 * then costs little more than laying out the postings. Terms of documents that left stay known but match nothing,
 * which scores exactly like an unseen term.
 */
export class BuildMemory {
  readonly termIds = new Map<string, number>();
  readonly bigramIds = new Map<number, number>();
  termCount = 0;
  /** The documents of the last build, by id. */
  docs = new Map<string, IndexedDocument>();
}

/** Collects documents one at a time (so a caller can yield between them), then builds the immutable Retriever. */
export class RetrieverBuilder {
  private readonly ids: string[] = [];
  private readonly termIds: Map<string, number>;
  private readonly bigramIds: Map<number, number>;
  /** Shared with the memory, so builders that overlap never give one id to two terms. */
  private readonly counter: { termCount: number };
  private readonly fields: FieldTerms[][] = [];
  private readonly vocabulary = new Vocabulary();
  private readonly indexed = new Map<string, IndexedDocument>();

  constructor(
    private readonly rules: CompiledRules = NO_RULES,
    private readonly settings: RetrieverSettings = DEFAULT_SETTINGS,
    private readonly memory?: BuildMemory,
  ) {
    this.termIds = memory?.termIds ?? new Map();
    this.bigramIds = memory?.bigramIds ?? new Map();
    this.counter = memory ?? { termCount: 0 };
  }

  get size(): number {
    return this.ids.length;
  }

  private termId(term: string): number {
    let id = this.termIds.get(term);
    if (id === undefined) this.termIds.set(term, (id = this.counter.termCount++));
    return id;
  }

  private fieldTerms(analyzedTexts: AnalyzedText[], withBigrams: boolean, withTones: boolean): FieldTerms {
    const counts = new Map<number, number>();
    let length = 0;
    const bump = (id: number) => counts.set(id, (counts.get(id) ?? 0) + 1);
    for (const a of analyzedTexts) {
      const t = a.tokens;
      length += t.length;
      let previous = -1;
      for (let i = 0; i < t.length; i++) {
        const id = this.termId(t[i].fold);
        bump(id);
        if (withBigrams && previous >= 0) {
          const key = pairKey(previous, id);
          let b = this.bigramIds.get(key);
          if (b === undefined) this.bigramIds.set(key, (b = this.counter.termCount++));
          bump(b);
        }
        previous = id;
        if (withTones && t[i].literal && !t[i].tone.startsWith(CONCEPT_PREFIX)) bump(this.termId(TONE_PREFIX + t[i].tone));
      }
    }
    if (length === 0) return EMPTY_FIELD;
    return { terms: Int32Array.from(counts.keys()), counts: Uint16Array.from(counts.values(), (c) => Math.min(c, 65535)), length };
  }

  add(doc: IndexDocument): void {
    const key = this.memory ? JSON.stringify([doc.question, doc.alternatives, doc.keywords, doc.answer]) : '';
    const known = this.memory?.docs.get(doc.id);
    const indexed = known && known.key === key ? known : this.index(doc, key);
    this.ids.push(doc.id);
    this.fields.push(indexed.fields);
    for (const w of indexed.words) this.vocabulary.add(w);
    if (this.memory) this.indexed.set(doc.id, indexed);
  }

  private index(doc: IndexDocument, key: string): IndexedDocument {
    const s = this.settings;
    const run = (text: string) => (s.vietnamese ? analyze(text, this.rules) : analyzePlain(text));
    const tones = s.vietnamese;
    const question = [run(doc.question)];
    const alternatives = doc.alternatives.map(run);
    const keywords = doc.keywords.map(run);
    const answer = [run(doc.answer)];
    const fields = [
      this.fieldTerms(question, true, tones),
      this.fieldTerms(alternatives, true, tones),
      this.fieldTerms(keywords, true, tones),
      // No diacritic terms from the answer: they would double its (long) postings for a small preference.
      this.fieldTerms(answer, s.answerBigrams, false),
    ];
    const seen = new Set<string>();
    if (s.vietnamese) for (const list of [question, alternatives, keywords, answer]) for (const a of list) for (const w of a.words) seen.add(w);
    return { key, fields, words: [...seen] };
  }

  build(): Retriever {
    const s = this.settings;
    const n = this.ids.length;
    const termCount = this.counter.termCount;
    if (this.memory) this.memory.docs = this.indexed;
    const fieldSettings = FIELD_NAMES.map((name: FieldName) => s.fields[name]);
    const avg = FIELD_NAMES.map((_, f) => {
      let total = 0;
      for (const doc of this.fields) total += doc[f].length;
      return n > 0 ? Math.max(total / n, 1) : 1;
    });

    // Pass 1: document frequency of each term (a term may sit in several fields of one document).
    const df = new Int32Array(termCount);
    const lastDoc = new Int32Array(termCount).fill(-1);
    for (let d = 0; d < n; d++) {
      for (const field of this.fields[d]) {
        for (const t of field.terms) {
          if (lastDoc[t] !== d) {
            lastDoc[t] = d;
            df[t]++;
          }
        }
      }
    }
    const start = new Int32Array(termCount + 1);
    for (let t = 0; t < termCount; t++) start[t + 1] = start[t] + df[t];
    const idf = new Float64Array(termCount);
    for (let t = 0; t < termCount; t++) idf[t] = Math.log(1 + (n - df[t] + 0.5) / (df[t] + 0.5));

    // Pass 2: weighted term frequency per (term, document) over the fields (BM25F), then saturation and idf.
    const docs = new Int32Array(start[termCount]);
    const weights = new Float32Array(start[termCount]);
    const fill = start.slice(0, termCount);
    const wtf = new Float64Array(termCount);
    const touched: number[] = [];
    for (let d = 0; d < n; d++) {
      touched.length = 0;
      for (let f = 0; f < FIELD_NAMES.length; f++) {
        const field = this.fields[d][f];
        if (field.length === 0) continue;
        const { weight, b } = fieldSettings[f];
        const norm = 1 - b + (b * field.length) / avg[f];
        for (let i = 0; i < field.terms.length; i++) {
          const t = field.terms[i];
          if (wtf[t] === 0) touched.push(t);
          wtf[t] += (weight * field.counts[i]) / norm;
        }
      }
      for (const t of touched) {
        const w = wtf[t];
        const at = fill[t]++;
        docs[at] = d;
        weights[at] = (idf[t] * w * (s.k1 + 1)) / (w + s.k1);
        wtf[t] = 0;
      }
    }
    if (s.vietnamese) {
      for (const w of this.rules.knownSyllables) this.vocabulary.add(w);
      this.vocabulary.seal();
    }
    const postings: Postings = { termIds: new Map(this.termIds), bigramIds: new Map(this.bigramIds), idf, start, docs, weights };
    return new Retriever(this.ids.slice(), postings, this.vocabulary, this.rules, s);
  }
}

/** Builds a retriever over documents in one go. */
export function buildRetriever(
  docs: Iterable<IndexDocument>,
  rules: CompiledRules = NO_RULES,
  settings: RetrieverSettings = DEFAULT_SETTINGS,
): Retriever {
  const builder = new RetrieverBuilder(rules, settings);
  for (const d of docs) builder.add(d);
  return builder.build();
}

export class Retriever {
  /** Reused accumulator, one slot per entry (queries run one at a time on the event loop). */
  private readonly scores: Float64Array;
  /** Score of one mention in an average-length question: a query fully found in a question scores about 1. */
  private readonly reference: number;
  private readonly unseenIdf: number;
  /** Postings longer than this belong to stop words (see RetrieverSettings.stopShare). */
  private readonly stopLength: number;

  constructor(
    readonly ids: readonly string[],
    private readonly postings: Postings,
    private readonly vocabulary: Vocabulary,
    private readonly rules: CompiledRules,
    readonly settings: RetrieverSettings,
  ) {
    const n = ids.length;
    this.scores = new Float64Array(n);
    const w = settings.fields.question.weight;
    this.reference = (w * (settings.k1 + 1)) / (w + settings.k1);
    this.unseenIdf = Math.log(1 + (n + 0.5) / 0.5);
    this.stopLength = n >= settings.stopDocs ? settings.stopShare * n : Infinity;
  }

  get size(): number {
    return this.ids.length;
  }

  /** Query analysis, exposed for diagnostics. */
  analyzeQuery(text: string): AnalyzedText {
    return this.settings.vietnamese ? analyze(text, this.rules, this.vocabulary) : analyzePlain(text);
  }

  /** Top entries for a question, best first, with the confidence that the first one is right. */
  search(text: string, limit = 5): RetrievalResult {
    const analyzed = this.analyzeQuery(text);
    const n = this.ids.length;
    if (n === 0 || analyzed.tokens.length === 0) return { matches: [], confidence: 0 };
    const withTones = this.settings.vietnamese && analyzed.withDiacritics;

    let attainable = 0;
    const scores = this.scores;
    scores.fill(0);
    const { termIds, bigramIds, idf, start, docs, weights } = this.postings;
    const seen = new Set<number>();
    const add = (t: number | undefined, queryWeight: number) => {
      if (t === undefined) {
        attainable += queryWeight * this.unseenIdf * this.reference;
        return;
      }
      if (seen.has(t)) return; // each distinct term counts once
      seen.add(t);
      const from = start[t];
      const to = start[t + 1];
      if (to - from > this.stopLength) return;
      attainable += queryWeight * idf[t] * this.reference;
      for (let i = from; i < to; i++) scores[docs[i]] += queryWeight * weights[i];
    };
    const { bigramWeight, diacriticWeight } = this.settings;
    const tokens = analyzed.tokens;
    const seenUnknown = new Set<string>();
    let previous: number | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i];
      const id = termIds.get(token.fold);
      if (id !== undefined) add(id, 1);
      else if (!seenUnknown.has(token.fold)) {
        seenUnknown.add(token.fold);
        add(undefined, 1);
      }
      if (i > 0) {
        // A bigram of two known syllables may still be unknown; one with an unknown syllable certainly is.
        const b = previous !== undefined && id !== undefined ? bigramIds.get(pairKey(previous, id)) : undefined;
        if (b !== undefined) add(b, bigramWeight);
        else attainable += bigramWeight * this.unseenIdf * this.reference;
      }
      previous = id;
      if (withTones && token.literal && !token.tone.startsWith(CONCEPT_PREFIX)) {
        const tone = termIds.get(TONE_PREFIX + token.tone);
        if (tone !== undefined) add(tone, diacriticWeight);
      }
    }

    // Partial selection of the best `limit`; ties keep the entry order of the base.
    const bestDocs: number[] = [];
    for (let d = 0; d < n; d++) {
      const s = scores[d];
      if (s <= 0) continue;
      if (bestDocs.length === limit) {
        const last = bestDocs[limit - 1];
        if (s <= scores[last]) continue;
        bestDocs.pop();
      }
      let j = bestDocs.length;
      while (j > 0 && scores[bestDocs[j - 1]] < s) j--;
      bestDocs.splice(j, 0, d);
    }
    const matches: Match[] = bestDocs.map((d) => ({
      id: this.ids[d],
      score: attainable > 0 ? Math.min(1, scores[d] / attainable) : 0,
    }));
    return { matches, confidence: calibrate(matches, this.settings.calibration) };
  }
}

function sigmoid(x: number): number {
  return 1 / (1 + Math.exp(-x));
}

/**
 * Features the calibration uses: the top score and its lead over the runner-up (absolute, so a lone weak match has
 * a small lead, not a perfect one).
 */
export function confidenceFeatures(matches: readonly Match[]): { top: number; margin: number } {
  if (matches.length === 0) return { top: 0, margin: 0 };
  const s1 = matches[0].score;
  const s2 = matches.length > 1 ? matches[1].score : 0;
  return { top: s1, margin: s1 - s2 };
}

export function calibrate(matches: readonly Match[], c: RetrieverSettings['calibration']): number {
  if (matches.length === 0) return 0;
  const f = confidenceFeatures(matches);
  return sigmoid(c.bias + c.top * f.top + c.margin * f.margin);
}

/** answer: confident and no close rival; suggest: a few close entries or middling confidence; else fallback. */
export function decide(result: RetrievalResult, thresholds: Thresholds = DEFAULT_THRESHOLDS): Decision {
  const { matches, confidence } = result;
  if (result.exact && matches.length) return 'answer';
  if (matches.length === 0 || confidence < thresholds.suggest) return 'fallback';
  const rivalClose = matches.length > 1 && matches[1].score >= thresholds.close * matches[0].score;
  if (confidence >= thresholds.answer && !rivalClose) return 'answer';
  return 'suggest';
}

/** The entries to offer when the decision is 'suggest': the top one and those close to it, at most maxOptions. */
export function suggestions(result: RetrievalResult, thresholds: Thresholds = DEFAULT_THRESHOLDS): Match[] {
  const top = result.matches[0];
  if (!top) return [];
  return result.matches
    .filter((m) => m.score >= thresholds.optionShare * top.score)
    .slice(0, thresholds.maxOptions);
}
