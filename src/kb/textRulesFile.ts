/**
 * Reads knowledge-base/teencode.yaml and knowledge-base/synonyms.yaml into the retriever's TextRules, validating
 * both and reporting each problem with file and line.
 */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, isSeq, type YAMLMap, type YAMLSeq } from 'yaml';
import { foldSyllable, syllables, toneKey } from '../nlp/normalize';
import type { SynonymGroup, TeencodeRule, TextRules } from '../nlp/textRules';
import type { KbProblem } from './problems';
import { child, keysOf, parseYamlSource, type YamlSource } from './yamlSource';

export interface LoadedTextRules {
  rules: TextRules;
  problems: KbProblem[];
}

const RULE_KEYS = ['forms', 'means', 'before', 'after', 'notAfter'];
const GROUP_KEYS = ['name', 'terms'];

/** A list of non-empty strings (numbers are accepted as written), or undefined with a problem recorded. */
function stringList(
  src: YamlSource,
  node: unknown,
  what: string,
  required: boolean,
  fallbackNode: unknown,
): string[] | undefined {
  if (node === undefined) {
    if (required) src.problems.push({ file: src.file, line: src.lineOf(fallbackNode), code: 'empty', message: `${what} is missing` });
    return undefined;
  }
  if (!isSeq(node)) {
    src.problems.push({ file: src.file, line: src.lineOf(node), code: 'not-a-list', message: `${what} must be a list` });
    return undefined;
  }
  const out: string[] = [];
  for (const item of (node as YAMLSeq).items) {
    const value = isScalar(item) ? item.value : undefined;
    const text = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
    if (!text) src.problems.push({ file: src.file, line: src.lineOf(item), code: 'empty', message: `${what}: empty item` });
    else out.push(text);
  }
  if (required && out.length === 0) {
    src.problems.push({ file: src.file, line: src.lineOf(node), code: 'empty', message: `${what} is empty` });
  }
  return out;
}

function rootList(src: YamlSource, key: string, otherKeys: string[] = []): YAMLSeq | undefined {
  if (src.doc.errors.length > 0) return undefined;
  const root = src.doc.contents;
  const list = child(root, key);
  if (!isMap(root) || !isSeq(list)) {
    src.problems.push({ file: src.file, line: src.lineOf(list ?? root), code: 'invalid-file', message: `the file must have a list "${key}"` });
    return undefined;
  }
  for (const { key: k, line } of keysOf(root, src.lineOf)) {
    if (k !== key && !otherKeys.includes(k)) src.problems.push({ file: src.file, line, code: 'unknown-field', message: `unknown key "${k}"` });
  }
  return list as YAMLSeq;
}

function checkKeys(src: YamlSource, item: unknown, allowed: string[]): void {
  for (const { key, line } of keysOf(item, src.lineOf)) {
    if (!allowed.includes(key)) src.problems.push({ file: src.file, line, code: 'unknown-field', message: `unknown key "${key}"` });
  }
}

export function parseTeencode(
  text: string,
  file: string,
): { rules: TeencodeRule[]; fillers: string[]; problems: KbProblem[] } {
  const src = parseYamlSource(text, file);
  const rules: TeencodeRule[] = [];
  const list = rootList(src, 'rules', ['fillers']);
  const fillers = src.doc.errors.length === 0 ? stringList(src, child(src.doc.contents, 'fillers'), 'fillers', false, src.doc.contents) ?? [] : [];
  for (const f of fillers) {
    if (f !== f.toLowerCase() || syllables(toneKey(f)).length !== 1) {
      src.problems.push({ file, line: src.lineOf(child(src.doc.contents, 'fillers')), code: 'invalid-filler', message: `filler "${f}" must be one lower-case syllable` });
    }
  }
  const unconditional = new Map<string, number>();
  for (const item of list?.items ?? []) {
    const line = src.lineOf(item);
    if (!isMap(item)) {
      src.problems.push({ file, line, code: 'invalid-rule', message: 'a rule must be a map with forms and means' });
      continue;
    }
    checkKeys(src, item, RULE_KEYS);
    const forms = stringList(src, child(item, 'forms'), 'forms', true, item);
    const meansNode = child(item, 'means');
    const means = isScalar(meansNode) && typeof meansNode.value === 'string' ? meansNode.value.trim() : '';
    if (!means) src.problems.push({ file, line: src.lineOf(meansNode ?? item), code: 'empty', message: 'means is missing' });
    const before = stringList(src, child(item, 'before'), 'before', false, item);
    const after = stringList(src, child(item, 'after'), 'after', false, item);
    const notAfter = stringList(src, child(item, 'notAfter'), 'notAfter', false, item);
    if (!forms || forms.length === 0 || !means) continue;
    const meansKey = syllables(toneKey(means)).join(' ');
    for (const form of forms) {
      const key = syllables(toneKey(form)).join(' ');
      if (!key) {
        src.problems.push({ file, line, code: 'empty', message: `form "${form}" has no letters` });
      } else if (form !== form.toLowerCase()) {
        src.problems.push({ file, line, code: 'not-lower-case', message: `form "${form}" must be lower case` });
      } else if (key === meansKey) {
        src.problems.push({ file, line, code: 'no-op', message: `form "${form}" is the same as its meaning` });
      } else if (!before?.length && !after?.length) {
        const first = unconditional.get(key);
        if (first !== undefined) {
          src.problems.push({ file, line, code: 'duplicate-form', message: `form "${form}" already expands at line ${first}` });
        } else unconditional.set(key, line);
      }
    }
    const rule: TeencodeRule = { forms, means };
    if (before?.length) rule.before = before;
    if (after?.length) rule.after = after;
    if (notAfter?.length) rule.notAfter = notAfter;
    rules.push(rule);
  }
  return { rules, fillers, problems: src.problems };
}

