/**
 * Word-level differences between two texts, for reading what a version changed: runs of equal, deleted and inserted
 * words, whitespace kept with the word before it. The equal and inserted runs joined give the new text exactly.
 */

export interface DiffSegment {
  op: 'eq' | 'del' | 'ins';
  text: string;
}

/** Words with their following whitespace: "Dạ, F1 " → ["Dạ, ", "F1 "]. Leading whitespace is its own token. */
export function wordTokens(text: string): string[] {
  return text.match(/^\s+|\S+\s*/g) ?? [];
}

/** Beyond this many cells the middle is compared as whole blocks (a rewrite of a very long text). */
const MAX_CELLS = 4_000_000;

export function diffWords(before: string, after: string): DiffSegment[] {
  const a = wordTokens(before);
  const b = wordTokens(after);
  // Common head and tail are equal runs; the table only covers the changed middle.
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const midA = a.slice(head, a.length - tail);
  const midB = b.slice(head, b.length - tail);
  const ops: Array<{ op: DiffSegment['op']; token: string }> = [];
  for (const t of a.slice(0, head)) ops.push({ op: 'eq', token: t });
  ops.push(...middle(midA, midB));
  for (const t of a.slice(a.length - tail)) ops.push({ op: 'eq', token: t });
  return merge(ops);
}

/** Longest common subsequence of words (compared without trailing spaces), walked back into operations. */
function middle(a: string[], b: string[]): Array<{ op: DiffSegment['op']; token: string }> {
  if (a.length === 0) return b.map((token) => ({ op: 'ins' as const, token }));
  if (b.length === 0) return a.map((token) => ({ op: 'del' as const, token }));
  if (a.length * b.length > MAX_CELLS) return [...a.map((token) => ({ op: 'del' as const, token })), ...b.map((token) => ({ op: 'ins' as const, token }))];
  const ka = a.map((t) => t.trimEnd());
  const kb = b.map((t) => t.trimEnd());
  const n = a.length;
  const m = b.length;
  const table = new Uint32Array((n + 1) * (m + 1));
  const at = (i: number, j: number) => i * (m + 1) + j;
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      table[at(i, j)] = ka[i] === kb[j] ? table[at(i + 1, j + 1)] + 1 : Math.max(table[at(i + 1, j)], table[at(i, j + 1)]);
    }
  }
  const out: Array<{ op: DiffSegment['op']; token: string }> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (ka[i] === kb[j]) {
      out.push({ op: 'eq', token: b[j] });
      i++;
      j++;
    } else if (table[at(i + 1, j)] >= table[at(i, j + 1)]) out.push({ op: 'del', token: a[i++] });
    else out.push({ op: 'ins', token: b[j++] });
  }
  while (i < n) out.push({ op: 'del', token: a[i++] });
  while (j < m) out.push({ op: 'ins', token: b[j++] });
  return out;
}

function merge(ops: Array<{ op: DiffSegment['op']; token: string }>): DiffSegment[] {
  const out: DiffSegment[] = [];
  for (const { op, token } of ops) {
    const last = out[out.length - 1];
    if (last && last.op === op) last.text += token;
    else out.push({ op, text: token });
  }
  return out;
}

/** Whether two texts differ at all (segments other than 'eq'). */
export function changed(segments: readonly DiffSegment[]): boolean {
  return segments.some((s) => s.op !== 'eq');
}
