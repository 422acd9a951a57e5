/**
 * Data and baselines for the retrieval evaluation and benchmark. The UIT-ViCoV19QA train/val questions are read at
 * run time only (never copied into the product); test.csv is reserved and never read here.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
// Deep imports: the package index pulls in ESM-only data files and storage adapters that print on stdout.
import { TfIdf } from 'natural/lib/natural/tfidf';
import { AggressiveTokenizerVi } from 'natural/lib/natural/tokenizers';
import type { IndexDocument } from '../../src/nlp/retriever';

export const UIT_DIR = '/work/shared/data/uit-vicov19qa';
const UIT_SPLITS = ['train', 'val'] as const; // test.csv: reserved for release measurements

export interface UitEntry extends IndexDocument {
  split: (typeof UIT_SPLITS)[number];
}

/** UIT train+val as index documents (question + answer), ids "train-123"/"val-456". */
export function loadUit(dir = UIT_DIR, splits: ReadonlyArray<(typeof UIT_SPLITS)[number]> = UIT_SPLITS): UitEntry[] {
  const out: UitEntry[] = [];
  for (const split of splits) {
    const rows = parse(readFileSync(join(dir, `${split}.csv`)), {
      delimiter: '|',
      columns: true,
      relax_quotes: true,
      bom: true,
    }) as Array<{ id: string; Question: string; Answer_1: string }>;
    for (const r of rows) {
      const question = r.Question.normalize('NFC').trim();
      if (!question) continue;
      out.push({ id: `${split}-${r.id}`, split, question, alternatives: [], keywords: [], answer: (r.Answer_1 ?? '').normalize('NFC').trim() });
    }
  }
  return out;
}

export interface LabeledQuestion {
  text: string;
  /** Entry ids that count as right (several when the base holds the same question twice). */
  expected: string[];
  kind: string;
}

/** scripts/eval/data/citizen-questions.jsonl: {"text", "expected"} per line; undefined if the file is missing. */
export function loadCitizenSet(file: string): LabeledQuestion[] | undefined {
  if (!existsSync(file)) return undefined;
  const out: LabeledQuestion[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (!line.trim()) return;
      try {
        const o = JSON.parse(line) as { text: string; expected: string | string[] };
        out.push({ text: o.text, expected: Array.isArray(o.expected) ? o.expected : [o.expected], kind: 'citizen' });
      } catch {
        throw new Error(`${file}:${i + 1}: not a JSON line`);
      }
    });
  return out;
}

/** natural's TfIdf over the same documents, tokenized with natural's Vietnamese tokenizer on raw text. */
export class NaturalBaseline {
  private readonly tfidf = new TfIdf();
  private readonly tokenizer = new AggressiveTokenizerVi();
  readonly ids: string[];

  constructor(docs: readonly IndexDocument[], withAnswer = false) {
    this.ids = docs.map((d) => d.id);
    for (const d of docs) {
      const text = [d.question, ...d.alternatives, ...d.keywords, ...(withAnswer ? [d.answer] : [])].join(' ');
      this.tfidf.addDocument(this.tokenizer.tokenize(text.toLowerCase()));
    }
  }

  /** Scores every document (tfidf.tfidfs), best first, top `limit`. */
  search(text: string, limit = 10): Array<{ id: string; score: number }> {
    const terms = this.tokenizer.tokenize(text.toLowerCase());
    const scores = this.tfidf.tfidfs(terms);
    const order = scores
      .map((s, i) => ({ i, s }))
      .filter((x) => x.s > 0)
      .sort((a, b) => b.s - a.s || a.i - b.i)
      .slice(0, limit);
    return order.map(({ i, s }) => ({ id: this.ids[i], score: s }));
  }
}
