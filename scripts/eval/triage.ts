/**
 * Triage evaluation (issue 4): precision and recall for urgent-or-emergency and for emergency alone, on the labeled
 * set and on the held-out set, for our triage and for a plain keyword-list baseline in the same run, plus throughput.
 *
 *   npx tsx scripts/eval/triage.ts [--symptoms FILE] [--errors] [--errors-heldout]
 *
 * --errors prints the labeled set's mistakes (for tuning); --errors-heldout prints the held-out set's (only for the
 * final report: tuning on it would make it a second training set).
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { TriageVerdict, UrgencyLevel } from '../../src/domain/types';
import { foldKey } from '../../src/nlp/normalize';
import { DEFAULT_SYMPTOMS_FILE, triageFromFile } from '../../src/nlp/triage';

export interface LabeledMessage {
  text: string;
  level: UrgencyLevel;
}

type Classifier = (text: string) => UrgencyLevel;

export interface Scores {
  n: number;
  anyPrecision: number;
  anyRecall: number;
  emergencyPrecision: number;
  emergencyRecall: number;
  /** Exact three-way agreement. */
  accuracy: number;
}

const DATA_DIR = resolve(__dirname, 'data');
const LEVELS: readonly UrgencyLevel[] = ['none', 'urgent', 'emergency'];

export function loadLabeled(file: string): LabeledMessage[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line, i) => ({ line: line.trim(), i }))
    .filter(({ line }) => line !== '')
    .map(({ line, i }) => {
      const row = JSON.parse(line) as Partial<LabeledMessage>;
      if (typeof row.text !== 'string' || !LEVELS.includes(row.level as UrgencyLevel)) throw new Error(`${file}:${i + 1}: needs "text" and "level"`);
      return { text: row.text, level: row.level as UrgencyLevel };
    });
}

/**
 * The baseline: a fixed symptom word list matched as whole words on the ASCII fold key (the obvious first attempt:
 * no negation, no questions, no homographs).
 */
const BASELINE_EMERGENCY = ['kho tho', 'tho nhanh', 'tho doc', 'tho gap', 'khong tho duoc', 'spo2', 'sp02', 'tuc nguc', 'dau nguc', 'tim tai', 'moi tim', 'lo mo', 'li bi', 'co giat', 'ngat', 'bat tinh', 'phan ve', 'ho ra mau', 'sot 40'];
const BASELINE_URGENT = ['sot', 'ho', 'dau hong', 'met', 'met moi', 'dau dau', 'mat vi giac', 'mat khuu giac', 'tieu chay', 'dau nhuc', 'so mui', 'on lanh', 'non', 'dau co', 'nghet mui'];

export function baselineClassifier(): Classifier {
  const pattern = (words: string[]): RegExp => new RegExp(`(?:^|[^a-z0-9])(?:${words.join('|')})(?![a-z0-9])`);
  const emergency = pattern(BASELINE_EMERGENCY);
  const urgent = pattern(BASELINE_URGENT);
  return (text) => {
    const key = foldKey(text);
    return emergency.test(key) ? 'emergency' : urgent.test(key) ? 'urgent' : 'none';
  };
}

export function score(set: readonly LabeledMessage[], classify: Classifier): { scores: Scores; errors: Array<LabeledMessage & { got: UrgencyLevel }> } {
  let anyTp = 0;
  let anyFp = 0;
  let anyFn = 0;
  let emTp = 0;
  let emFp = 0;
  let emFn = 0;
  let agree = 0;
  const errors: Array<LabeledMessage & { got: UrgencyLevel }> = [];
  for (const row of set) {
    const got = classify(row.text);
    const wantAny = row.level !== 'none';
    const gotAny = got !== 'none';
    if (wantAny && gotAny) anyTp++;
    else if (gotAny) anyFp++;
    else if (wantAny) anyFn++;
    const wantEm = row.level === 'emergency';
    const gotEm = got === 'emergency';
    if (wantEm && gotEm) emTp++;
    else if (gotEm) emFp++;
    else if (wantEm) emFn++;
    if (got === row.level) agree++;
    else errors.push({ ...row, got });
  }
  const ratio = (a: number, b: number): number => (b === 0 ? 1 : a / b);
  return {
    scores: {
      n: set.length,
      anyPrecision: ratio(anyTp, anyTp + anyFp),
      anyRecall: ratio(anyTp, anyTp + anyFn),
      emergencyPrecision: ratio(emTp, emTp + emFp),
      emergencyRecall: ratio(emTp, emTp + emFn),
      accuracy: ratio(agree, set.length),
    },
    errors,
  };
}

