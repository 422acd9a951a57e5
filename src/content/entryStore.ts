/**
 * Where an entry's states live. kb_entries keeps what the bot serves (status published) or served (archived) — the
 * PublishedBase reads only that — and, for an entry never published, its draft or review copy. A change to a
 * published or archived entry waits in kb_drafts until it is published. kb_versions keeps every version.
 */
import type { EntryStatus, KbEntry } from '../domain/kb';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { setValue } from '../store/kv';
import './schema';

export type WorkingStatus = 'draft' | 'review';
export type LiveStatus = 'published' | 'archived';

export interface StoredCopy<S extends string> {
  version: number;
  status: S;
  entry: KbEntry;
  updatedAt: string;
  updatedBy: string | null;
}

export interface EntryState {
  id: string;
  /** What the bot serves (published) or served until archived; absent for an entry never published. */
  live?: StoredCopy<LiveStatus>;
  /** The change being prepared (draft or in review); absent when there is none. */
  working?: StoredCopy<WorkingStatus>;
}

/** Version notes: what a version did. Content notes change the text; the others move it through the workflow. */
export const CONTENT_ACTIONS: ReadonlySet<string> = new Set(['create', 'edit', 'import', 'alternative', 'rollback']);

/** The text an entry shows in the workspace: the working copy when there is one, else the live one. */
export function viewOf(state: EntryState): KbEntry {
  return (state.working ?? state.live)!.entry;
}

/** draft | review when a change is pending, else published | archived. */
export function statusOf(state: EntryState): EntryStatus {
  return state.working?.status ?? state.live!.status;
}

function parseEntry(data: string): KbEntry {
  return JSON.parse(data) as KbEntry;
}

interface EntryRowLike {
  id: string;
  status: string;
  data: string;
  version: number;
  updated_at: string;
  updated_by: string | null;
}

function stateFrom(row: EntryRowLike, draft?: { version: number; status: string; data: string; updated_at: string; updated_by: string | null }): EntryState {
  const copy = <S extends string>(r: { version: number; status: string; data: string; updated_at: string; updated_by: string | null }): StoredCopy<S> => ({
    version: r.version,
    status: r.status as S,
    entry: parseEntry(r.data),
    updatedAt: r.updated_at,
    updatedBy: r.updated_by,
  });
  if (row.status === 'published' || row.status === 'archived') {
    return { id: row.id, live: copy<LiveStatus>(row), ...(draft && { working: copy<WorkingStatus>(draft) }) };
  }
  return { id: row.id, working: copy<WorkingStatus>(row) };
}

export async function loadStates(db: Executor, ids?: readonly string[]): Promise<EntryState[]> {
  if (ids && ids.length === 0) return [];
  let rows = db.selectFrom('kb_entries').select(['id', 'status', 'data', 'version', 'updated_at', 'updated_by']);
  let drafts = db.selectFrom('kb_drafts').selectAll();
  if (ids) {
    rows = rows.where('id', 'in', [...ids]);
    drafts = drafts.where('entry_id', 'in', [...ids]);
  }
  const [entryRows, draftRows] = await Promise.all([rows.orderBy('id').execute(), drafts.execute()]);
  const byId = new Map(draftRows.map((d) => [d.entry_id, d]));
  return entryRows.map((r) => stateFrom(r, byId.get(r.id)));
}

export async function loadState(db: Executor, id: string): Promise<EntryState | undefined> {
  return (await loadStates(db, [id]))[0];
}

export async function nextVersion(db: Executor, id: string): Promise<number> {
  const row = await db.selectFrom('kb_versions').select((e) => e.fn.max('version').as('v')).where('entry_id', '=', id).executeTakeFirst();
  return Number(row?.v ?? 0) + 1;
}

/** The highest version of each entry, for writing many at once. */
export async function lastVersions(db: Executor, ids: readonly string[]): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await db
      .selectFrom('kb_versions')
      .select(['entry_id', (e) => e.fn.max('version').as('v')])
      .where('entry_id', 'in', ids.slice(i, i + 500))
      .groupBy('entry_id')
      .execute();
    for (const r of rows) out.set(r.entry_id, Number(r.v));
  }
  return out;
}

/** Rows per multi-row statement: far below SQLite's and PostgreSQL's limits on bound parameters. */
const CHUNK = 400;

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += CHUNK) out.push(items.slice(i, i + CHUNK));
  return out;
}

export interface Change {
  actorId: string | null;
  at: string;
  note: string;
}

async function addVersions(tx: Executor, items: Array<{ entry: KbEntry; version: number; status: EntryStatus }>, change: Change): Promise<void> {
  for (const part of chunks(items)) {
    await tx
      .insertInto('kb_versions')
      .values(part.map((i) => ({ id: newId(), entry_id: i.entry.id, version: i.version, status: i.status, data: JSON.stringify(i.entry), author_id: change.actorId, at: change.at, note: change.note })))
      .execute();
  }
}

