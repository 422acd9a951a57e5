/** An entry's history: every version with who and when, and what it changed field by field (word level). */
import type { KbEntry } from '../domain/kb';
import type { Executor } from '../store/executor';
import { listVersions } from './entryStore';
import { changed, diffWords, type DiffSegment } from './wordDiff';

export interface FieldDiff {
  field: string;
  segments: DiffSegment[];
}

export interface VersionView {
  version: number;
  status: string;
  /** create | edit | import | alternative | rollback | submit | return | publish | archive | discard | seed */
  action: string;
  /** The rollback's source version, or the reason a change was returned. */
  actionArg: string | null;
  authorId: string | null;
  authorName: string | null;
  at: string;
  /** Against the previous version; empty when only the status moved. */
  changes: FieldDiff[];
}

const sourceText = (e: KbEntry) => [e.source.issuer, e.source.document, e.source.date, e.source.url].filter(Boolean).join(' · ');

/** Each field as text a person reads (lists one item per line). */
export function fieldTexts(e: KbEntry | undefined): Record<string, string> {
  if (!e) return {};
  return {
    topic: e.topic,
    question: e.question,
    alternatives: e.alternatives.join('\n'),
    keywords: e.keywords.join(', '),
    answer: e.answer,
    source: sourceText(e),
    reviewedAt: e.reviewedAt ?? '',
    validFrom: e.validFrom ?? '',
    validTo: e.validTo ?? '',
  };
}

export function diffEntries(before: KbEntry | undefined, after: KbEntry): FieldDiff[] {
  const a = fieldTexts(before);
  const b = fieldTexts(after);
  const out: FieldDiff[] = [];
  for (const field of Object.keys(b)) {
    if ((a[field] ?? '') === b[field]) continue;
    const segments = diffWords(a[field] ?? '', b[field]);
    if (changed(segments)) out.push({ field, segments });
  }
  return out;
}

export async function entryHistory(db: Executor, id: string, names: (userId: string) => string | null): Promise<VersionView[]> {
  const versions = await listVersions(db, id);
  const out: VersionView[] = [];
  let previous: KbEntry | undefined;
  for (const v of versions) {
    const [action, ...rest] = v.note.split(':');
    out.push({
      version: v.version,
      status: v.status,
      action: action || 'edit',
      actionArg: rest.length ? rest.join(':') : null,
      authorId: v.authorId,
      authorName: v.authorId ? names(v.authorId) : null,
      at: v.at,
      changes: diffEntries(previous, v.entry),
    });
    previous = v.entry;
  }
  return out.reverse();
}
