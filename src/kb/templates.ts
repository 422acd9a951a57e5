/** The bot's fixed texts (knowledge-base/templates.yaml): a flat map of keys to Vietnamese text with {placeholders}. */
import { readFileSync } from 'node:fs';
import { isMap, isScalar, type YAMLMap } from 'yaml';
import { formatProblem } from './problems';
import { parseYamlSource } from './yamlSource';

export type Templates = Record<string, string>;

/** Loads templates; nested maps become dotted keys (faq: {suggest: …} ≡ "faq.suggest"). Throws on a bad file. */
export function loadTemplates(file: string): Templates {
  const src = parseYamlSource(readFileSync(file, 'utf8'), file);
  const out: Templates = {};
  const walk = (node: unknown, prefix: string) => {
    if (!isMap(node)) {
      src.problems.push({ file, line: src.lineOf(node), message: 'templates must be a map of keys to texts' });
      return;
    }
    for (const pair of (node as YAMLMap).items) {
      const key = prefix + String(isScalar(pair.key) ? pair.key.value : pair.key);
      if (isMap(pair.value)) walk(pair.value, `${key}.`);
      else if (isScalar(pair.value) && typeof pair.value.value === 'string' && pair.value.value.trim()) {
        if (key in out) src.problems.push({ file, line: src.lineOf(pair.key), message: `template "${key}" is defined twice` });
        out[key] = pair.value.value.trim();
      } else src.problems.push({ file, line: src.lineOf(pair.key), message: `template "${key}" must be non-empty text` });
    }
  };
  if (src.doc.errors.length === 0) walk(src.doc.contents, '');
  if (src.problems.length > 0) throw new Error(src.problems.map(formatProblem).join('\n'));
  return out;
}

const PLACEHOLDER = /\{(\w+)\}/g;

/** Replaces {name} placeholders with vars[name]; a placeholder without a value is left as written. */
export function fill(template: string, vars: Record<string, string | number>): string {
  return template.replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

/** The names of a template's {placeholders}. */
export function placeholders(template: string): Set<string> {
  return new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1]));
}
