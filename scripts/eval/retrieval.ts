/**
 * Retrieval evaluation: top-1, top-3 and MRR of our retriever beside two baselines in the same run (natural's TfIdf
 * on raw text; our ranker without Vietnamese normalization), on
 *   (a) seeded variants of the base's own questions (no diacritics, teencode, typos, dropped words),
 *   (b) the citizen-style set scripts/eval/data/citizen-questions.jsonl,
 *   (c) UIT-ViCoV19QA train+val questions as a 4,000-entry base, queried with such variants (a seeded sample).
 * Also: how the answer/suggest/fallback decision behaves, and how often a question whose entry is absent is answered.
 *
 *   npx tsx scripts/eval/retrieval.ts [--kb DIR] [--uit-sample N] [--seed N] [--fit-calibration]
 */
import { resolve } from 'node:path';
import type { KbEntry } from '../../src/domain/kb';
import { loadKnowledgeBase } from '../../src/kb/loader';
import { formatProblem } from '../../src/kb/problems';
import { loadTextRules, teencodeForms } from '../../src/kb/textRulesFile';
import {
  buildRetriever,
  confidenceFeatures,
  decide,
  DEFAULT_SETTINGS,
  DEFAULT_THRESHOLDS,
  type IndexDocument,
  type Retriever,
  type RetrieverSettings,
  suggestions,
} from '../../src/nlp/retriever';
import { compileRules, type CompiledRules, type TextRules } from '../../src/nlp/textRules';
import { foldKey } from '../../src/nlp/normalize';
import { loadCitizenSet, loadUit, NaturalBaseline, type LabeledQuestion } from './retrievalData';
import { seededRandom, VARIANT_KINDS, VariantMaker, type VariantKind } from './retrievalVariants';

const ROOT = resolve(__dirname, '../..');

interface Args {
  kb: string;
  citizen: string;
  uitSample: number;
  seed: number;
  fitCalibration: boolean;
}