/**
 * Messages per second of CPU time (user + system of this process) over repeated passes of at least `minMs` CPU
 * time: on a shared machine wall time also counts the other processes' turns.
 */
export function throughput(texts: readonly string[], classify: Classifier, minMs = 1000): { perCpuSecond: number; perWallSecond: number } {
  for (const t of texts) classify(t); // warm up
  let count = 0;
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  let cpuMs = 0;
  while (cpuMs < minMs) {
    for (const t of texts) classify(t);
    count += texts.length;
    const used = process.cpuUsage(cpu0);
    cpuMs = (used.user + used.system) / 1000;
  }
  const wallMs = Number(process.hrtime.bigint() - wall0) / 1e6;
  return { perCpuSecond: (count / cpuMs) * 1000, perWallSecond: (count / wallMs) * 1000 };
}

function pct(x: number): string {
  return `${(x * 100).toFixed(1)}%`.padStart(7);
}

export function runTriageEval(argv: string[] = process.argv.slice(2)): void {
  const arg = (name: string): string | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const file = arg('--symptoms') ?? DEFAULT_SYMPTOMS_FILE;
  const t0 = process.hrtime.bigint();
  const ours = triageFromFile(file);
  const compileMs = Number(process.hrtime.bigint() - t0) / 1e6;
  const classifiers: Array<[string, Classifier]> = [
    ['triage', (text) => ours(text).level],
    ['keyword baseline', baselineClassifier()],
  ];
  const sets: Array<[string, LabeledMessage[]]> = [
    ['labeled', loadLabeled(resolve(DATA_DIR, 'triage-labeled.jsonl'))],
    ['held-out', loadLabeled(resolve(DATA_DIR, 'triage-heldout.jsonl'))],
  ];

  console.log(`lexicon ${file} compiled in ${compileMs.toFixed(0)} ms\n`);
  console.log('set        n    classifier          | urgent-or-emergency  | emergency alone      | 3-way');
  console.log('                                    | precision  recall    | precision  recall    | accuracy');
  for (const [setName, set] of sets) {
    const counts = LEVELS.map((l) => `${l} ${set.filter((r) => r.level === l).length}`).join(', ');
    for (const [name, classify] of classifiers) {
      const { scores: s } = score(set, classify);
      console.log(
        `${setName.padEnd(10)} ${String(s.n).padEnd(4)} ${name.padEnd(19)} | ${pct(s.anyPrecision)}   ${pct(s.anyRecall)}   | ${pct(s.emergencyPrecision)}   ${pct(s.emergencyRecall)}   | ${pct(s.accuracy)}`,
      );
    }
    console.log(`${' '.repeat(16)}(${counts})`);
  }

  const texts = sets.flatMap(([, set]) => set.map((r) => r.text));
  console.log('\nthroughput (all messages, repeated for ≥ 1 s of CPU time):');
  for (const [name, classify] of classifiers) {
    const rate = throughput(texts, classify);
    const cpu = Math.round(rate.perCpuSecond).toLocaleString('en-US').padStart(9);
    const wall = Math.round(rate.perWallSecond).toLocaleString('en-US');
    console.log(`  ${name.padEnd(19)} ${cpu} messages per CPU second (${(1e6 / rate.perCpuSecond).toFixed(1)} µs each; ${wall}/s by wall clock)`);
  }

  const show = (setName: string, set: LabeledMessage[]): void => {
    const { errors } = score(set, (text) => ours(text).level);
    console.log(`\n${setName} mistakes (${errors.length}):`);
    for (const e of errors) console.log(`  want ${e.level.padEnd(9)} got ${e.got.padEnd(9)} ${e.text}  ${JSON.stringify(ours(e.text).symptoms)}`);
  };
  if (argv.includes('--errors')) show('labeled', sets[0][1]);
  if (argv.includes('--errors-heldout')) show('held-out', sets[1][1]);
}

if (require.main === module) runTriageEval();
