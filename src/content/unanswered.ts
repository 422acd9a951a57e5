/**
 * What citizens asked that the bot did not answer well: questions it could not answer (fallback), answered only with
 * suggestions (low confidence), that were left for an operator, or whose answer was marked not helpful — already
 * masked of personal data when recorded (src/kb/usage.ts). Grouped by similarity with counts and a weekly trend;
 * from a group the team creates an entry, adds the question to an existing entry, or dismisses it.
 */
import type { Match } from '../domain/kb';
import { hasDiacritics } from '../nlp/normalize';
import type { CompiledRules } from '../nlp/textRules';
import { audit } from '../store/audit';
import type { Executor } from '../store/executor';
import { parseJson } from '../store/ids';
import { ContentError } from './messages';
import { groupQuestions } from './questionGroups';
import './schema';

export type UnansweredKind = 'fallback' | 'suggest' | 'left' | 'not-helpful';

export interface UnansweredItem {
  /** "a:<kb_answers id>" or "f:<kb_feedback id>". */
  id: string;
  kind: UnansweredKind;
  question: string;
  channel: string;
  at: string;
  matches: Match[];
  /** For "not helpful": the entry that was answered. */
  entryId?: string;
}

export interface QuestionGroup {
  /** The id of its first item: stable while that item stays. */
  id: string;
  /** The commonest wording in the group. */
  label: string;
  count: number;
  thisWeek: number;
  /** Counts per 7-day period, oldest first; the last is the current week. */
  weekly: number[];
  kinds: Partial<Record<UnansweredKind, number>>;
  channels: Record<string, number>;
  lastAt: string;
  items: UnansweredItem[];
  /** Entries the bot found closest for these questions, most often first. */
  candidates: Array<{ entryId: string; count: number }>;
}

const WEEK_MS = 7 * 24 * 3600_000;

