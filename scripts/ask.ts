/**
 * Asks the FAQ retriever from the command line (people and release checks):
 *
 *   npm run --silent ask -- [--kb FILE] [--base DIR] < questions.jsonl
 *
 * Input: one JSON object per line, { "id"?: any, "text": string }. Output, one line per input in the same order:
 * { "id", "text", "matches": [{ "id", "score" }] (best first, up to 5), "decision", "urgent": { "level", "symptoms" },
 * "reply" }. A line that cannot be read gives { "id", "error" } instead; the run goes on.
 * --kb FILE uses that CSV/XLSX base (or a YAML file/folder) instead of knowledge-base/qa, and writes nothing anywhere.
 */
import { loadConfig } from '../src/config';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { KbEntry } from '../src/domain/kb';
import type { TriageVerdict } from '../src/domain/types';
import { LiveIndex, type LiveResult } from '../src/kb/liveIndex';
import { loadKnowledgeBase } from '../src/kb/loader';
import { formatProblem } from '../src/kb/problems';
import { formatRowError } from '../src/kb/table';
import { readTableFile, tableFormatOf } from '../src/kb/tableFile';
import { fill, loadTemplates, type Templates } from '../src/kb/templates';
import { loadTextRules, teencodeForms } from '../src/kb/textRulesFile';
import { decide, DEFAULT_THRESHOLDS, suggestions, type Thresholds } from '../src/nlp/retriever';
import { compileRules } from '../src/nlp/textRules';
import { triage } from '../src/nlp/triage';

const ROOT = resolve(__dirname, '..');
const KB_DIR = resolve(ROOT, 'knowledge-base');
const MAX_MATCHES = 5;
const REQUIRED_TEMPLATES = ['faq.suggest', 'faq.suggest.option', 'faq.fallback', 'urgent.safety', 'emergency.safety'];

interface Output {
  id: unknown;
  text: string;
  matches: Array<{ id: string; score: number }>;
  decision: string;
  urgent: TriageVerdict;
  reply: string;
}

function fail(lines: string[]): never {
  for (const l of lines) process.stderr.write(`${l}\n`);
  process.exit(1);
}

function parseArgs(argv: string[]): { kb?: string } {
  const args: { kb?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--kb' && argv[i + 1]) args.kb = resolve(argv[++i]);
    else fail([`unknown argument "${argv[i]}". Usage: npm run --silent ask -- [--kb FILE.csv|FILE.xlsx] < questions.jsonl`]);
  }
  return args;
}

async function loadEntries(kb: string | undefined, citizenForms: Set<string>): Promise<KbEntry[]> {
  if (kb && !existsSync(kb)) fail([`${kb}: no such file`]);
  if (kb && tableFormatOf(kb)) {
    // A throw-away base: only what answering needs is required (id, question, answer), so any test table works.
    const result = await readTableFile(kb, { strict: false, citizenForms });
    if (!result.ok) fail([`${kb}: the base was refused:`, ...result.errors.map((e) => `  ${formatRowError(e)}`)]);
    return result.entries;
  }
  const path = kb ?? resolve(KB_DIR, 'qa');
  if (kb && !statSync(kb).isDirectory() && !/\.ya?ml$/i.test(kb)) fail([`${kb}: use a .csv, .xlsx or .yaml file`]);
  const base = loadKnowledgeBase(path, { citizenForms });
  if (base.problems.length > 0) fail([`${path}: the base was refused:`, ...base.problems.map((p) => `  ${formatProblem(p)}`)]);
  return base.entries;
}

function replyFor(result: LiveResult, decision: string, urgent: TriageVerdict, templates: Templates, thresholds: Thresholds): string {
  // An urgent verdict replaces everything else: the safety message alone.
  if (urgent.level === 'emergency') return fill(templates['emergency.safety'], {});
  if (urgent.level === 'urgent') {
    return fill(templates['urgent.safety'], { agencyName: templates['urgent.agencyFallback'] ?? '', agencyPhone: '' });
  }
  if (decision === 'answer') return result.entries[0].answer;
  if (decision === 'suggest') {
    const byId = new Map(result.matches.map((m, i) => [m.id, result.entries[i]]));
    const lines = suggestions(result, thresholds).map((m, i) =>
      fill(templates['faq.suggest.option'], { number: i + 1, question: byId.get(m.id)!.question }),
    );
    return fill(templates['faq.suggest'], { options: `\n${lines.join('\n')}` });
  }
  return fill(templates['faq.fallback'], {});
}

function answerLine(line: string, index: LiveIndex, templates: Templates, thresholds: Thresholds): string {
  let input: unknown;
  try {
    input = JSON.parse(line);
  } catch {
    return JSON.stringify({ id: null, error: 'not valid JSON' });
  }
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    return JSON.stringify({ id: null, error: 'expected a JSON object { "id"?, "text" }' });
  }
  const { id = null, text } = input as { id?: unknown; text?: unknown };
  if (typeof text !== 'string') return JSON.stringify({ id, error: '"text" must be a string' });
  const result = index.search(text, MAX_MATCHES);
  const decision = decide(result, thresholds);
  const urgent = triage(text);
  const out: Output = {
    id,
    text,
    matches: result.matches.map((m) => ({ id: m.id, score: Math.round(m.score * 10000) / 10000 })),
    decision,
    urgent: { level: urgent.level, symptoms: urgent.symptoms },
    reply: replyFor(result, decision, urgent, templates, thresholds),
  };
  return JSON.stringify(out);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const rules = loadTextRules(resolve(KB_DIR, 'teencode.yaml'), resolve(KB_DIR, 'synonyms.yaml'));
  if (rules.problems.length > 0) fail(rules.problems.map(formatProblem));
  let templates: Templates;
  try {
    templates = loadTemplates(resolve(KB_DIR, 'templates.yaml'));
  } catch (err) {
    fail([(err as Error).message]);
  }
  const missing = REQUIRED_TEMPLATES.filter((k) => !templates[k]);
  if (missing.length > 0) fail([`knowledge-base/templates.yaml: missing ${missing.join(', ')}`]);
  const entries = await loadEntries(args.kb, teencodeForms(rules.rules));
  const index = new LiveIndex({ rules: compileRules(rules.rules) });
  index.publishNow(entries);
  // The same thresholds as the running bot (ANSWER_THRESHOLD, SUGGEST_THRESHOLD).
  const config = loadConfig();
  const thresholds = { ...DEFAULT_THRESHOLDS, answer: config.ANSWER_THRESHOLD, suggest: config.SUGGEST_THRESHOLD };

  // Output is buffered and flushed in blocks: one write per line would dominate 10,000 questions.
  let buffer: string[] = [];
  const flush = () => {
    if (buffer.length > 0) process.stdout.write(buffer.join(''));
    buffer = [];
  };
  const lines = createInterface({ input: process.stdin, crlfDelay: Infinity });
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    let out: string;
    try {
      out = answerLine(line, index, templates, thresholds);
    } catch (err) {
      out = JSON.stringify({ id: null, error: `internal error: ${(err as Error).message}` });
    }
    buffer.push(`${out}\n`);
    if (buffer.length >= 500) flush();
  }
  flush();
}

main().catch((err: unknown) => fail([`ask: ${(err as Error).stack ?? String(err)}`]));
