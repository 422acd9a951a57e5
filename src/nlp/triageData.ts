/**
 * The triage lexicon as data (knowledge-base/symptoms.yaml): its shape, and loading with errors that name the
 * offending entry so an editor can fix the file without reading code.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { z } from 'zod';

const phraseText = z.string().trim().min(1, 'empty phrase');

/** A phrase, either plain text or text with matching options (see the header of symptoms.yaml). */
const phraseSpec = z.union([
  phraseText,
  z.strictObject({
    text: phraseText,
    ascii_ambiguous: z.boolean().optional(),
    needs_context: z.boolean().optional(),
    ascii: z.boolean().optional(),
    no_subject_support: z.boolean().optional(),
  }),
]);
export type PhraseSpec = z.infer<typeof phraseSpec>;

const phraseList = z.array(phraseSpec).min(1, 'needs at least one phrase');
const level = z.enum(['urgent', 'emergency']);
const positive = z.number().positive();

const symptomSchema = z.strictObject({
  name: z.string().trim().min(1),
  level,
  after_vaccination: level.optional(),
  only_after_vaccination: z.boolean().optional(),
  terms: phraseList,
});

const schema = z.strictObject({
  version: z.union([z.number(), z.string()]),
  reviewed_on: z.string().optional(),
  reviewed_by: z.string().optional(),
  sources: z.array(z.string()).optional(),
  thresholds: z.strictObject({
    spo2_emergency_below: positive.max(100),
    spo2_urgent_below: positive.max(101),
    fever_min: positive,
    fever_emergency_min: positive,
    fever_after_vaccination_emergency_above: positive,
    breathing_rate_emergency_min: positive,
    pulse_emergency_above: positive,
    pulse_emergency_below: positive,
  }),
  measurements: z.strictObject({
    window: z.number().int().min(1).max(10),
    limit_words: phraseList,
    spo2: z.strictObject({ symptom: z.string().min(1), cues: phraseList }),
    temperature: z.strictObject({
      symptom: z.string().min(1),
      high_symptom: z.string().min(1),
      units: phraseList,
      cues: phraseList,
    }),
    breathing_rate: z.strictObject({ symptom: z.string().min(1), cues: phraseList }),
    pulse: z.strictObject({ fast_symptom: z.string().min(1), slow_symptom: z.string().min(1), cues: phraseList }),
  }),
  symptoms: z.array(symptomSchema).min(1),
  combinations: z
    .array(
      z.strictObject({
        name: z.string().trim().min(1),
        level,
        only_after_vaccination: z.boolean().optional(),
        all_of: z.array(z.array(z.string().min(1)).min(1)).min(2),
      }),
    )
    .default([]),
  not_symptoms: z.array(phraseSpec).default([]),
  homographs: z.record(z.string(), z.array(z.string().min(1))).default({}),
  teencode: z.record(z.string(), z.string().trim().min(1)).default({}),
  vaccination: z.strictObject({ terms: phraseList, not: z.array(phraseSpec).default([]) }),
  cues: z.strictObject({
    negation: phraseList,
    recovery: phraseList,
    still_present: phraseList,
    fillers: phraseList,
    after_negation: phraseList,
    after_fillers: phraseList,
    recovered_overall: phraseList,
    list_or: phraseList,
    list_and: phraseList,
    closing_negation: phraseList,
    clause_breaks: phraseList,
    hypothetical: phraseList,
    question: phraseList,
    question_end: phraseList,
    general_topic: phraseList,
    question_frame: phraseList,
    action_question: phraseList,
    persons: phraseList,
    generic_persons: phraseList,
    speech_verbs: phraseList,
    aspect_before: phraseList,
    aspect_after: phraseList,
    time: phraseList,
    report_phrases: phraseList,
    trailing_particles: phraseList,
    context_before: phraseList,
    context_after: phraseList,
    ascii_block_context: phraseList,
  }),
});

export type TriageData = z.infer<typeof schema>;

export class TriageDataError extends Error {
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
    this.name = 'TriageDataError';
  }
}

/** Checks the shape and the cross-references (combination names, duplicate symptom names, thresholds). */
export function validateTriageData(raw: unknown, source = 'symptoms.yaml'): TriageData {
  const result = schema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.slice(0, 12).map((issue) => `  - ${describePath(raw, issue.path)}: ${issue.message}`);
    throw new TriageDataError(`${source} is not valid:\n${lines.join('\n')}`, source);
  }
  const data = result.data;
  const problems: string[] = [];
  const names = new Set<string>();
  for (const s of data.symptoms) {
    if (names.has(s.name)) problems.push(`symptom "${s.name}" is defined twice`);
    names.add(s.name);
  }
  for (const c of data.combinations) {
    for (const group of c.all_of) {
      for (const n of group) if (!names.has(n)) problems.push(`combination "${c.name}" names an unknown symptom "${n}"`);
    }
  }
  const t = data.thresholds;
  if (t.spo2_urgent_below < t.spo2_emergency_below) problems.push('thresholds.spo2_urgent_below must be ≥ spo2_emergency_below');
  if (t.fever_emergency_min <= t.fever_min) problems.push('thresholds.fever_emergency_min must be above fever_min');
  if (t.pulse_emergency_below >= t.pulse_emergency_above) problems.push('thresholds.pulse_emergency_below must be below pulse_emergency_above');
  if (problems.length > 0) throw new TriageDataError(`${source} is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`, source);
  return data;
}

/** Parses YAML text and validates it. */
export function parseTriageData(yamlText: string, source = 'symptoms.yaml'): TriageData {
  let raw: unknown;
  try {
    raw = parse(yamlText);
  } catch (err) {
    throw new TriageDataError(`${source} is not valid YAML: ${(err as Error).message}`, source);
  }
  return validateTriageData(raw, source);
}

export function loadTriageData(file: string): TriageData {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new TriageDataError(`cannot read ${file}: ${(err as Error).message}`, file);
  }
  return parseTriageData(text, file);
}

/** "symptoms[3] (sốt).terms[2]": the path an editor can find, with the symptom's name where there is one. */
function describePath(raw: unknown, path: ReadonlyArray<PropertyKey>): string {
  let node: unknown = raw;
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') {
      out += `[${key}]`;
      node = Array.isArray(node) ? node[key] : undefined;
      const name = node && typeof node === 'object' && 'name' in node ? (node as { name: unknown }).name : undefined;
      if (typeof name === 'string') out += ` (${name})`;
    } else {
      out += out === '' ? String(key) : `.${String(key)}`;
      node = node && typeof node === 'object' ? (node as Record<string, unknown>)[String(key)] : undefined;
    }
  }
  return out === '' ? '(top level)' : out;
}
