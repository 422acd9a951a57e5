/**
 * Bulk import of a CSV or XLSX file in two steps. Preview: the file is read and every row checked (the same rules as
 * the YAML base); any bad row refuses the whole file with row-level reasons, and nothing is applied. Otherwise the
 * preview lists what would be added, changed and removed. Apply: the added and changed entries become versions in
 * review (a second person publishes them); entries missing from the file are archived only when asked.
 * Jobs and their progress live in content_import_jobs, so any instance can report on them.
 */
import type { KbEntry } from '../domain/kb';
import { csvToEntries } from '../kb/csv';
import { diffEntries as diffBases } from '../kb/diff';
import type { RowError } from '../kb/table';
import { xlsxToEntries } from '../kb/xlsx';
import type { EventBus } from '../pipeline/events';
import { audit } from '../store/audit';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { getValue, setValue } from '../store/kv';
import { auditEntries, lastVersions, loadStates, touchRevision, viewOf, writeLiveMany, writeWorkingMany } from './entryStore';
import { ContentError, rowErrorText } from './messages';
import type { WorkspaceCache } from './workspace';
import './schema';

export interface ImportDeps {
  db: Executor;
  bus: EventBus;
  clock: Clock;
  cache: WorkspaceCache;
  log: { error(o: object, m?: string): void };
}

export interface ImportPreview {
  added: Array<{ id: string; topic: string; question: string }>;
  changed: Array<{ id: string; question: string; fields: string[] }>;
  removed: Array<{ id: string; question: string }>;
  unchanged: number;
  total: number;
}

export interface ImportJob {
  id: string;
  status: 'parsing' | 'previewed' | 'refused' | 'applying' | 'applied' | 'failed';
  fileName: string;
  done: number;
  total: number;
  errors?: Array<{ row: number; column?: string; message: string }>;
  preview?: ImportPreview;
  applied?: { added: number; changed: number; archived: number };
  failure?: string;
  createdBy: string | null;
}

const BATCH = 200;
const stripStatus = ({ status: _s, ...e }: KbEntry): KbEntry => e;

export type TableKind = 'csv' | 'xlsx';

/** The table format by the file's content (an XLSX is a ZIP), checked against its name. */
export function tableKindOf(data: Buffer, fileName: string): TableKind {
  const zip = data.length >= 4 && data.readUInt32LE(0) === 0x04034b50;
  const ext = /\.([a-z0-9]+)$/i.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'xlsx' && !zip) throw new ContentError(422, 'bad-file', 'Tệp có đuôi .xlsx nhưng nội dung không phải bảng tính Excel (XLSX).');
  if (ext === 'csv' && zip) throw new ContentError(422, 'bad-file', 'Tệp có đuôi .csv nhưng nội dung là một tệp nén (có thể là XLSX).');
  if (ext && ext !== 'csv' && ext !== 'xlsx') throw new ContentError(422, 'bad-file', 'Chỉ nhận tệp .csv hoặc .xlsx.');
  return zip ? 'xlsx' : 'csv';
}

