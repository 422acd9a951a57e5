/**
 * The life of an entry: draft → review → published → archived, every step a version, every change in the audit log.
 * Publishing validates the whole base the bot would serve (refused with the reasons; the live base stays), commits,
 * then raises `kb.published` so every instance swaps its index. With PUBLISH_NEEDS_SECOND_PERSON, nobody publishes
 * a text they changed: a second editor or supervisor does.
 */
import type { KbEntry } from '../domain/kb';
import type { EventBus } from '../pipeline/events';
import { audit } from '../store/audit';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { getValue, setValue } from '../store/kv';
import { baseProblems, draftProblems, entryFromInput, entryProblems, sameContent, type EntryProblem } from './entryInput';
import {
  authorsSinceLiveMany,
  lastVersions,
  listVersions,
  loadState,
  loadStates,
  nextVersion,
  touchRevision,
  viewOf,
  auditEntries,
  writeLive,
  writeLiveMany,
  writeWorking,
  type EntryState,
} from './entryStore';
import { ContentError } from './messages';
import type { WorkspaceCache } from './workspace';

export interface WorkflowDeps {
  db: Executor;
  bus: EventBus;
  clock: Clock;
  cache: WorkspaceCache;
  needsSecondPerson: boolean;
}

export interface Actor {
  id: string;
}

export interface SaveResult {
  id: string;
  version: number;
  status: string;
  /** What still keeps the entry from being published (shown beside the editor). */
  problems: EntryProblem[];
  changed: boolean;
}

export interface PublishResult {
  published: string[];
  version: string;
}

const notFound = (id: string) => new ContentError(404, 'not-found', `Không tìm thấy câu hỏi "${id}".`);

export class EntryWorkflow {
  constructor(private readonly deps: WorkflowDeps) {}

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  private async forms(): Promise<Set<string>> {
    return (await this.deps.cache.snapshot()).rules.citizenForms;
  }

  /** Creates an entry (id given or made from the topic) as a draft. */
  async create(body: Record<string, unknown>, actor: Actor, note = 'create'): Promise<SaveResult> {
    const requested = typeof body.id === 'string' ? body.id.trim() : '';
    const topic = typeof body.topic === 'string' ? body.topic.trim() : '';
    const id = requested || (await this.freeId(topic));
    const entry = entryFromInput(body, id);
    const blocking = draftProblems(entry);
    if (blocking.length) throw new ContentError(422, 'invalid-entry', 'Chưa lưu được câu hỏi.', { problems: blocking });
    const at = this.now();
    await this.deps.db.transaction().execute(async (tx) => {
      if (await loadState(tx, id)) throw new ContentError(409, 'exists', `Mã "${id}" đã được dùng cho một câu hỏi khác.`);
      await writeWorking(tx, undefined, entry, 'draft', { version: 1, actorId: actor.id, at, note });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.create', targetType: 'kb_entry', targetId: id, detail: { version: 1, note }, at });
      await touchRevision(tx, at);
    });
    return { id, version: 1, status: 'draft', problems: entryProblems(entry, await this.forms()), changed: true };
  }