function parseArgs(argv: string[]): Args {
  const args: Args = {
    kb: resolve(ROOT, 'knowledge-base/qa'),
    citizen: resolve(ROOT, 'scripts/eval/data/citizen-questions.jsonl'),
    uitSample: 1000,
    seed: 1022,
    fitCalibration: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--kb') args.kb = resolve(argv[++i]);
    else if (a === '--citizen') args.citizen = resolve(argv[++i]);
    else if (a === '--uit-sample') args.uitSample = Number(argv[++i]);
    else if (a === '--seed') args.seed = Number(argv[++i]);
    else if (a === '--fit-calibration') args.fitCalibration = true;
    else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

/** A ranker under test: returns ids best first. */
interface System {
  name: string;
  rank(text: string): string[];
}

function systemsFor(docs: IndexDocument[], rules: CompiledRules): { ours: Retriever; systems: System[] } {
  const ours = buildRetriever(docs, rules);
  const plain = buildRetriever(docs, rules, { ...DEFAULT_SETTINGS, vietnamese: false });
  const natural = new NaturalBaseline(docs);
  return {
    ours,
    systems: [
      { name: 'ours', rank: (t) => ours.search(t, 10).matches.map((m) => m.id) },
      { name: 'ours, no Vietnamese normalization', rank: (t) => plain.search(t, 10).matches.map((m) => m.id) },
      { name: 'natural TfIdf (raw text)', rank: (t) => natural.search(t, 10).map((m) => m.id) },
    ],
  };
}

interface Score {
  n: number;
  top1: number;
  top3: number;
  mrr: number;
  ms: number;
}

/** Each system ranks each question once; groups that share questions reuse the ranking. */
const rankings = new WeakMap<System, Map<LabeledQuestion, { ids: string[]; ms: number }>>();

function rankOnce(system: System, q: LabeledQuestion): { ids: string[]; ms: number } {
  let bySystem = rankings.get(system);
  if (!bySystem) rankings.set(system, (bySystem = new Map()));
  let r = bySystem.get(q);
  if (!r) {
    const start = performance.now();
    const ids = system.rank(q.text);
    r = { ids, ms: performance.now() - start };
    bySystem.set(q, r);
  }
  return r;
}

function timed(system: System, text: string): { ids: string[]; ms: number } {
  const start = performance.now();
  const ids = system.rank(text);
  return { ids, ms: performance.now() - start };
}

function evaluate(system: System, questions: LabeledQuestion[]): Score {
  let top1 = 0;
  let top3 = 0;
  let mrr = 0;
  let ms = 0;
  for (const q of questions) {
    const ranked = rankOnce(system, q);
    ms += ranked.ms;
    const rank = ranked.ids.findIndex((id) => q.expected.includes(id));
    if (rank === 0) top1++;
    if (rank >= 0 && rank < 3) top3++;
    if (rank >= 0) mrr += 1 / (rank + 1);
  }
  const n = questions.length;
  return { n, top1: top1 / n, top3: top3 / n, mrr: mrr / n, ms };
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`.padStart(6);

function report(title: string, groups: Map<string, LabeledQuestion[]>, systems: System[]): void {
  console.log(`\n${title}`);
  console.log(`${'set'.padEnd(16)} ${'system'.padEnd(36)} ${'n'.padStart(6)}  top-1  top-3    MRR  ms/query`);
  for (const [name, questions] of groups) {
    if (questions.length === 0) continue;
    for (const s of systems) {
      const r = evaluate(s, questions);
      console.log(
        `${name.padEnd(16)} ${s.name.padEnd(36)} ${String(r.n).padStart(6)} ${pct(r.top1)} ${pct(r.top3)} ${r.mrr.toFixed(3).padStart(6)} ${(r.ms / r.n).toFixed(3).padStart(9)}`,
      );
    }
  }
}

/** Ids of entries whose question reads the same (the UIT set repeats some questions). */
function sameQuestionIds(docs: IndexDocument[]): Map<string, string[]> {
  const byText = new Map<string, string[]>();
  for (const d of docs) {
    const k = foldKey(d.question).replace(/[^a-z0-9]+/g, ' ').trim();
    byText.set(k, [...(byText.get(k) ?? []), d.id]);
  }
  const out = new Map<string, string[]>();
  for (const ids of byText.values()) for (const id of ids) out.set(id, ids);
  return out;
}

function variantsOf(
  docs: IndexDocument[],
  maker: VariantMaker,
  seed: number,
  kinds: VariantKind[] = [...VARIANT_KINDS, 'combined'],
): Map<string, LabeledQuestion[]> {
  const same = sameQuestionIds(docs);
  const groups = new Map<string, LabeledQuestion[]>(kinds.map((k) => [k, []]));
  const all: LabeledQuestion[] = [];
  const rng = seededRandom(seed);
  for (const d of docs) {
    for (const kind of kinds) {
      const q = { text: maker.make(kind, d.question, rng), expected: same.get(d.id) ?? [d.id], kind };
      groups.get(kind)!.push(q);
      if (kind !== 'combined') all.push(q);
    }
  }
  groups.set('all 4 kinds', all);
  return groups;
}

/** Decision outcome counts for ours: answer precision, and how often each decision is taken. */
function decisionReport(title: string, ours: Retriever, questions: LabeledQuestion[], absent = false): void {
  let answer = 0;
  let answerRight = 0;
  let suggest = 0;
  let suggestHasRight = 0;
  for (const q of questions) {
    const r = ours.search(q.text, 5);
    const d = decide(r, DEFAULT_THRESHOLDS);
    if (d === 'answer') {
      answer++;
      if (q.expected.includes(r.matches[0].id)) answerRight++;
    } else if (d === 'suggest') {
      suggest++;
      if (suggestions(r, DEFAULT_THRESHOLDS).some((m) => q.expected.includes(m.id))) suggestHasRight++;
    }
  }
  const n = questions.length;
  const fallback = n - answer - suggest;
  if (absent) {
    console.log(
      `${title.padEnd(44)} n=${n}  answered (wrongly): ${pct(answer / n)}  suggest: ${pct(suggest / n)}  fallback: ${pct(fallback / n)}`,
    );
  } else {
    console.log(
      `${title.padEnd(44)} n=${n}  answer: ${pct(answer / n)} (right ${pct(answer ? answerRight / answer : 0)})  suggest: ${pct(suggest / n)} (right one offered ${pct(suggest ? suggestHasRight / suggest : 0)})  fallback: ${pct(fallback / n)}`,
    );
  }
}

/** Solves the 3×3 system h·x = g (Cramer's rule). */
function solve3(h: number[][], g: number[]): number[] {
  const det = (m: number[][]) =>
    m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) -
    m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
    m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  const d = det(h);
  return [0, 1, 2].map((c) => det(h.map((row, r) => row.map((v, k) => (k === c ? g[r] : v)))) / d);
}

function shuffled<T>(items: readonly T[], rng: () => number): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

/**
 * The base's own paraphrases: fold k takes phrasing k (0 = the question) out of every entry that has it, indexes the
 * rest, and asks with the phrasing taken out. A development set drawn from the base alone (not the citizen set).
 */
function heldOutPhrasings(entries: IndexDocument[]): Array<{ docs: IndexDocument[]; questions: LabeledQuestion[] }> {
  const folds: Array<{ docs: IndexDocument[]; questions: LabeledQuestion[] }> = [];
  const most = Math.max(0, ...entries.map((e) => 1 + e.alternatives.length));
  for (let k = 0; k < most; k++) {
    const questions: LabeledQuestion[] = [];
    const docs = entries.map((e) => {
      const phrasings = [e.question, ...e.alternatives];
      if (k >= phrasings.length || phrasings.length < 2) return e;
      questions.push({ text: phrasings[k], expected: [e.id], kind: 'held-out phrasing' });
      const rest = phrasings.filter((_, i) => i !== k);
      return { ...e, question: rest[0], alternatives: rest.slice(1) };
    });
    if (questions.length > 0) folds.push({ docs, questions });
  }
  return folds;
}

/**
 * Fits the confidence calibration (logistic regression on the top score and its lead) on data that excludes the
 * citizen-style set and UIT val/test: UIT train with half its questions indexed (variants of indexed questions are
 * positives when ranked first; variants of the other half have no right entry), and the curated base's held-out
 * phrasings (positives when ranked first) with entries left out (no right entry). Both sources weigh the same.
 */
function fitCalibration(rules: CompiledRules, textRules: TextRules, entries: IndexDocument[], seed: number): RetrieverSettings['calibration'] {
  const rng = seededRandom(seed + 7);
  const maker = new VariantMaker(textRules);
  const uitSamples: Array<{ x: [number, number]; y: number }> = [];
  const train = shuffled(loadUit(undefined, ['train']), rng);
  const half = Math.floor(train.length / 2);
  const indexed = train.slice(0, half);
  const uitRetriever = buildRetriever(indexed, rules);
  const same = sameQuestionIds(indexed);
  for (const [docs, present] of [
    [indexed, true],
    [train.slice(half), false],
  ] as const) {
    for (const d of docs.slice(0, 1200)) {
      for (const kind of [...VARIANT_KINDS, 'combined'] as VariantKind[]) {
        const r = uitRetriever.search(maker.make(kind, d.question, rng), 5);
        const f = confidenceFeatures(r.matches);
        const right = present && r.matches.length > 0 && (same.get(d.id) ?? [d.id]).includes(r.matches[0].id);
        uitSamples.push({ x: [f.top, f.margin], y: right ? 1 : 0 });
      }
    }
  }
  const baseSamples: Array<{ x: [number, number]; y: number }> = [];
  for (const fold of heldOutPhrasings(entries)) {
    const r = buildRetriever(fold.docs, rules);
    for (const q of fold.questions) {
      const m = r.search(q.text, 5).matches;
      const f = confidenceFeatures(m);
      baseSamples.push({ x: [f.top, f.margin], y: m.length > 0 && q.expected.includes(m[0].id) ? 1 : 0 });
    }
  }
  for (let i = 0; i < entries.length; i++) {
    const r = buildRetriever(entries.filter((_, j) => j !== i), rules);
    for (const text of [entries[i].question, ...entries[i].alternatives]) {
      const f = confidenceFeatures(r.search(text, 5).matches);
      baseSamples.push({ x: [f.top, f.margin], y: 0 });
    }
  }
  const samples = [
    ...uitSamples.map((s) => ({ ...s, w: 0.5 / uitSamples.length })),
    ...baseSamples.map((s) => ({ ...s, w: 0.5 / Math.max(1, baseSamples.length) })),
  ];
  // Newton's method on the weighted log-loss (three parameters: a 3×3 system per step).
  let beta = [0, 0, 0];
  for (let it = 0; it < 25; it++) {
    const g = [0, 0, 0];
    const h = [
      [1e-9, 0, 0],
      [0, 1e-9, 0],
      [0, 0, 1e-9],
    ];
    for (const { x, y, w } of samples) {
      const v = [1, x[0], x[1]];
      const p = 1 / (1 + Math.exp(-(beta[0] + beta[1] * v[1] + beta[2] * v[2])));
      for (let i = 0; i < 3; i++) {
        g[i] += w * (p - y) * v[i];
        for (let j = 0; j < 3; j++) h[i][j] += w * p * (1 - p) * v[i] * v[j];
      }
    }
    beta = beta.map((bi, i) => bi - solve3(h, g)[i]);
  }
  const [b, w1, w2] = beta;
  const round = (x: number) => Math.round(x * 100) / 100;
  const fitted = { bias: round(b), top: round(w1), margin: round(w2) };
  console.log(`calibration fitted on ${uitSamples.length} UIT-train and ${baseSamples.length} curated-base queries:`, JSON.stringify(fitted));
  return fitted;
}

/** Reliability of the confidence: predicted vs observed share of right first matches, in bins. */
function reliability(title: string, ours: Retriever, questions: LabeledQuestion[]): void {
  const bins = Array.from({ length: 5 }, () => ({ n: 0, conf: 0, right: 0 }));
  for (const q of questions) {
    const r = ours.search(q.text, 5);
    const bin = bins[Math.min(4, Math.floor(r.confidence * 5))];
    bin.n++;
    bin.conf += r.confidence;
    if (r.matches[0] && q.expected.includes(r.matches[0].id)) bin.right++;
  }
  const cells = bins.map((b, i) =>
    b.n ? `[${(i / 5).toFixed(1)}–${((i + 1) / 5).toFixed(1)}) n=${b.n} conf ${(b.conf / b.n).toFixed(2)} right ${(b.right / b.n).toFixed(2)}` : '',
  );
  console.log(`${title}: ${cells.filter(Boolean).join(' | ')}`);
}

/** Runs the evaluation with command-line style arguments (scripts/eval/index.ts may call it). */
export function runRetrievalEval(argv: string[] = process.argv.slice(2)): void {
  const args = parseArgs(argv);
  const t0 = performance.now();
  const loadedRules = loadTextRules(resolve(ROOT, 'knowledge-base/teencode.yaml'), resolve(ROOT, 'knowledge-base/synonyms.yaml'));
  if (loadedRules.problems.length > 0) {
    for (const p of loadedRules.problems) console.error(formatProblem(p));
    process.exit(1);
  }
  const rules = compileRules(loadedRules.rules);
  const maker = new VariantMaker(loadedRules.rules);

  // (a) and (b): the curated base
  const base = loadKnowledgeBase(args.kb, { citizenForms: teencodeForms(loadedRules.rules) });
  if (base.problems.length > 0) {
    console.log(`note: the base has ${base.problems.length} problem(s) (it would be refused for publishing); evaluating anyway`);
  }
  const entries: KbEntry[] = base.entries.filter((e) => e.id && e.question);
  console.log(`curated base: ${entries.length} entries from ${base.files.length} files`);
  if (args.fitCalibration) {
    fitCalibration(rules, loadedRules.rules, entries, args.seed);
    return;
  }
  if (entries.length > 0) {
    const { ours, systems } = systemsFor(entries, rules);
    const variants = variantsOf(entries, maker, args.seed);
    report('(a) variants of the base’s own questions', variants, systems);
    // Development set for tuning: the base's own paraphrases, each asked against the other phrasings.
    const folds = heldOutPhrasings(entries);
    const heldOutSystems: System[] = systems.map((s) => ({ name: s.name, rank: () => [] }));
    const heldOut = new Map<string, LabeledQuestion[]>([['held-out', []]]);
    for (const fold of folds) {
      const built = systemsFor(fold.docs, rules).systems;
      for (const q of fold.questions) {
        heldOut.get('held-out')!.push(q);
        built.forEach((b, i) => rankings.set(heldOutSystems[i], (rankings.get(heldOutSystems[i]) ?? new Map()).set(q, { ...timed(b, q.text) })));
      }
    }
    report('(dev) held-out phrasings of the base (tuning set)', heldOut, heldOutSystems);
    const citizen = loadCitizenSet(args.citizen);
    const known = new Set(entries.map((e) => e.id));
    if (citizen) {
      const usable = citizen.filter((q) => q.expected.some((id) => known.has(id)));
      if (usable.length < citizen.length) console.log(`note: ${citizen.length - usable.length} citizen questions expect ids not in the base`);
      report('(b) citizen-style questions', new Map([['citizen', usable]]), systems);
      console.log('\ndecisions (ours, default thresholds)');
      decisionReport('(b) citizen-style', ours, usable);
      reliability('confidence reliability, (b) citizen-style', ours, usable);
    } else {
      console.log(`\n(b) ${args.citizen} not found: skipped`);
      console.log('\ndecisions (ours, default thresholds)');
    }
    decisionReport('(a) variants, all 4 kinds', ours, variants.get('all 4 kinds')!);
    // Leave-one-out: the entry is missing, so the right move is suggest or fallback, never answer.
    const absent: LabeledQuestion[] = [];
    const rngOut = seededRandom(args.seed + 1);
    let falseAnswers = 0;
    for (let i = 0; i < entries.length; i++) {
      const others = entries.filter((_, j) => j !== i);
      const r = buildRetriever(others, rules);
      for (const kind of ['no-diacritics', 'teencode'] as VariantKind[]) {
        const q = { text: maker.make(kind, entries[i].question, rngOut), expected: [], kind };
        absent.push(q);
        if (decide(r.search(q.text, 5)) === 'answer') falseAnswers++;
      }
    }
    console.log(`${'(a) entry left out of the base'.padEnd(44)} n=${absent.length}  answered (wrongly): ${pct(falseAnswers / absent.length)}`);
    reliability('confidence reliability, (a) variants', ours, variants.get('all 4 kinds')!);
  }

  // (c) UIT train+val as a 4,000-entry base
  if (args.uitSample <= 0) return;
  const uit = loadUit();
  const rng = seededRandom(args.seed + 2);
  const sample = shuffled(uit, rng).slice(0, Math.min(args.uitSample, uit.length));
  const tBuild = performance.now();
  const { ours: uitOurs, systems: uitSystems } = systemsFor(uit, rules);
  console.log(`\nUIT base: ${uit.length} entries (train+val), 3 systems built in ${((performance.now() - tBuild) / 1000).toFixed(1)} s; querying a seeded sample of ${sample.length}`);
  const same = sameQuestionIds(uit);
  const uitVariants = variantsOf(sample, maker, args.seed + 3);
  for (const list of uitVariants.values()) for (const q of list) q.expected = same.get(q.expected[0]) ?? q.expected;
  report('(c) UIT-ViCoV19QA train+val as the base, variants of its questions', uitVariants, uitSystems);
  console.log('\ndecisions (ours, default thresholds)');
  decisionReport('(c) UIT variants, all 4 kinds', uitOurs, uitVariants.get('all 4 kinds')!);
  reliability('confidence reliability, (c) UIT variants', uitOurs, uitVariants.get('all 4 kinds')!);
  if (entries.length > 0) {
    // UIT questions are mostly outside the curated base: an upper bound of wrong answers on unknown questions.
    const curated = buildRetriever(entries, rules);
    const outside = sample.slice(0, 500).map((d) => ({ text: d.question, expected: [] as string[], kind: 'uit' }));
    decisionReport('UIT questions asked to the curated base', curated, outside, true);
  }
  console.log(`\ntotal ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

if (require.main === module) runRetrievalEval();
