/**
 * Urgent-symptom triage (issue 4): does this message report current symptoms, for the writer or someone they name,
 * and are any of them warning signs? Runs on every citizen message, so it is pure and allocation-light: the lexicon
 * (knowledge-base/symptoms.yaml) is compiled once into phrase tries.
 *
 * A symptom found in the text counts unless (1) a negation or recovery cue governs it ("không ho", "hết sốt rồi"),
 * (2) it sits in a hypothetical ("nếu bị ho…"), (3) its sentence is a general question with no sign of a real case
 * ("sốt bao nhiêu độ thì phải đi viện?"), or (4) it was typed without diacritics, has a harmless reading
 * ("ho khau", "bo sot") and nothing around it is symptomatic. Numbers are read too: SpO2, temperature, breathing
 * rate, pulse.
 */
import path from 'node:path';
import type { TriageVerdict } from '../domain/types';
import { loadTriageData, type TriageData } from './triageData';
import { homographMap, PhraseSet } from './triagePhrases';
import { createTokenizer, type Token } from './triageTokens';

type Level = 'urgent' | 'emergency';
type CueState = 'negated' | 'recovered' | 'present';
type PersonKind = 'specific' | 'generic';

interface SymptomInfo {
  name: string;
  level: Level;
  afterVaccination?: Level;
  onlyAfterVaccination: boolean;
}

interface Mention {
  name: string;
  level: Level;
  start: number;
  /** Exclusive. */
  end: number;
  /** Must be backed by a symptomatic context to count. */
  needsContext: boolean;
  plain: boolean;
  noSubjectSupport: boolean;
  onlyAfterVaccination: boolean;
  /** A measured number: itself evidence that this is a real case (unless it was a limit: "trên 39 độ"). */
  evidence: boolean;
  isReading: boolean;
}

const NONE: TriageVerdict = Object.freeze({ level: 'none', symptoms: [] }) as TriageVerdict;

/**
 * Classifies one message. `trace`, when given, receives the tokens and each symptom's decision (for editors tuning
 * symptoms.yaml).
 */
export type Triage = (text: string, trace?: (line: string) => void) => TriageVerdict;