export class ImportJobs {
  constructor(private readonly deps: ImportDeps) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /** Starts reading and checking a file; the preview (or the refusal) arrives on the job. */
  async start(data: Buffer, fileName: string, actorId: string): Promise<string> {
    const kind = tableKindOf(data, fileName);
    if (kind === 'csv') {
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(data);
      } catch {
        throw new ContentError(422, 'bad-file', 'Tệp CSV phải được lưu với bảng mã UTF-8.');
      }
    }
    const id = newId();
    const at = this.now();
    await this.deps.db.insertInto('content_import_jobs').values({ id, status: 'parsing', file_name: fileName.slice(0, 200), done: 0, total: 0, entries: '[]', result: '{}', created_by: actorId, created_at: at, updated_at: at }).execute();
    void this.preview(id, kind, data).catch((err) => this.fail(id, err));
    return id;
  }

  private async fail(id: string, err: unknown): Promise<void> {
    this.deps.log.error({ err }, 'import job failed');
    await this.deps.db
      .updateTable('content_import_jobs')
      .set({ status: 'failed', result: JSON.stringify({ failure: err instanceof ContentError ? err.message : 'Lỗi không mong muốn khi xử lý tệp. Vui lòng thử lại.' }), updated_at: this.now() })
      .where('id', '=', id)
      .execute()
      .catch(() => undefined);
  }

  private async preview(id: string, kind: TableKind, data: Buffer): Promise<void> {
    const ws = await this.deps.cache.snapshot();
    const options = { strict: true, citizenForms: ws.rules.citizenForms };
    const parsed = kind === 'csv' ? csvToEntries(data.toString('utf8'), options) : await xlsxToEntries(data, options);
    if (!parsed.ok) {
      const errors = parsed.errors.map((e: RowError) => ({ row: e.row, ...(e.column && { column: e.column }), message: rowErrorText(e) }));
      await this.deps.db.updateTable('content_import_jobs').set({ status: 'refused', result: JSON.stringify({ errors }), updated_at: this.now() }).where('id', '=', id).execute();
      return;
    }
    const entries = parsed.entries.map(stripStatus);
    const preview = this.diff(entries, ws.states.map(viewOf), new Set(ws.states.filter((s) => !s.working && s.live?.status === 'archived').map((s) => s.id)));
    await this.deps.db
      .updateTable('content_import_jobs')
      .set({ status: 'previewed', entries: JSON.stringify(entries), total: entries.length, result: JSON.stringify({ preview }), updated_at: this.now() })
      .where('id', '=', id)
      .execute();
  }

  private diff(incoming: KbEntry[], current: KbEntry[], archived: ReadonlySet<string>): ImportPreview {
    const d = diffBases(current.map(stripStatus), incoming);
    const byId = new Map(incoming.map((e) => [e.id, e]));
    return {
      added: d.added.map((e) => ({ id: e.id, topic: e.topic, question: e.question })),
      changed: d.changed.map((c) => ({ id: c.id, question: byId.get(c.id)!.question, fields: c.fields })),
      removed: d.removed.filter((e) => !archived.has(e.id)).map((e) => ({ id: e.id, question: e.question })),
      unchanged: d.unchanged,
      total: incoming.length,
    };
  }

  async get(id: string): Promise<ImportJob> {
    const row = await this.deps.db.selectFrom('content_import_jobs').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ContentError(404, 'not-found', 'Không tìm thấy lượt nhập tệp này.');
    const result = JSON.parse(row.result) as Partial<ImportJob>;
    return { id: row.id, status: row.status as ImportJob['status'], fileName: row.file_name, done: row.done, total: row.total, createdBy: row.created_by, ...result };
  }

  /** Applies a previewed import, in batches (progress on the job); the diff is taken again against the base as it is now. */
  async apply(id: string, options: { archiveMissing: boolean }, actorId: string): Promise<void> {
    const at = this.now();
    const claimed = await this.deps.db
      .updateTable('content_import_jobs')
      .set({ status: 'applying', done: 0, updated_at: at })
      .where('id', '=', id)
      .where('status', '=', 'previewed')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) {
      const job = await this.get(id);
      throw new ContentError(409, 'not-previewed', job.status === 'refused' ? 'Tệp có dòng lỗi nên không được áp dụng.' : 'Lượt nhập này đã được áp dụng hoặc đang chạy.');
    }
    void this.run(id, options, actorId).catch((err) => this.fail(id, err));
  }

  private async run(id: string, options: { archiveMissing: boolean }, actorId: string): Promise<void> {
    const row = await this.deps.db.selectFrom('content_import_jobs').select('entries').where('id', '=', id).executeTakeFirstOrThrow();
    const incoming = JSON.parse(row.entries) as KbEntry[];
    const ws = await this.deps.cache.snapshot();
    const archivedIds = new Set(ws.states.filter((s) => !s.working && s.live?.status === 'archived').map((s) => s.id));
    const plan = this.diff(incoming, ws.states.map(viewOf), archivedIds);
    const toWrite = [...plan.added.map((a) => a.id), ...plan.changed.map((c) => c.id)];
    const toArchive = options.archiveMissing ? plan.removed.map((r) => r.id) : [];
    const total = toWrite.length + toArchive.length;
    const byId = new Map(incoming.map((e) => [e.id, e]));
    await this.progress(id, 0, total);
    let done = 0;
    let archivedLive = 0;
    for (let i = 0; i < toWrite.length; i += BATCH) {
      const ids = toWrite.slice(i, i + BATCH);
      await this.deps.db.transaction().execute(async (tx) => {
        const at = this.now();
        const states = new Map((await loadStates(tx, ids)).map((s) => [s.id, s]));
        const last = await lastVersions(tx, ids);
        const writes = ids.map((entryId) => ({ state: states.get(entryId), entry: byId.get(entryId)!, status: 'review' as const, version: (last.get(entryId) ?? 0) + 1 }));
        await writeWorkingMany(tx, writes, { actorId, at, note: 'import' });
        await auditEntries(tx, 'kb.entry.import', writes.map((w) => ({ id: w.entry.id, detail: { version: w.version, job: id } })), actorId, at);
        await touchRevision(tx, at);
      });
      done += ids.length;
      await this.progress(id, done, total);
    }
    for (let i = 0; i < toArchive.length; i += BATCH) {
      const ids = toArchive.slice(i, i + BATCH);
      await this.deps.db.transaction().execute(async (tx) => {
        const at = this.now();
        const states = await loadStates(tx, ids);
        const last = await lastVersions(tx, ids);
        const writes = states.map((s) => ({ entry: s.live?.status === 'published' ? s.live.entry : viewOf(s), version: (last.get(s.id) ?? 0) + 1, wasLive: s.live?.status === 'published' }));
        archivedLive += writes.filter((w) => w.wasLive).length;
        await writeLiveMany(tx, writes, 'archived', { actorId, at, note: 'archive' });
        await auditEntries(tx, 'kb.entry.archive', writes.map((w) => ({ id: w.entry.id, detail: { job: id, wasLive: w.wasLive } })), actorId, at);
        await touchRevision(tx, at);
      });
      done += ids.length;
      await this.progress(id, done, total);
    }
    const at = this.now();
    const applied = { added: plan.added.length, changed: plan.changed.length, archived: toArchive.length };
    let published: string | undefined;
    await this.deps.db.transaction().execute(async (tx) => {
      await audit(tx, { actorId, action: 'kb.import', targetType: 'kb_import', targetId: id, detail: applied, at });
      if (archivedLive > 0) {
        published = String(Number((await getValue(tx, 'kb_published_version')) ?? '1') + 1);
        await setValue(tx, 'kb_published_version', published, at);
      }
      await tx.updateTable('content_import_jobs').set({ status: 'applied', done: total, total, entries: '[]', result: JSON.stringify({ preview: plan, applied }), updated_at: at }).where('id', '=', id).execute();
    });
    if (published) this.deps.bus.publish({ type: 'kb.published', version: published });
  }

  private async progress(id: string, done: number, total: number): Promise<void> {
    await this.deps.db.updateTable('content_import_jobs').set({ done, total, updated_at: this.now() }).where('id', '=', id).execute();
  }
}
