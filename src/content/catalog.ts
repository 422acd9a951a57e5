/**
 * Reading the base in the workspace: the list with search (the bot's Vietnamese-aware retriever over every entry,
 * drafts and archived ones included; no diacritics needed) and filters, one entry in full, topics, and usage.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import type { EntryStatus, KbEntry } from '../domain/kb';
import { yamlFilesOf } from '../kb/loader';
import type { EntryUsage } from '../kb/usage';
import { statusOf, viewOf, type EntryState } from './entryStore';
import type { Workspace } from './workspace';

export interface EntryFilter {
  q?: string;
  topic?: string;
  /** published: live ones (even with a pending change); draft/review: with such a pending change; archived. */
  status?: EntryStatus;
  /** overdue: last review older than the review period; or entries reviewed before / after a date. */
  review?: 'overdue' | 'current';
  reviewedBefore?: string;
  reviewedAfter?: string;
  page?: number;
  size?: number;
}

export interface EntrySummary {
  id: string;
  topic: string;
  question: string;
  status: EntryStatus;
  live: 'published' | 'archived' | null;
  working: 'draft' | 'review' | null;
  version: number;
  reviewedAt: string;
  /** Not reviewed within the review period. */
  overdue: boolean;
  /** Past its validity end date. */
  expired: boolean;
  updatedAt: string;
  updatedBy: string | null;
  usage: { answered: number; helpful: number; notHelpful: number };
  score?: number;
}

export interface ListContext {
  today: string;
  reviewDays: number;
  usage: Map<string, EntryUsage>;
}

/** Matches below this share of the query's attainable score are noise in a list (one common word in common). */
const MIN_SEARCH_SCORE = 0.25;

export function reviewOverdue(reviewedAt: string, today: string, reviewDays: number): boolean {
  if (!reviewedAt) return true;
  const age = (Date.parse(`${today}T00:00:00Z`) - Date.parse(`${reviewedAt}T00:00:00Z`)) / 86_400_000;
  return !(age <= reviewDays);
}

export function summaryOf(state: EntryState, ctx: ListContext, score?: number): EntrySummary {
  const entry = viewOf(state);
  const copy = state.working ?? state.live!;
  const u = ctx.usage.get(state.id);
  return {
    id: state.id,
    topic: entry.topic,
    question: entry.question,
    status: statusOf(state),
    live: state.live?.status ?? null,
    working: state.working?.status ?? null,
    version: copy.version,
    reviewedAt: entry.reviewedAt ?? '',
    overdue: reviewOverdue(entry.reviewedAt ?? '', ctx.today, ctx.reviewDays),
    expired: Boolean(entry.validTo && entry.validTo < ctx.today),
    updatedAt: copy.updatedAt,
    updatedBy: copy.updatedBy,
    usage: { answered: u?.answered ?? 0, helpful: u?.helpful ?? 0, notHelpful: u?.notHelpful ?? 0 },
    ...(score !== undefined && { score: Math.round(score * 1000) / 1000 }),
  };
}

function matchesFilter(state: EntryState, f: EntryFilter, ctx: ListContext): boolean {
  const entry = viewOf(state);
  if (f.topic && entry.topic !== f.topic) return false;
  if (f.status) {
    if (f.status === 'published' && state.live?.status !== 'published') return false;
    if (f.status === 'archived' && (state.live?.status !== 'archived' || state.working)) return false;
    if ((f.status === 'draft' || f.status === 'review') && state.working?.status !== f.status) return false;
  }
  const reviewed = entry.reviewedAt ?? '';
  if (f.review === 'overdue' && !reviewOverdue(reviewed, ctx.today, ctx.reviewDays)) return false;
  if (f.review === 'current' && reviewOverdue(reviewed, ctx.today, ctx.reviewDays)) return false;
  if (f.reviewedBefore && !(reviewed && reviewed < f.reviewedBefore)) return false;
  if (f.reviewedAfter && !(reviewed && reviewed >= f.reviewedAfter)) return false;
  return true;
}

/** The workspace list: searched (ranked by the retriever) or sorted by topic and id, then filtered and paged. */
export async function listEntries(ws: Workspace, f: EntryFilter, ctx: ListContext): Promise<{ total: number; items: EntrySummary[] }> {
  const size = Math.min(Math.max(f.size ?? 50, 1), 500);
  const page = Math.max(f.page ?? 1, 1);
  let ranked: Array<{ state: EntryState; score?: number }>;
  const q = f.q?.trim();
  if (q) {
    const index = await ws.allIndex();
    const result = index.search(q, 300);
    ranked = result.matches.filter((m) => m.score >= MIN_SEARCH_SCORE).map((m) => ({ state: ws.byId.get(m.id)!, score: m.score })).filter((r) => r.state);
  } else {
    ranked = [...ws.states].sort((a, b) => viewOf(a).topic.localeCompare(viewOf(b).topic) || a.id.localeCompare(b.id, undefined, { numeric: true })).map((state) => ({ state }));
  }
  const filtered = ranked.filter((r) => matchesFilter(r.state, f, ctx));
  return { total: filtered.length, items: filtered.slice((page - 1) * size, page * size).map((r) => summaryOf(r.state, ctx, r.score)) };
}

/** The published base only, as operators may read it (no pending changes). */
export function publishedSummary(entry: KbEntry, version: number, ctx: ListContext, score?: number): EntrySummary {
  return summaryOf({ id: entry.id, live: { version, status: 'published', entry, updatedAt: '', updatedBy: null } }, ctx, score);
}

/** Topic id → its title (from the topic files' "title"); topics created later show their id. */
export function topicTitles(kbDir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const dir = path.join(kbDir, 'qa');
  if (!fs.existsSync(dir)) return out;
  for (const file of yamlFilesOf(dir)) {
    try {
      const doc = parse(fs.readFileSync(file, 'utf8')) as { topic?: unknown; title?: unknown };
      if (typeof doc?.topic === 'string' && typeof doc.title === 'string') out[doc.topic] = doc.title;
    } catch {
      // A broken topic file is reported by the loader; here it just has no title.
    }
  }
  return out;
}
