/** YAML parsing that keeps line numbers, so every problem can point at the line to fix. */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import type { KbProblem } from './problems';

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  /** 1-based line where a node starts (1 for a missing node). */
  lineOf(node: unknown): number;
  problems: KbProblem[];
}

export function parseYamlSource(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const problems: KbProblem[] = [];
  for (const e of doc.errors) {
    const line = e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line;
    problems.push({ file, line, code: 'yaml-syntax', message: `YAML syntax: ${e.message.split('\n')[0]}` });
  }
  const lineOf = (node: unknown): number => {
    const range = (node as Node | undefined)?.range;
    return range ? lineCounter.linePos(range[0]).line : 1;
  };
  if (doc.errors.length === 0) {
    // Text must already be NFC: otherwise two spellings of one word look alike and never match.
    const walk = (node: unknown): void => {
      if (isScalar(node)) {
        if (typeof node.value === 'string' && node.value !== node.value.normalize('NFC')) {
          problems.push({ file, line: lineOf(node), code: 'not-nfc', message: `text is not in Unicode NFC: "${node.value.slice(0, 40)}"` });
        }
      } else if (isMap(node)) {
        for (const pair of node.items) {
          walk(pair.key);
          walk(pair.value);
        }
      } else if (isSeq(node)) {
        for (const item of node.items) walk(item);
      }
    };
    walk(doc.contents);
  }
  return { file, doc, lineOf, problems };
}

/** The value node stored under a key of a map node, if any. */
export function child(map: unknown, key: string): unknown {
  if (!isMap(map)) return undefined;
  const pair = (map as YAMLMap).items.find((p) => isScalar(p.key) && p.key.value === key);
  return pair?.value ?? undefined;
}

/** Keys of a map node with their lines. */
export function keysOf(map: unknown, lineOf: (n: unknown) => number): Array<{ key: string; line: number }> {
  if (!isMap(map)) return [];
  return (map as YAMLMap).items.map((p) => ({
    key: isScalar(p.key) ? String(p.key.value) : String(p.key),
    line: lineOf(p.key),
  }));
}