/** The questions to review since `since` (ISO), without those already handled. */
export async function collectUnanswered(db: Executor, since: string): Promise<UnansweredItem[]> {
  const [answers, feedback, marks] = await Promise.all([
    db.selectFrom('kb_answers').selectAll().where('decision', 'in', ['fallback', 'suggest', 'left']).where('at', '>=', since).orderBy('at', 'desc').limit(20_000).execute(),
    db.selectFrom('kb_feedback').selectAll().where('helpful', '=', 0).where('at', '>=', since).execute(),
    db.selectFrom('content_question_marks').select('item_id').execute(),
  ]);
  const handled = new Set(marks.map((m) => m.item_id));
  const items: UnansweredItem[] = [];
  // A question left for an operator usually follows the fallback to the same question: count it once.
  const seen = new Set<string>();
  const sorted = [...answers].sort((a, b) => (a.decision === 'left' ? -1 : 0) - (b.decision === 'left' ? -1 : 0));
  for (const r of sorted) {
    const key = `${r.conversation_id ?? r.id}\u0000${r.question.toLowerCase()}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const id = `a:${r.id}`;
    if (handled.has(id) || !r.question.trim()) continue;
    items.push({ id, kind: r.decision as UnansweredKind, question: r.question, channel: r.channel, at: r.at, matches: parseJson<Match[]>(r.matches, []) });
  }
  // "Not helpful": the question that was answered by that entry in that conversation, just before the feedback.
  const conversations = [...new Set(feedback.map((f) => f.conversation_id).filter((c): c is string => Boolean(c)))];
  const answered = new Map<string, Array<{ entry_id: string | null; question: string; channel: string; at: string; matches: string }>>();
  for (let i = 0; i < conversations.length; i += 500) {
    const rows = await db
      .selectFrom('kb_answers')
      .select(['conversation_id', 'entry_id', 'question', 'channel', 'at', 'matches'])
      .where('decision', '=', 'answer')
      .where('conversation_id', 'in', conversations.slice(i, i + 500))
      .execute();
    for (const r of rows) answered.set(r.conversation_id!, [...(answered.get(r.conversation_id!) ?? []), r]);
  }
  for (const f of feedback) {
    const id = `f:${f.id}`;
    if (handled.has(id)) continue;
    const candidates = (answered.get(f.conversation_id ?? '') ?? []).filter((r) => r.entry_id === f.entry_id && r.at <= f.at).sort((a, b) => b.at.localeCompare(a.at));
    const source = candidates[0];
    if (!source) continue;
    items.push({ id, kind: 'not-helpful', question: source.question, channel: source.channel, at: f.at, matches: parseJson<Match[]>(source.matches, []), entryId: f.entry_id });
  }
  return items;
}

export function groupUnanswered(items: readonly UnansweredItem[], rules: CompiledRules, now: Date, weeks = 8): QuestionGroup[] {
  const groups = groupQuestions(items.map((i) => ({ ...i, text: i.question })), rules);
  return groups
    .map((members) => {
      const weekly = new Array<number>(weeks).fill(0);
      const kinds: QuestionGroup['kinds'] = {};
      const channels: Record<string, number> = {};
      const wordings = new Map<string, number>();
      const candidates = new Map<string, number>();
      let lastAt = '';
      for (const m of members) {
        const age = Math.floor((now.getTime() - new Date(m.at).getTime()) / WEEK_MS);
        if (age >= 0 && age < weeks) weekly[weeks - 1 - age]++;
        kinds[m.kind] = (kinds[m.kind] ?? 0) + 1;
        channels[m.channel] = (channels[m.channel] ?? 0) + 1;
        wordings.set(m.question, (wordings.get(m.question) ?? 0) + 1);
        for (const match of m.matches.slice(0, 3)) candidates.set(match.id, (candidates.get(match.id) ?? 0) + 1);
        if (m.entryId) candidates.set(m.entryId, (candidates.get(m.entryId) ?? 0) + 1);
        if (m.at > lastAt) lastAt = m.at;
      }
      // The commonest wording; among equals, one with diacritics and without masked data reads best.
      const readable = (q: string) => (hasDiacritics(q) ? 0 : 2) + (q.includes('[') ? 3 : 0);
      const label = [...wordings.entries()].sort((a, b) => b[1] - a[1] || readable(a[0]) - readable(b[0]) || a[0].length - b[0].length)[0][0];
      const items = members.map(({ text: _t, ...item }) => item as UnansweredItem).sort((a, b) => b.at.localeCompare(a.at));
      return {
        id: items[items.length - 1].id,
        label,
        count: members.length,
        thisWeek: weekly[weeks - 1],
        weekly,
        kinds,
        channels,
        lastAt,
        items,
        candidates: [...candidates.entries()].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([entryId, count]) => ({ entryId, count })),
      };
    })
    .sort((a, b) => b.thisWeek - a.thisWeek || b.count - a.count || b.lastAt.localeCompare(a.lastAt));
}

/** Records what was done with some collected questions; they leave the review list. */
export async function markQuestions(db: Executor, itemIds: readonly string[], action: 'dismissed' | 'entry-created' | 'alternative-added', entryId: string | null, actorId: string, at: string): Promise<number> {
  const ids = [...new Set(itemIds.filter((i) => /^[af]:[\w-]{1,80}$/.test(i)))];
  if (ids.length === 0) throw new ContentError(422, 'empty', 'Chưa chọn câu hỏi nào.');
  if (ids.length > 5000) throw new ContentError(413, 'too-many', 'Quá nhiều câu hỏi trong một lần.');
  await db.transaction().execute(async (tx) => {
    for (const id of ids) {
      await tx
        .insertInto('content_question_marks')
        .values({ item_id: id, action, entry_id: entryId, actor_id: actorId, at })
        .onConflict((oc) => oc.column('item_id').doUpdateSet({ action, entry_id: entryId, actor_id: actorId, at }))
        .execute();
    }
    await audit(tx, { actorId, action: `kb.unanswered.${action}`, targetType: entryId ? 'kb_entry' : 'kb_unanswered', targetId: entryId ?? ids[0], detail: { items: ids.length }, at });
  });
  return ids.length;
}
