/**
 * Retriever benchmark: p50/p99 query latency over 5,000 entries (UIT-ViCoV19QA train+val questions and answers, topped
 * up with seeded synthetic entries), and query throughput against natural's TfIdf (tfidf.tfidfs over every document)
 * on the same entries in the same run.
 *
 *   npx tsx scripts/bench/retriever.ts [--entries 5000] [--queries 5000] [--natural-queries 300] [--seed 1022]
 */
import { resolve } from 'node:path';
import { formatProblem } from '../../src/kb/problems';
import { loadTextRules } from '../../src/kb/textRulesFile';
import { buildRetriever, type IndexDocument } from '../../src/nlp/retriever';
import { compileRules } from '../../src/nlp/textRules';
import { loadUit, NaturalBaseline } from '../eval/retrievalData';
import { seededRandom, VARIANT_KINDS, VariantMaker } from '../eval/retrievalVariants';
import { percentile } from './support/child';

const ROOT = resolve(__dirname, '../..');

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

/** Synthetic entries stitched from pieces of real ones, so their words and lengths look like the real base. */
function synthetic(count: number, from: IndexDocument[], rng: () => number): IndexDocument[] {
  const words = (s: string) => s.split(/\s+/).filter(Boolean);
  const out: IndexDocument[] = [];
  for (let i = 0; i < count; i++) {
    const a = words(from[Math.floor(rng() * from.length)].question);
    const b = words(from[Math.floor(rng() * from.length)].question);
    const question = [...a.slice(0, Math.ceil(a.length / 2)), ...b.slice(Math.floor(b.length / 2))].join(' ');
    const answer = from[Math.floor(rng() * from.length)].answer;
    out.push({ id: `synthetic-${i + 1}`, question, alternatives: [], keywords: [], answer });
  }
  return out;
}

/** Runs the benchmark (reads --entries, --queries, --natural-queries, --seed from the command line). */
export function runRetrieverBench(): void {
  const entryCount = option('entries', 5000);
  const queryCount = option('queries', 5000);
  const naturalQueries = option('natural-queries', 300);
  const rng = seededRandom(option('seed', 1022));

  const loaded = loadTextRules(resolve(ROOT, 'knowledge-base/teencode.yaml'), resolve(ROOT, 'knowledge-base/synonyms.yaml'));
  if (loaded.problems.length > 0) {
    for (const p of loaded.problems) console.error(formatProblem(p));
    process.exit(1);
  }
  const rules = compileRules(loaded.rules);
  const uit = loadUit();
  const docs: IndexDocument[] = uit.slice(0, entryCount);
  if (docs.length < entryCount) docs.push(...synthetic(entryCount - docs.length, uit, rng));

  let t = performance.now();
  const retriever = buildRetriever(docs, rules);
  const buildMs = performance.now() - t;
  t = performance.now();
  const natural = new NaturalBaseline(docs, true);
  const naturalBuildMs = performance.now() - t;

  const maker = new VariantMaker(loaded.rules);
  const queries: string[] = [];
  for (let i = 0; i < queryCount; i++) {
    const d = docs[Math.floor(rng() * docs.length)];
    const kind = VARIANT_KINDS[i % VARIANT_KINDS.length];
    queries.push(maker.make(kind, d.question, rng));
  }

  for (const q of queries.slice(0, 200)) retriever.search(q, 5); // warm-up (JIT)
  const latencies: number[] = [];
  const start = performance.now();
  for (const q of queries) {
    const s = performance.now();
    retriever.search(q, 5);
    latencies.push(performance.now() - s);
  }
  const oursMs = performance.now() - start;
  latencies.sort((a, b) => a - b);

  const naturalSet = queries.slice(0, naturalQueries);
  for (const q of naturalSet.slice(0, 5)) natural.search(q, 5);
  const nStart = performance.now();
  for (const q of naturalSet) natural.search(q, 5);
  const naturalMs = performance.now() - nStart;

  const oursQps = queries.length / (oursMs / 1000);
  const naturalQps = naturalSet.length / (naturalMs / 1000);
  const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
  console.log(`entries: ${docs.length} (${Math.min(uit.length, entryCount)} UIT train+val, ${Math.max(0, entryCount - uit.length)} synthetic)`);
  console.log(`build: ours ${buildMs.toFixed(0)} ms, natural TfIdf ${naturalBuildMs.toFixed(0)} ms`);
  console.log(
    `ours: ${queries.length} queries  p50 ${percentile(latencies, 50).toFixed(3)} ms  p99 ${percentile(latencies, 99).toFixed(3)} ms  max ${latencies[latencies.length - 1].toFixed(3)} ms  mean ${mean.toFixed(3)} ms  ${oursQps.toFixed(0)} queries/s`,
  );
  console.log(`natural TfIdf (tfidfs over all documents): ${naturalSet.length} queries  ${(naturalMs / naturalSet.length).toFixed(2)} ms/query  ${naturalQps.toFixed(1)} queries/s`);
  console.log(`throughput ratio ours / natural: ${(oursQps / naturalQps).toFixed(0)}×`);
}

if (require.main === module) runRetrieverBench();