export function parseSynonyms(text: string, file: string): { groups: SynonymGroup[]; problems: KbProblem[] } {
  const src = parseYamlSource(text, file);
  const groups: SynonymGroup[] = [];
  const list = rootList(src, 'groups');
  const names = new Map<string, number>();
  const terms = new Map<string, { group: string; line: number }>();
  for (const item of list?.items ?? []) {
    const line = src.lineOf(item);
    if (!isMap(item)) {
      src.problems.push({ file, line, code: 'invalid-group', message: 'a group must be a map with name and terms' });
      continue;
    }
    checkKeys(src, item, GROUP_KEYS);
    const nameNode = child(item as YAMLMap, 'name');
    const name = isScalar(nameNode) && typeof nameNode.value === 'string' ? nameNode.value.trim() : '';
    if (!name) src.problems.push({ file, line, code: 'empty', message: 'name is missing' });
    else if (!/^[a-z0-9][a-z0-9-]*$/.test(name)) {
      src.problems.push({ file, line: src.lineOf(nameNode), code: 'invalid-id', message: `name "${name}" may use only a–z, digits and "-"` });
    } else if (names.has(name)) {
      src.problems.push({ file, line: src.lineOf(nameNode), code: 'duplicate-name', message: `group "${name}" is already defined at line ${names.get(name)}` });
    } else names.set(name, line);
    const termsNode = child(item, 'terms');
    const list2 = stringList(src, termsNode, 'terms', true, item);
    if (!list2 || !name) continue;
    if (list2.length < 2) src.problems.push({ file, line: src.lineOf(termsNode), code: 'too-few-terms', message: 'a group needs at least 2 terms' });
    (termsNode as YAMLSeq).items.forEach((termNode) => {
      const term = isScalar(termNode) ? String(termNode.value ?? '').trim() : '';
      if (!term) return;
      // Terms match without marks, so two spellings that fold alike are the same term.
      const key = syllables(toneKey(term)).map(foldSyllable).join(' ');
      const first = terms.get(key);
      if (first && first.group !== name) {
        src.problems.push({ file, line: src.lineOf(termNode), code: 'duplicate-term', message: `term "${term}" is also in group "${first.group}" (line ${first.line})` });
      } else if (!first) terms.set(key, { group: name, line: src.lineOf(termNode) });
    });
    groups.push({ name, terms: list2 });
  }
  return { groups, problems: src.problems };
}

/** Reads both files. Problems make the rules unusable: the caller reports them and stops. */
export function loadTextRules(teencodeFile: string, synonymsFile: string): LoadedTextRules {
  const t = parseTeencode(readFileSync(teencodeFile, 'utf8'), teencodeFile);
  const s = parseSynonyms(readFileSync(synonymsFile, 'utf8'), synonymsFile);
  return { rules: { teencode: t.rules, synonyms: s.groups, fillers: t.fillers }, problems: [...t.problems, ...s.problems] };
}

/** Every teencode form, lower case: lets the entry rules recognise an alternative typed the citizen way. */
export function teencodeForms(rules: TextRules): Set<string> {
  const forms = new Set<string>();
  for (const r of rules.teencode) for (const f of r.forms) for (const w of syllables(toneKey(f))) forms.add(w);
  return forms;
}