/** Compiles the lexicon once; the returned function classifies one message. */
export function compileTriage(data: TriageData): Triage {
  const homographs = homographMap(data.homographs);
  const set = <T>(): PhraseSet<T> => new PhraseSet<T>(homographs);
  const c = data.cues;

  const lexicon = set<SymptomInfo | null>();
  for (const s of data.symptoms) {
    const info: SymptomInfo = { name: s.name, level: s.level, afterVaccination: s.after_vaccination, onlyAfterVaccination: s.only_after_vaccination ?? false };
    lexicon.addAll(s.terms, info, true);
  }
  lexicon.addAll(data.not_symptoms, null);

  const vaccination = set<boolean>().addAll(data.vaccination.terms, true).addAll(data.vaccination.not, false);
  const stateCues = set<CueState>().addAll(c.negation, 'negated').addAll(c.recovery, 'recovered').addAll(c.still_present, 'present');
  const fillers = set<true>().addAll(c.fillers, true);
  const afterNegation = set<true>().addAll(c.after_negation, true);
  const afterFillers = set<true>().addAll(c.after_fillers, true);
  const recoveredOverall = set<true>().addAll(c.recovered_overall, true);
  const listLinks = set<'or' | 'and'>().addAll(c.list_or, 'or').addAll(c.list_and, 'and');
  const closingNegation = set<true>().addAll(c.closing_negation, true);
  const clauseBreaks = set<true>().addAll(c.clause_breaks, true);
  const hypothetical = set<true>().addAll(c.hypothetical, true);
  const question = set<true>().addAll(c.question, true).addAll(c.general_topic, true);
  const questionEnd = set<true>().addAll(c.question_end, true);
  const trailing = set<true>().addAll(c.trailing_particles, true);
  const questionFrame = set<true>().addAll(c.question_frame, true);
  const actionQuestion = set<true>().addAll(c.action_question, true);
  const persons = set<PersonKind>().addAll(c.persons, 'specific').addAll(c.generic_persons, 'generic');
  const speechVerbs = set<true>().addAll(c.speech_verbs, true);
  const aspectBefore = set<true>().addAll(c.aspect_before, true);
  const aspectAfter = set<true>().addAll(c.aspect_after, true);
  const time = set<true>().addAll(c.time, true);
  const reportPhrases = set<true>().addAll(c.report_phrases, true);
  const contextBefore = set<true>().addAll(c.context_before, true);
  const contextAfter = set<true>().addAll(c.context_after, true);
  const asciiBlock = set<true>().addAll(c.ascii_block_context, true);

  const m = data.measurements;
  const limitWords = set<true>().addAll(m.limit_words, true);
  const spo2Cues = set<true>().addAll(m.spo2.cues, true);
  const tempUnits = set<true>().addAll(m.temperature.units, true);
  const tempCues = set<true>().addAll(m.temperature.cues, true);
  const breathCues = set<true>().addAll(m.breathing_rate.cues, true);
  const pulseCues = set<true>().addAll(m.pulse.cues, true);
  const th = data.thresholds;

  const known = new Set<string>();
  for (const s of [lexicon, vaccination, stateCues, fillers, persons, time, contextBefore, contextAfter, aspectAfter, spo2Cues]) s.foldSyllables(known);
  const tokenize = createTokenizer({ teencode: data.teencode, known });

  const combinations = data.combinations.map((x) => ({ ...x, groups: x.all_of.map((g) => new Set(g)) }));

  return function triage(text: string, trace?: (line: string) => void): TriageVerdict {
    const tokens = tokenize(text);
    trace?.(tokens.map((t) => (t.plain ? t.fold : t.tone)).join(' '));
    if (tokens.length === 0) return NONE;
    const n = tokens.length;

    // Sentence bounds; a stop token belongs to the sentence it ends.
    const sentenceStart = new Int32Array(n);
    const sentenceEnd = new Int32Array(n);
    for (let i = 0, s = 0; i < n; i++) {
      if (tokens[i].kind === 'stop' || i === n - 1) {
        for (let k = s; k <= i; k++) {
          sentenceStart[k] = s;
          sentenceEnd[k] = i + 1;
        }
        s = i + 1;
      }
    }

    const vaccinated = vaccination.select(tokens).some((x) => x.phrase.payload);
    const mentions: Mention[] = [];
    for (const x of lexicon.select(tokens)) {
      const info = x.phrase.payload;
      if (!info) continue;
      const o = x.phrase.options;
      mentions.push({
        name: info.name,
        level: vaccinated && info.afterVaccination ? info.afterVaccination : info.level,
        start: x.start,
        end: x.end,
        needsContext: o.needsContext || (x.plain && o.asciiAmbiguous),
        plain: x.plain,
        noSubjectSupport: o.noSubjectSupport,
        onlyAfterVaccination: info.onlyAfterVaccination,
        evidence: false,
        isReading: false,
      });
    }
    mentions.push(...readings(tokens, vaccinated));
    if (mentions.length === 0) return NONE;
    mentions.sort((a, b) => a.start - b.start || a.end - b.end);

    const covered = new Uint8Array(n);
    for (const x of mentions) covered.fill(1, x.start, x.end);
    const hasTime = time.anyIn(tokens, 0, n) !== undefined;
    const hasReading = mentions.some((x) => x.evidence);
    const questionCache = new Map<number, boolean>();
    const isQuestion = (s: number): boolean => {
      let q = questionCache.get(s);
      if (q === undefined) {
        q = sentenceIsQuestion(tokens, s, sentenceEnd[s]);
        questionCache.set(s, q);
      }
      return q;
    };

    const recoveredAt: number[] = [];
    for (let j = 0; j < n; j++) if (recoveredOverall.matchesAt(tokens, j).length > 0) recoveredAt.push(j);

    // 1. Negation, recovery, hypothesis, general questions.
    const states: (CueState | undefined)[] = [];
    const alive: boolean[] = [];
    mentions.forEach((x, i) => {
      const s = sentenceStart[x.start];
      let state = stateBefore(tokens, x.start, s);
      if (state === undefined && i > 0) state = inherited(tokens, mentions[i - 1], states[i - 1], x, s, sentenceEnd[x.start]);
      if (state !== 'present' && afterCue(tokens, x.end)) state = 'recovered';
      if (state !== 'present' && !isQuestion(s) && recoveredAt.some((j) => j >= x.end && !isQuestion(sentenceStart[j]))) state = 'recovered';
      states.push(state);
      let ok = state !== 'negated' && state !== 'recovered';
      if (ok && hypothetical.anyIn(tokens, s, x.start)) ok = false;
      if (ok && isQuestion(s)) ok = reportedInQuestion(tokens, x, s);
      if (ok && x.onlyAfterVaccination && !vaccinated) ok = false;
      alive.push(ok);
      trace?.(`${x.name} [${x.start},${x.end}) state=${state} alive=${ok} q=${isQuestion(s)} ctx=${x.needsContext}`);
    });

    // 2. Words typed without diacritics that have a harmless reading need a symptomatic context.
    const firm = mentions.some((x, i) => alive[i] && !x.needsContext);
    const supported = mentions.map((x, i) => alive[i] && (!x.needsContext || (!blocked(tokens, x) && (firm || localContext(tokens, x, mentions)))));
    // Two ambiguous symptoms side by side back each other ("ho, sot", "sot ho").
    mentions.forEach((x, i) => {
      if (!alive[i] || supported[i] || blocked(tokens, x)) return;
      const near = mentions.some((y, j) => j !== i && alive[j] && adjacent(tokens, x, y));
      if (near) supported[i] = true;
    });

    const names: string[] = [];
    let level: Level | undefined;
    mentions.forEach((x, i) => {
      if (!supported[i]) return;
      if (!names.includes(x.name)) names.push(x.name);
      if (x.level === 'emergency' || level === undefined) level = x.level;
    });
    for (const combo of combinations) {
      if (combo.only_after_vaccination && !vaccinated) continue;
      if (combo.groups.every((g) => names.some((nm) => g.has(nm)))) {
        if (!names.includes(combo.name)) names.push(combo.name);
        if (combo.level === 'emergency' || level === undefined) level = combo.level;
      }
    }
    return level === undefined ? NONE : { level, symptoms: names };

    // ---------------------------------------------------------------- helpers bound to this message

    function reportedInQuestion(toks: readonly Token[], x: Mention, s: number): boolean {
      const subject = subjectBefore(toks, x.start, s, covered);
      if (subject === 'generic') return false;
      if (subject === 'specific' || hasTime || hasReading) return true;
      if (reportPhrases.anyIn(toks, s, sentenceEnd[x.start])) return true;
      const framed = questionFrame.endingAt(toks, x.start, s) !== undefined;
      if (x.level === 'emergency' && !framed && actionQuestion.anyIn(toks, x.end, sentenceEnd[x.start])) return true;
      return !framed && aspectAround(toks, x, s);
    }
  };

  // ------------------------------------------------------------------ message-independent helpers

  function sentenceIsQuestion(tokens: readonly Token[], s: number, e: number): boolean {
    if (question.anyIn(tokens, s, e)) return true;
    let end = e;
    while (end > s && tokens[end - 1].kind !== 'word' && tokens[end - 1].kind !== 'num') end--;
    for (let guard = 0; guard < 3 && end > s; guard++) {
      const particle = trailing.endingAt(tokens, end, s);
      if (!particle) break;
      if (questionEnd.endingAt(tokens, end, s)) return true;
      end = particle.start;
    }
    return questionEnd.endingAt(tokens, end, s) !== undefined;
  }

  /** The nearest negation/recovery/still-present cue before a symptom, through filler words. */
  function stateBefore(tokens: readonly Token[], start: number, s: number): CueState | undefined {
    let p = start;
    for (let steps = 0; steps < 6 && p > s; steps++) {
      const prev = tokens[p - 1];
      if (prev.kind !== 'word' && prev.kind !== 'num') return undefined;
      if (clauseBreaks.endingAt(tokens, p, s)) return undefined;
      const cue = stateCues.endingAt(tokens, p, s);
      if (cue) return cue.phrase.payload;
      const filler = fillers.endingAt(tokens, p, s);
      if (!filler) return undefined;
      p = filler.start;
    }
    return undefined;
  }

  /** "không ho hay sốt", "không ho sốt gì": a negation reaches the next symptom of a list. */
  function inherited(tokens: readonly Token[], prev: Mention, prevState: CueState | undefined, x: Mention, s: number, e: number): CueState | undefined {
    if (prevState !== 'negated' && prevState !== 'recovered') return undefined;
    if (prev.end > x.start || prev.start < s) return undefined;
    let j = prev.end;
    let links = 0;
    let or = false;
    while (j < x.start) {
      const link = listLinks.longestAt(tokens, j);
      if (!link || link.end > x.start) return undefined;
      if (link.phrase.payload === 'or') or = true;
      links++;
      j = link.end;
    }
    if (links === 0 || or) return prevState;
    // Joined by "," / "và": only when the clause closes the negation ("… gì cả").
    for (let k = x.end; k < e; k++) {
      const t = tokens[k];
      if (t.kind === 'stop' || clauseBreaks.longestAt(tokens, k)) break;
      if (closingNegation.longestAt(tokens, k)) return prevState;
    }
    return undefined;
  }

  function afterCue(tokens: readonly Token[], end: number): boolean {
    let j = end;
    for (let steps = 0; steps < 2; steps++) {
      if (afterNegation.longestAt(tokens, j)) return true;
      const filler = afterFillers.longestAt(tokens, j);
      if (!filler) return false;
      j = filler.end;
    }
    return afterNegation.longestAt(tokens, j) !== undefined;
  }

  /** The person nearest before the symptom in its sentence, unless that person is only asking ("cho em hỏi"). */
  function subjectBefore(tokens: readonly Token[], start: number, s: number, covered: Uint8Array): PersonKind | undefined {
    for (let p = start; p > s; p--) {
      if (covered[p - 1]) continue;
      if (speechVerbs.endingAt(tokens, p, s)) return undefined;
      const person = persons.endingAt(tokens, p, s);
      if (person) return person.phrase.payload;
    }
    return undefined;
  }

  function aspectAround(tokens: readonly Token[], x: Mention, s: number): boolean {
    if (aspectBefore.endingAt(tokens, x.start, s)) return true;
    return aspectAfter.longestAt(tokens, x.end) !== undefined;
  }

  function localContext(tokens: readonly Token[], x: Mention, all: readonly Mention[]): boolean {
    const s = Math.max(0, x.start - 6);
    if (contextBefore.endingAt(tokens, x.start, s)) return true;
    const person = persons.endingAt(tokens, x.start, s);
    if (person?.phrase.payload === 'specific') {
      if (!x.noSubjectSupport) return true;
      if (contextBefore.endingAt(tokens, person.start, s)) return true;
    }
    if (contextAfter.longestAt(tokens, x.end)) return true;
    // A reading right after it: "sot 38.5".
    return all.some((r) => r.isReading && r.start >= x.end && r.start <= x.end + 1);
  }

  function blocked(tokens: readonly Token[], x: Mention): boolean {
    if (!x.plain) return false;
    let s = x.start;
    while (s > 0 && tokens[s - 1].kind !== 'stop') s--;
    let e = x.end;
    while (e < tokens.length && tokens[e].kind !== 'stop') e++;
    return asciiBlock.anyIn(tokens, s, x.start) !== undefined || asciiBlock.anyIn(tokens, x.end, e) !== undefined;
  }

  function adjacent(tokens: readonly Token[], a: Mention, b: Mention): boolean {
    const [first, second] = a.start < b.start ? [a, b] : [b, a];
    let j = first.end;
    while (j < second.start) {
      const link = listLinks.longestAt(tokens, j);
      if (!link) return false;
      j = link.end;
    }
    return j === second.start;
  }

  /** Measured values: SpO2, temperature, breathing rate, pulse. */
  function readings(tokens: readonly Token[], vaccinated: boolean): Mention[] {
    const out: Mention[] = [];
    const reading = (name: string, level: Level, start: number, end: number, evidence: boolean): Mention => ({
      name,
      level,
      start,
      end,
      evidence,
      needsContext: false,
      plain: false,
      noSubjectSupport: false,
      onlyAfterVaccination: false,
      isReading: true,
    });

    for (const cue of spo2Cues.select(tokens)) {
      const r = numberAfter(tokens, cue.end, m.window);
      if (!r || r.limit || !(r.value >= 50 && r.value <= 100)) continue;
      const level: Level | undefined = r.value < th.spo2_emergency_below ? 'emergency' : r.value < th.spo2_urgent_below ? 'urgent' : undefined;
      if (level) out.push(reading(m.spo2.symptom, level, cue.start, r.index + 1, true));
    }

    for (let j = 0; j < tokens.length; j++) {
      const t = tokens[j];
      if (t.kind !== 'num' || !(t.value >= 35 && t.value <= 43)) continue;
      const unit = tempUnits.longestAt(tokens, j + 1);
      let value = t.value;
      let end = j + 1;
      if (unit) {
        end = unit.end;
        const next = tokens[end];
        if (next?.kind === 'num' && Number.isInteger(next.value) && next.value < 10 && Number.isInteger(value)) {
          value += next.value / 10; // "38 độ 5"
          end++;
        } else if (next?.kind === 'word' && next.fold === 'ruoi') {
          value += 0.5; // "38 độ rưỡi"
          end++;
        }
      } else if (!tempCues.endingAt(tokens, j, Math.max(0, j - 3)) && !(j > 1 && tempCues.endingAt(tokens, j - 1, Math.max(0, j - 4)))) {
        continue;
      }
      const limit = limitWords.endingAt(tokens, j, Math.max(0, j - 2)) !== undefined || (j > 1 && limitWords.endingAt(tokens, j - 1, Math.max(0, j - 3)) !== undefined);
      // "trên 39 độ" means strictly above 39.
      const above = limit ? value + 0.01 : value;
      if (above >= th.fever_emergency_min || (vaccinated && above > th.fever_after_vaccination_emergency_above)) {
        out.push(reading(m.temperature.high_symptom, 'emergency', j, end, !limit));
      } else if (value >= th.fever_min) {
        out.push(reading(m.temperature.symptom, 'urgent', j, end, !limit));
      }
    }

    for (const cue of breathCues.select(tokens)) {
      const r = numberAfter(tokens, cue.end, m.window);
      if (!r || r.limit || !Number.isFinite(r.value)) continue;
      // A bare "thở" needs "lần" after the number ("thở 30 lần/phút"); "nhịp thở 28" does not.
      const words = cue.phrase.syllables.length;
      if (words < 2 && tokens[r.index + 1]?.fold !== 'lan') continue;
      if (r.value >= th.breathing_rate_emergency_min && r.value < 120) out.push(reading(m.breathing_rate.symptom, 'emergency', cue.start, r.index + 1, true));
    }

    for (const cue of pulseCues.select(tokens)) {
      const r = numberAfter(tokens, cue.end, 2);
      if (!r || r.limit || !Number.isFinite(r.value)) continue;
      if (r.value > th.pulse_emergency_above && r.value < 250) out.push(reading(m.pulse.fast_symptom, 'emergency', cue.start, r.index + 1, true));
      else if (r.value < th.pulse_emergency_below && r.value >= 20) out.push(reading(m.pulse.slow_symptom, 'emergency', cue.start, r.index + 1, true));
    }
    return out;
  }

  function numberAfter(tokens: readonly Token[], from: number, window: number): { index: number; value: number; limit: boolean } | undefined {
    let limit = false;
    for (let j = from; j < tokens.length && j <= from + window; j++) {
      const t = tokens[j];
      if (t.kind === 'stop') return undefined;
      if (limitWords.longestAt(tokens, j)) limit = true;
      if (t.kind === 'num') return Number.isFinite(t.value) ? { index: j, value: t.value, limit } : undefined;
    }
    return undefined;
  }
}

/** Default lexicon: knowledge-base/symptoms.yaml at the repository root. */
export const DEFAULT_SYMPTOMS_FILE = path.resolve(__dirname, '../../knowledge-base/symptoms.yaml');

/** Loads a lexicon file and compiles it. */
export function triageFromFile(file: string): Triage {
  return compileTriage(loadTriageData(file));
}

let defaultTriage: Triage | undefined;

/** Triage with the repository's lexicon, compiled on first use. */
export function triage(text: string): TriageVerdict {
  defaultTriage ??= triageFromFile(DEFAULT_SYMPTOMS_FILE);
  return defaultTriage(text);
}

