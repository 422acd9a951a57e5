import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { DEFAULT_SYMPTOMS_FILE } from '../../src/nlp/triage';
import { parseTriageData, TriageDataError, validateTriageData } from '../../src/nlp/triageData';

const raw = (): Record<string, any> => parse(readFileSync(DEFAULT_SYMPTOMS_FILE, 'utf8'));

describe('symptoms.yaml validation', () => {
  test('the shipped lexicon is valid', () => {
    const data = validateTriageData(raw());
    expect(data.symptoms.map((s) => s.name)).toEqual(expect.arrayContaining(['sốt', 'ho', 'khó thở', 'đau họng', 'mất vị giác', 'mất khứu giác']));
  });

  test('an unknown option on a term names the symptom and the term', () => {
    const data = raw();
    const fever = data.symptoms.findIndex((s: { name: string }) => s.name === 'sốt');
    data.symptoms[fever].terms[0] = { text: 'sốt', ascii_ambigous: true };
    expect(() => validateTriageData(data)).toThrow(/symptoms\[\d+\] \(sốt\)\.terms\[0\]/);
  });

  test('a wrong level is reported with its place', () => {
    const data = raw();
    data.symptoms[0].level = 'critical';
    expect(() => validateTriageData(data)).toThrow(TriageDataError);
    expect(() => validateTriageData(data)).toThrow(/symptoms\[0\] \(khó thở\)\.level/);
  });

  test('a combination must name known symptoms', () => {
    const data = raw();
    data.combinations[0].all_of[0].push('sốt rét');
    expect(() => validateTriageData(data)).toThrow(/unknown symptom "sốt rét"/);
  });

  test('a missing cue list and inconsistent thresholds are caught', () => {
    const data = raw();
    delete data.cues.negation;
    expect(() => validateTriageData(data)).toThrow(/cues\.negation/);
    const bad = raw();
    bad.thresholds.fever_emergency_min = 37;
    expect(() => validateTriageData(bad)).toThrow(/fever_emergency_min/);
  });

  test('broken YAML says so', () => {
    expect(() => parseTriageData('symptoms: [unclosed', 'test.yaml')).toThrow(/test\.yaml is not valid YAML/);
  });
});
