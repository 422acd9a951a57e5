/**
 * Groups citizens' questions that ask the same thing, so the content team sees the missing topics rather than a
 * long list. Each question becomes the retriever's own features (syllables on the fold key after teencode and
 * synonyms, plus syllable pairs), weighted by how rare they are among the questions, plus the entry the retriever
 * found closest (weighted by its score: two wordings of one question tend to land near the same entry even when
 * they share few words). A greedy pass joins a question to the most similar group (cosine against the group's
 * summed features) or starts a new one.
 *
 * Tuned on the 454 citizen-style evaluation questions (scripts/eval/data, grouped by their expected entry):
 * words alone reach a pairwise F1 of 0.23 at best; with the closest entry, 0.71 (precision 0.66, recall 0.77).
 */
import { analyze } from '../nlp/analyzer';
import type { CompiledRules } from '../nlp/textRules';

export interface Groupable {
  id: string;
  text: string;
  /** The retriever's best matches for the question, best first (kb_answers.matches). */
  matches?: ReadonlyArray<{ id: string; score: number }>;
}

export interface GroupingOptions {
  /** Cosine similarity needed to join a group. */
  threshold: number;
  /** Weight of a syllable pair relative to a syllable. */
  pairWeight: number;
  /** Weight of the closest entry (times its score) against the unit-length word features. */
  matchWeight: number;
}

export const DEFAULT_GROUPING: GroupingOptions = { threshold: 0.4, pairWeight: 0.25, matchWeight: 2 };

type Vector = Map<string, number>;

export function features(text: string, rules: CompiledRules, pairWeight = DEFAULT_GROUPING.pairWeight): Vector {
  const tokens = analyze(text, rules).tokens.map((t) => t.fold);
  const v: Vector = new Map();
  tokens.forEach((t, i) => {
    v.set(t, 1);
    if (i > 0) v.set(`${tokens[i - 1]} ${t}`, pairWeight);
  });
  return v;
}

function norm(v: Vector): number {
  let s = 0;
  for (const x of v.values()) s += x * x;
  return Math.sqrt(s);
}

/**
 * Returns groups of item ids, largest first. Items are visited most-repeated text first, so the commonest phrasing
 * seeds its group.
 */
export function groupQuestions<T extends Groupable>(items: readonly T[], rules: CompiledRules, options: GroupingOptions = DEFAULT_GROUPING): T[][] {
  const raw = items.map((item) => ({ item, v: features(item.text, rules, options.pairWeight) }));
  // Inverse frequency among the questions: "tôi", "hỏi", "ạ" join nothing on their own.
  const df = new Map<string, number>();
  for (const { v } of raw) for (const t of v.keys()) df.set(t, (df.get(t) ?? 0) + 1);
  const n = raw.length;
  const weighted = raw.map(({ item, v }) => {
    const w: Vector = new Map();
    for (const [t, x] of v) w.set(t, x * Math.log(1 + n / (df.get(t) ?? 1)));
    const lexical = norm(w) || 1;
    for (const [t, x] of w) w.set(t, x / lexical);
    const top = item.matches?.[0];
    if (top && top.score > 0) w.set(`@${top.id}`, options.matchWeight * top.score);
    return { item, v: w, norm: norm(w), repeats: 0 };
  });
  const textKeys = items.map((it) => it.text.toLowerCase());
  const repeats = new Map<string, number>();
  for (const k of textKeys) repeats.set(k, (repeats.get(k) ?? 0) + 1);
  weighted.forEach((w, i) => (w.repeats = repeats.get(textKeys[i])!));
  weighted.sort((a, b) => b.repeats - a.repeats);

  const groups: Array<{ members: T[]; sum: Vector; norm: number }> = [];
  const postings = new Map<string, number[]>(); // feature → groups that have it
  for (const { item, v, norm: nv } of weighted) {
    if (nv === 0) {
      groups.push({ members: [item], sum: new Map(), norm: 0 });
      continue;
    }
    const dots = new Map<number, number>();
    for (const [t, x] of v) for (const g of postings.get(t) ?? []) dots.set(g, (dots.get(g) ?? 0) + x * (groups[g].sum.get(t) ?? 0));
    let best = -1;
    let bestSim = options.threshold;
    for (const [g, dot] of dots) {
      const sim = dot / (nv * groups[g].norm);
      if (sim >= bestSim) {
        best = g;
        bestSim = sim;
      }
    }
    if (best < 0) {
      best = groups.length;
      groups.push({ members: [], sum: new Map(), norm: 0 });
    }
    const group = groups[best];
    group.members.push(item);
    for (const [t, x] of v) {
      if (!group.sum.has(t)) postings.set(t, [...(postings.get(t) ?? []), best]);
      group.sum.set(t, (group.sum.get(t) ?? 0) + x);
    }
    group.norm = norm(group.sum);
  }
  return groups.map((g) => g.members).sort((a, b) => b.length - a.length);
}