async function upsertEntryRows(tx: Executor, items: Array<{ entry: KbEntry; version: number; status: EntryStatus }>, change: Change): Promise<void> {
  for (const part of chunks(items)) {
    await tx
      .insertInto('kb_entries')
      .values(part.map((i) => ({ id: i.entry.id, topic: i.entry.topic, status: i.status, data: JSON.stringify(i.entry), version: i.version, reviewed_at: i.entry.reviewedAt || null, updated_at: change.at, updated_by: change.actorId })))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({
          topic: eb.ref('excluded.topic'),
          status: eb.ref('excluded.status'),
          data: eb.ref('excluded.data'),
          version: eb.ref('excluded.version'),
          reviewed_at: eb.ref('excluded.reviewed_at'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
  }
}

export interface WorkingWrite {
  /** The entry's state before the write; absent for a new entry. */
  state?: EntryState;
  entry: KbEntry;
  status: WorkingStatus;
  version: number;
}

/**
 * Writes new working copies (draft or review), each as a new version. An entry never published keeps it in its
 * kb_entries row; a published or archived one in kb_drafts, so the bot keeps serving the live text meanwhile.
 * Many entries go in a few multi-row statements (imports of thousands of rows).
 */
export async function writeWorkingMany(tx: Executor, writes: readonly WorkingWrite[], change: Change): Promise<void> {
  const items = writes.map((w) => ({ ...w, entry: { ...w.entry, status: w.status } as KbEntry }));
  await addVersions(tx, items, change);
  await upsertEntryRows(tx, items.filter((i) => !i.state?.live), change);
  for (const part of chunks(items.filter((i) => i.state?.live))) {
    await tx
      .insertInto('kb_drafts')
      .values(part.map((i) => ({ entry_id: i.entry.id, version: i.version, status: i.status, data: JSON.stringify(i.entry), updated_at: change.at, updated_by: change.actorId })))
      .onConflict((oc) =>
        oc.column('entry_id').doUpdateSet((eb) => ({
          version: eb.ref('excluded.version'),
          status: eb.ref('excluded.status'),
          data: eb.ref('excluded.data'),
          updated_at: eb.ref('excluded.updated_at'),
          updated_by: eb.ref('excluded.updated_by'),
        })),
      )
      .execute();
  }
}

export async function writeWorking(tx: Executor, state: EntryState | undefined, entry: KbEntry, status: WorkingStatus, change: Change & { version: number }): Promise<void> {
  await writeWorkingMany(tx, [{ state, entry, status, version: change.version }], change);
}

/** Makes copies live (published) or takes them off the bot (archived); their working copies are dropped. */
export async function writeLiveMany(tx: Executor, writes: ReadonlyArray<{ entry: KbEntry; version: number }>, status: LiveStatus, change: Change): Promise<void> {
  const items = writes.map((w) => ({ entry: { ...w.entry, status } as KbEntry, version: w.version, status }));
  await addVersions(tx, items, change);
  await upsertEntryRows(tx, items, change);
  for (const part of chunks(items)) {
    await tx.deleteFrom('kb_drafts').where('entry_id', 'in', part.map((i) => i.entry.id)).execute();
  }
}

export async function writeLive(tx: Executor, entry: KbEntry, status: LiveStatus, change: Change & { version: number }): Promise<void> {
  await writeLiveMany(tx, [{ entry, version: change.version }], status, change);
}

/** One audit_log row per entry, in a few statements (the same rows src/store/audit.ts writes one by one). */
export async function auditEntries(tx: Executor, action: string, entries: ReadonlyArray<{ id: string; detail: Record<string, unknown> }>, actorId: string | null, at: string): Promise<void> {
  for (const part of chunks(entries)) {
    await tx
      .insertInto('audit_log')
      .values(part.map((e) => ({ id: newId(), at, actor_id: actorId, action, target_type: 'kb_entry', target_id: e.id, detail: JSON.stringify(e.detail) })))
      .execute();
  }
}

export interface VersionRecord {
  version: number;
  status: EntryStatus;
  entry: KbEntry;
  authorId: string | null;
  at: string;
  note: string;
}

export async function listVersions(db: Executor, id: string): Promise<VersionRecord[]> {
  const rows = await db.selectFrom('kb_versions').selectAll().where('entry_id', '=', id).orderBy('version', 'asc').execute();
  return rows.map((r) => ({ version: r.version, status: r.status as EntryStatus, entry: parseEntry(r.data), authorId: r.author_id, at: r.at, note: r.note ?? '' }));
}

/** Everyone who changed the text since it was last published: none of them may publish it alone. */
export function authorsSinceLive(versions: readonly VersionRecord[], liveVersion: number): Set<string> {
  const authors = new Set<string>();
  for (const v of versions) {
    if (v.version <= liveVersion) continue;
    const action = v.note.split(':')[0];
    if (CONTENT_ACTIONS.has(action) && v.authorId) authors.add(v.authorId);
  }
  return authors;
}

/** authorsSinceLive for many entries at once (publishing everything in review): one query per few hundred. */
export async function authorsSinceLiveMany(db: Executor, entries: ReadonlyArray<{ id: string; liveVersion: number }>): Promise<Map<string, Set<string>>> {
  const out = new Map<string, Set<string>>(entries.map((e) => [e.id, new Set<string>()]));
  const live = new Map(entries.map((e) => [e.id, e.liveVersion]));
  for (let i = 0; i < entries.length; i += 500) {
    const rows = await db
      .selectFrom('kb_versions')
      .select(['entry_id', 'version', 'author_id', 'note'])
      .where('entry_id', 'in', entries.slice(i, i + 500).map((e) => e.id))
      .execute();
    for (const r of rows) {
      if (r.version <= (live.get(r.entry_id) ?? 0) || !r.author_id) continue;
      if (CONTENT_ACTIONS.has((r.note ?? '').split(':')[0])) out.get(r.entry_id)!.add(r.author_id);
    }
  }
  return out;
}

/** Marks a change of the workspace so every instance's cached indexes rebuild. */
export async function touchRevision(tx: Executor, at: string): Promise<string> {
  const revision = newId();
  await setValue(tx, 'content_revision', revision, at);
  return revision;
}