  /** "cach-ly" → "cach-ly-019": the next free number of the topic. */
  private async freeId(topic: string): Promise<string> {
    const prefix = topic || 'moi';
    const rows = await this.deps.db.selectFrom('kb_entries').select('id').where('id', 'like', `${prefix}-%`).execute();
    let max = 0;
    for (const r of rows) {
      const m = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)$`).exec(r.id);
      if (m) max = Math.max(max, Number(m[1]));
    }
    return `${prefix}-${String(max + 1).padStart(3, '0')}`;
  }

  /**
   * Saves an edit as a new draft version. `baseVersion` is the version the editor started from: if someone saved in
   * between, the edit is refused rather than silently overwriting theirs.
   */
  async save(id: string, body: Record<string, unknown>, baseVersion: number | undefined, actor: Actor, note = 'edit'): Promise<SaveResult> {
    const entry = entryFromInput(body, id);
    const blocking = draftProblems(entry);
    if (blocking.length) throw new ContentError(422, 'invalid-entry', 'Chưa lưu được câu hỏi.', { problems: blocking });
    const at = this.now();
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const state = await loadState(tx, id);
      if (!state) throw notFound(id);
      const current = state.working ?? state.live!;
      if (baseVersion !== undefined && baseVersion !== current.version) {
        throw new ContentError(409, 'conflict', 'Câu hỏi này vừa được người khác sửa. Vui lòng tải lại trang để xem bản mới nhất rồi sửa tiếp.');
      }
      if (sameContent(viewOf(state), entry)) {
        return { version: current.version, status: current.status, changed: false };
      }
      const version = await nextVersion(tx, id);
      await writeWorking(tx, state, entry, 'draft', { version, actorId: actor.id, at, note });
      await audit(tx, { actorId: actor.id, action: note.startsWith('rollback') ? 'kb.entry.rollback' : 'kb.entry.edit', targetType: 'kb_entry', targetId: id, detail: { version, note }, at });
      await touchRevision(tx, at);
      return { version, status: 'draft', changed: true };
    });
    return { id, ...result, problems: entryProblems(entry, await this.forms()) };
  }

  /** Sends a draft for review; refused while it breaks a publishing rule. */
  async submit(id: string, actor: Actor): Promise<SaveResult> {
    const forms = await this.forms();
    const at = this.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const state = await loadState(tx, id);
      if (!state) throw notFound(id);
      if (!state.working || state.working.status !== 'draft') throw new ContentError(409, 'not-draft', 'Chỉ gửi duyệt được bản nháp.');
      const problems = entryProblems(state.working.entry, forms);
      if (problems.length) throw new ContentError(422, 'invalid-entry', 'Câu hỏi chưa đủ điều kiện để gửi duyệt.', { problems });
      const version = await nextVersion(tx, id);
      await writeWorking(tx, state, state.working.entry, 'review', { version, actorId: actor.id, at, note: 'submit' });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.submit', targetType: 'kb_entry', targetId: id, detail: { version }, at });
      await touchRevision(tx, at);
      return { id, version, status: 'review', problems: [], changed: true };
    });
  }

  /** A reviewer sends a change back to its authors, with a reason. */
  async returnToDraft(id: string, reason: string, actor: Actor): Promise<SaveResult> {
    const at = this.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const state = await loadState(tx, id);
      if (!state) throw notFound(id);
      if (state.working?.status !== 'review') throw new ContentError(409, 'not-review', 'Câu hỏi này không ở trạng thái chờ duyệt.');
      const version = await nextVersion(tx, id);
      await writeWorking(tx, state, state.working.entry, 'draft', { version, actorId: actor.id, at, note: reason ? `return:${reason.slice(0, 500)}` : 'return' });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.return', targetType: 'kb_entry', targetId: id, detail: { version, reason }, at });
      await touchRevision(tx, at);
      return { id, version, status: 'draft', problems: [], changed: true };
    });
  }

  /**
   * Publishes the pending changes of the given entries (all of them in review when `ids` is 'all-in-review').
   * The whole would-be base is validated first; any problem refuses the publish and the live base stays.
   */
  async publish(ids: readonly string[] | 'all-in-review', actor: Actor): Promise<PublishResult> {
    const ws = await this.deps.cache.snapshot();
    const chosen: EntryState[] = [];
    const refusals: EntryProblem[] = [];
    const candidates = ids === 'all-in-review' ? ws.states.filter((s) => s.working?.status === 'review') : ids.map((id) => ws.byId.get(id));
    const authors = this.deps.needsSecondPerson
      ? await authorsSinceLiveMany(this.deps.db, candidates.flatMap((s) => (s?.working ? [{ id: s.id, liveVersion: s.live?.version ?? 0 }] : [])))
      : new Map<string, Set<string>>();
    for (const [i, state] of candidates.entries()) {
      const id = ids === 'all-in-review' ? state!.id : ids[i];
      if (!state) {
        refusals.push({ entryId: id, field: '', message: `Không tìm thấy câu hỏi "${id}".` });
        continue;
      }
      if (!state.working) {
        refusals.push({ entryId: id, field: '', message: 'Không có thay đổi nào chờ xuất bản.' });
        continue;
      }
      if (this.deps.needsSecondPerson) {
        if (state.working.status !== 'review') {
          refusals.push({ entryId: id, field: '', message: 'Cần gửi duyệt trước khi xuất bản.' });
          continue;
        }
        if (authors.get(id)?.has(actor.id)) {
          if (ids === 'all-in-review') continue; // others' changes are still published
          refusals.push({ entryId: id, field: '', message: 'Anh/chị đã soạn thay đổi này; cần một biên tập viên hoặc giám sát khác duyệt và xuất bản.' });
          continue;
        }
      }
      chosen.push(state);
    }
    if (refusals.length) {
      const ownChange = refusals.some((r) => r.message.startsWith('Anh/chị đã soạn'));
      throw new ContentError(ownChange ? 403 : 409, ownChange ? 'second-person' : 'not-publishable', ownChange ? 'Cần người thứ hai duyệt và xuất bản.' : 'Chưa xuất bản được.', { problems: refusals });
    }
    if (chosen.length === 0) throw new ContentError(409, 'nothing', 'Không có thay đổi nào anh/chị có thể xuất bản.');

    const replaced = new Map(chosen.map((s) => [s.id, s.working!.entry]));
    const wouldBe = ws.states.flatMap((s) => (replaced.has(s.id) ? [replaced.get(s.id)!] : s.live?.status === 'published' ? [s.live.entry] : []));
    const problems = await baseProblems(wouldBe, ws.rules.citizenForms);
    if (problems.length) {
      throw new ContentError(422, 'invalid-base', 'Không xuất bản: cơ sở tri thức sau khi xuất bản sẽ có lỗi. Bot tiếp tục dùng bản đang chạy.', { problems: problems.slice(0, 200), total: problems.length });
    }

    const at = this.now();
    const version = await this.deps.db.transaction().execute(async (tx) => {
      const fresh = new Map((await loadStates(tx, [...replaced.keys()])).map((s) => [s.id, s]));
      for (const s of chosen) {
        if (fresh.get(s.id)?.working?.version !== s.working!.version) {
          throw new ContentError(409, 'conflict', `Câu hỏi "${s.id}" vừa được sửa; vui lòng xem lại trước khi xuất bản.`);
        }
      }
      const last = await lastVersions(tx, [...replaced.keys()]);
      const writes = chosen.map((s) => ({ entry: s.working!.entry, version: (last.get(s.id) ?? 0) + 1 }));
      await writeLiveMany(tx, writes, 'published', { actorId: actor.id, at, note: 'publish' });
      await auditEntries(tx, 'kb.entry.publish', writes.map((w) => ({ id: w.entry.id, detail: { version: w.version } })), actor.id, at);
      return this.bumpPublished(tx, at);
    });
    this.deps.bus.publish({ type: 'kb.published', version });
    return { published: chosen.map((s) => s.id), version };
  }

  private async bumpPublished(tx: Executor, at: string): Promise<string> {
    const version = String(Number((await getValue(tx, 'kb_published_version')) ?? '1') + 1);
    await setValue(tx, 'kb_published_version', version, at);
    await touchRevision(tx, at);
    return version;
  }

  /** Takes an entry off the bot (or shelves a draft); a live one leaves every instance's index at once. */
  async archive(id: string, actor: Actor): Promise<SaveResult> {
    const at = this.now();
    const ws = await this.deps.cache.snapshot();
    const state = ws.byId.get(id);
    if (!state) throw notFound(id);
    if (state.live?.status === 'published') {
      const remaining = ws.publishedEntries().filter((e) => e.id !== id);
      if (remaining.length === 0) throw new ContentError(422, 'invalid-base', 'Không thể lưu trữ câu hỏi cuối cùng: bot sẽ không còn câu nào để trả lời.');
    }
    let wasLive = false;
    const result = await this.deps.db.transaction().execute(async (tx) => {
      const fresh = await loadState(tx, id);
      if (!fresh) throw notFound(id);
      if (fresh.live?.status === 'archived' && !fresh.working) throw new ContentError(409, 'archived', 'Câu hỏi đã được lưu trữ.');
      wasLive = fresh.live?.status === 'published';
      const entry = wasLive ? fresh.live!.entry : viewOf(fresh);
      const version = await nextVersion(tx, id);
      await writeLive(tx, entry, 'archived', { version, actorId: actor.id, at, note: 'archive' });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.archive', targetType: 'kb_entry', targetId: id, detail: { version, wasLive }, at });
      const published = wasLive ? await this.bumpPublished(tx, at) : (await touchRevision(tx, at), undefined);
      return { version, published };
    });
    if (result.published) this.deps.bus.publish({ type: 'kb.published', version: result.published });
    return { id, version: result.version, status: 'archived', problems: [], changed: true };
  }

  /** Drops the pending change of a published or archived entry: the live text stays. */
  async discard(id: string, actor: Actor): Promise<SaveResult> {
    const at = this.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const state = await loadState(tx, id);
      if (!state) throw notFound(id);
      if (!state.working || !state.live) throw new ContentError(409, 'nothing', 'Không có bản sửa nào để hủy.');
      const version = await nextVersion(tx, id);
      await writeLive(tx, state.live.entry, state.live.status, { version, actorId: actor.id, at, note: 'discard' });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.discard', targetType: 'kb_entry', targetId: id, detail: { version, discarded: state.working.version }, at });
      await touchRevision(tx, at);
      return { id, version, status: state.live.status, problems: [], changed: true };
    });
  }

  /** Brings back the text of any earlier version as a new draft version (to review and publish as usual). */
  async rollback(id: string, toVersion: number, actor: Actor): Promise<SaveResult> {
    const versions = await listVersions(this.deps.db, id);
    const target = versions.find((v) => v.version === toVersion);
    if (!target) throw new ContentError(404, 'no-version', `Không có phiên bản ${toVersion}.`);
    const state = await loadState(this.deps.db, id);
    if (!state) throw notFound(id);
    const { status: _s, ...entry } = target.entry;
    const current = state.working ?? state.live!;
    const forms = await this.forms();
    const at = this.now();
    // Nothing inside a transaction may use this.deps.db: on SQLite it would wait for the transaction's own connection.
    return this.deps.db.transaction().execute(async (tx) => {
      const fresh = await loadState(tx, id);
      if ((fresh?.working ?? fresh?.live)?.version !== current.version) throw new ContentError(409, 'conflict', 'Câu hỏi vừa được sửa; vui lòng tải lại.');
      const version = await nextVersion(tx, id);
      await writeWorking(tx, fresh, entry as KbEntry, 'draft', { version, actorId: actor.id, at, note: `rollback:${toVersion}` });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.rollback', targetType: 'kb_entry', targetId: id, detail: { version, from: toVersion }, at });
      await touchRevision(tx, at);
      return { id, version, status: 'draft', problems: entryProblems(entry as KbEntry, forms), changed: true };
    });
  }

  /**
   * One click from the unanswered questions: the citizen's question becomes another phrasing of an entry, as a new
   * version ready for review (a draft in progress just gains it).
   */
  async addAlternative(id: string, phrasing: string, actor: Actor): Promise<SaveResult> {
    const text = phrasing.normalize('NFC').trim();
    if (!text) throw new ContentError(422, 'empty', 'Câu hỏi đang để trống.');
    const at = this.now();
    return this.deps.db.transaction().execute(async (tx) => {
      const state = await loadState(tx, id);
      if (!state) throw notFound(id);
      const view = viewOf(state);
      const known = [view.question, ...view.alternatives].map((s) => s.toLowerCase());
      if (known.includes(text.toLowerCase())) throw new ContentError(409, 'exists', 'Câu hỏi này đã có trong các cách hỏi của câu trả lời.');
      const { status: _s, ...rest } = view;
      const entry: KbEntry = { ...rest, alternatives: [...view.alternatives, text] };
      const version = await nextVersion(tx, id);
      const status = state.working?.status ?? 'review';
      await writeWorking(tx, state, entry, status, { version, actorId: actor.id, at, note: 'alternative' });
      await audit(tx, { actorId: actor.id, action: 'kb.entry.alternative', targetType: 'kb_entry', targetId: id, detail: { version, phrasing: text }, at });
      await touchRevision(tx, at);
      return { id, version, status, problems: [], changed: true };
    });
  }
}
