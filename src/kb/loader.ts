/**
 * Loads the curated base from knowledge-base/qa/*.yaml (one file per topic: topic, title, entries) and reports every
 * problem with its file and line. A caller must refuse to publish when `problems` is not empty.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import type { KbEntry } from '../domain/kb';
import { checkEntry, TOPIC_PATTERN, type CheckOptions } from './entryRules';
import type { KbProblem } from './problems';
import { child, keysOf, parseYamlSource, type YamlSource } from './yamlSource';

export interface LoadedBase {
  entries: KbEntry[];
  problems: KbProblem[];
  files: string[];
}

export interface LoadOptions {
  /** Teencode forms, so an alternative written with them counts as a citizen-style phrasing. */
  citizenForms?: ReadonlySet<string>;
}

const FILE_KEYS = ['topic', 'title', 'entries'];

/** The YAML files of a directory (sorted), or the file itself. */
export function yamlFilesOf(path: string): string[] {
  if (!statSync(path).isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => /\.ya?ml$/i.test(name))
    .sort()
    .map((name) => join(path, name));
}

/** The node a field path ("alternatives[2]", "source.date") points at, or the nearest existing parent. */
function nodeAt(entryNode: unknown, field: string): unknown {
  const [head, sub] = field.split('.');
  const m = /^(\w+)\[(\d+)\]$/.exec(head);
  let node = child(entryNode, m ? m[1] : head);
  if (node === undefined) return entryNode;
  if (m && isSeq(node)) node = (node as YAMLSeq).items[Number(m[2])] ?? node;
  if (sub !== undefined) node = child(node, sub) ?? node;
  return node;
}

function loadFile(source: YamlSource, options: LoadOptions, seen: Map<string, string>): KbEntry[] {
  const { file, doc, lineOf, problems } = source;
  const problem = (node: unknown, code: string, message: string, entryId?: string) =>
    problems.push({ file, line: lineOf(node), code, message, ...(entryId ? { entryId } : {}) });
  if (doc.errors.length > 0) return [];
  const root = doc.contents;
  if (!isMap(root)) {
    problem(root, 'invalid-file', 'the file must be a map with topic, title and entries');
    return [];
  }
  for (const { key, line } of keysOf(root, lineOf)) {
    if (!FILE_KEYS.includes(key)) problems.push({ file, line, code: 'unknown-field', message: `unknown key "${key}"` });
  }
  const topicNode = child(root, 'topic');
  const topic = isScalar(topicNode) && topicNode.value !== null ? String(topicNode.value).trim() : '';
  if (!topic) problem(root, 'empty', 'topic is missing');
  else if (!TOPIC_PATTERN.test(topic)) problem(topicNode, 'invalid-id', `topic "${topic}" may use only a–z, digits, ".", "_" and "-"`);
  const titleNode = child(root, 'title');
  const title = isScalar(titleNode) ? titleNode.value : undefined;
  if (typeof title !== 'string' || !title.trim()) problem(titleNode ?? root, 'empty', 'title is missing');

  const entriesNode = child(root, 'entries');
  if (!isSeq(entriesNode)) {
    problem(entriesNode ?? root, 'not-a-list', 'entries must be a list');
    return [];
  }
  const entries: KbEntry[] = [];
  for (const item of (entriesNode as YAMLSeq).items) {
    if (!isMap(item)) {
      problem(item, 'invalid-entry', 'an entry must be a map (id, question, alternatives, …)');
      continue;
    }
    const raw = (item as YAMLMap).toJSON() as Record<string, unknown>;
    const checkOptions: CheckOptions = { strict: true, citizenForms: options.citizenForms };
    const { entry, issues } = checkEntry(raw, topic, checkOptions);
    const entryId = entry.id || undefined;
    for (const i of issues) problem(nodeAt(item, i.field), i.code, i.message, entryId);
    if (entry.id) {
      const here = `${file}:${lineOf(item)}`;
      const first = seen.get(entry.id);
      if (first) problem(child(item, 'id'), 'duplicate-id', `duplicate id "${entry.id}" (first at ${first})`, entry.id);
      else seen.set(entry.id, here);
    }
    entries.push(entry);
  }
  if (entries.length === 0) problem(entriesNode, 'empty', 'the file has no entries');
  return entries;
}

/** Reads a directory of topic files (or one file). Returns the entries and every problem found. */
export function loadKnowledgeBase(path: string, options: LoadOptions = {}): LoadedBase {
  const files = yamlFilesOf(path);
  const problems: KbProblem[] = [];
  const entries: KbEntry[] = [];
  const seen = new Map<string, string>();
  if (files.length === 0) problems.push({ file: path, line: 1, code: 'empty', message: 'no YAML files found' });
  for (const file of files) {
    const source = parseYamlSource(readFileSync(file, 'utf8'), file);
    entries.push(...loadFile(source, options, seen));
    problems.push(...source.problems);
  }
  problems.sort((a, b) => (a.file === b.file ? a.line - b.line : a.file < b.file ? -1 : 1));
  return { entries, problems, files };
}
