/**
 * The content team's workspace as one service for the composition root and the console API: curating entries
 * (versions, review, publishing, history, rollback), "Thử câu hỏi", channel previews, synonyms/teencode/templates,
 * bulk import and export, unanswered questions, and the document library.
 */
import type { KbEntry } from '../domain/kb';
import { entriesToCsv } from '../kb/csv';
import type { PublishedBase } from '../kb/publishedBase';
import { unexportable } from '../kb/table';
import type { Templates } from '../kb/templates';
import { entryUsage } from '../kb/usage';
import { entriesToXlsx } from '../kb/xlsx';
import { decide, suggestions, type Thresholds } from '../nlp/retriever';
import type { EventBus } from '../pipeline/events';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { listEntries, publishedSummary, reviewOverdue, topicTitles, type EntryFilter, type ListContext } from './catalog';
import { DocumentLibrary } from './documents';
import { entryProblems } from './entryInput';
import { authorsSinceLive, listVersions, statusOf, viewOf } from './entryStore';
import { diffEntries, entryHistory } from './history';
import { ImportJobs } from './importJobs';
import { ContentError } from './messages';
import { channelPreviews } from './previews';
import { isLiveTemplate, readRuleText, readTemplates, resetRuleText, saveRuleText, saveTemplates, type RuleFileName } from './textRules';
import { collectUnanswered, groupUnanswered, markQuestions } from './unanswered';
import { EntryWorkflow, type Actor } from './workflow';
import { WorkspaceCache } from './workspace';

export { ContentError } from './messages';
export { currentTextRules, keepTemplatesLive } from './textRules';

export interface ContentSettings {
  reviewDays: number;
  needsSecondPerson: boolean;
  uploadMaxMb: number;
  timeZone: string;
  mailFrom: string;
  thresholds: Thresholds;
}

export interface ContentDeps {
  db: Executor;
  bus: EventBus;
  clock: Clock;
  log: { error(o: object, m?: string): void };
  knowledge: PublishedBase;
  kbDir: string;
  dataDir: string;
  settings: ContentSettings;
  /** The running bot's templates (kept live by keepTemplatesLive), for previews. */
  templates: Templates;
}

export interface TrySide {
  decision: 'answer' | 'suggest' | 'fallback';
  confidence: number;
  matches: Array<{ id: string; score: number; question: string; status: string }>;
  /** The entries the bot would offer when it suggests. */
  options: string[];
}

const round = (x: number) => Math.round(x * 1000) / 1000;

export class ContentModule {
  readonly cache: WorkspaceCache;
  readonly workflow: EntryWorkflow;
  readonly imports: ImportJobs;
  readonly documents: DocumentLibrary;
  private readonly titles: Record<string, string>;

  constructor(private readonly deps: ContentDeps) {
    this.cache = new WorkspaceCache({ db: deps.db, kbDir: deps.kbDir });
    this.workflow = new EntryWorkflow({ db: deps.db, bus: deps.bus, clock: deps.clock, cache: this.cache, needsSecondPerson: deps.settings.needsSecondPerson });
    this.imports = new ImportJobs({ db: deps.db, bus: deps.bus, clock: deps.clock, cache: this.cache, log: deps.log });
    this.documents = new DocumentLibrary({ db: deps.db, clock: deps.clock, dataDir: deps.dataDir, kbDir: deps.kbDir, maxBytes: deps.settings.uploadMaxMb * 1024 * 1024 });
    this.titles = topicTitles(deps.kbDir);
  }

  get settings(): ContentSettings {
    return this.deps.settings;
  }

  /** Today in the hotline's time zone (YYYY-MM-DD): review periods and validity count in local days. */
  today(): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone: this.deps.settings.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(this.deps.clock.now());
  }

  private async listContext(): Promise<ListContext> {
    const usage = await entryUsage(this.deps.db);
    return { today: this.today(), reviewDays: this.deps.settings.reviewDays, usage: new Map(usage.map((u) => [u.entryId, u])) };
  }

  async userNames(): Promise<Map<string, string>> {
    const rows = await this.deps.db.selectFrom('users').select(['id', 'display_name']).execute();
    return new Map(rows.map((r) => [r.id, r.display_name]));
  }

  async list(filter: EntryFilter) {
    const [ws, ctx, names] = await Promise.all([this.cache.snapshot(), this.listContext(), this.userNames()]);
    const result = await listEntries(ws, filter, ctx);
    return { ...result, items: result.items.map((i) => ({ ...i, updatedByName: i.updatedBy ? (names.get(i.updatedBy) ?? null) : null })) };
  }

  /** Operators read the published base only, searched exactly as the bot searches it. */
  async listPublished(filter: EntryFilter) {
    const ctx = await this.listContext();
    const snap = this.deps.knowledge.index.current;
    const size = Math.min(Math.max(filter.size ?? 50, 1), 500);
    const page = Math.max(filter.page ?? 1, 1);
    let entries: Array<{ entry: KbEntry; score?: number }>;
    if (filter.q?.trim()) {
      const r = this.deps.knowledge.index.search(filter.q, 100);
      entries = r.matches.map((m, i) => ({ entry: r.entries[i], score: m.score })).filter((x) => x.score >= 0.1);
    } else entries = [...snap.entries.values()].sort((a, b) => a.topic.localeCompare(b.topic) || a.id.localeCompare(b.id, undefined, { numeric: true })).map((entry) => ({ entry }));
    if (filter.topic) entries = entries.filter((e) => e.entry.topic === filter.topic);
    return { total: entries.length, items: entries.slice((page - 1) * size, page * size).map((e) => ({ ...publishedSummary(e.entry, snap.version, ctx, e.score), updatedByName: null })) };
  }

  async publishedEntry(id: string) {
    const entry = this.deps.knowledge.index.current.entries.get(id);
    if (!entry) throw new ContentError(404, 'not-found', `Không tìm thấy câu hỏi "${id}" trong cơ sở tri thức đang dùng.`);
    return entry;
  }

  /** One entry in full: the live and working copies, what keeps it from publishing, who may publish it. */
  async detail(id: string, viewer: Actor) {
    const [ws, names, ctx] = await Promise.all([this.cache.snapshot(), this.userNames(), this.listContext()]);
    const state = ws.byId.get(id);
    if (!state) throw new ContentError(404, 'not-found', `Không tìm thấy câu hỏi "${id}".`);
    const name = (uid: string | null) => (uid ? (names.get(uid) ?? null) : null);
    const view = viewOf(state);
    const authors = state.working ? authorsSinceLive(await listVersions(this.deps.db, id), state.live?.version ?? 0) : new Set<string>();
    const u = ctx.usage.get(id);
    const copy = <T extends { updatedBy: string | null }>(c: T | undefined) => (c ? { ...c, updatedByName: name(c.updatedBy) } : null);
    const selfAuthored = authors.has(viewer.id);
    return {
      id,
      entry: view,
      version: (state.working ?? state.live)!.version,
      live: copy(state.live),
      working: copy(state.working),
      problems: entryProblems(view, ws.rules.citizenForms),
      changes: state.working && state.live ? diffEntries(state.live.entry, state.working.entry) : [],
      authors: [...authors].map((a) => ({ id: a, name: name(a) })),
      canPublish: Boolean(state.working) && (!this.deps.settings.needsSecondPerson || (state.working?.status === 'review' && !selfAuthored)),
      publishBlockedBy: state.working && this.deps.settings.needsSecondPerson ? (state.working.status !== 'review' ? 'not-review' : selfAuthored ? 'own-change' : null) : null,
      usage: { answered: u?.answered ?? 0, helpful: u?.helpful ?? 0, notHelpful: u?.notHelpful ?? 0 },
      overdue: reviewOverdue(view.reviewedAt ?? '', ctx.today, ctx.reviewDays),
    };
  }

  async topics(): Promise<Array<{ id: string; title: string; count: number }>> {
    const ws = await this.cache.snapshot();
    const counts = new Map<string, number>();
    for (const s of ws.states) counts.set(viewOf(s).topic, (counts.get(viewOf(s).topic) ?? 0) + 1);
    for (const t of Object.keys(this.titles)) if (!counts.has(t)) counts.set(t, 0);
    return [...counts.entries()].map(([id, count]) => ({ id, title: this.titles[id] ?? id, count })).sort((a, b) => a.title.localeCompare(b.title, 'vi'));
  }

  /** "Thử câu hỏi": the same question against the base the bot serves and against the base with every change published. */
  async tryQuestion(text: string): Promise<{ published: TrySide; draft: TrySide }> {
    const q = text.trim().slice(0, 1000);
    if (!q) throw new ContentError(422, 'empty', 'Vui lòng nhập câu hỏi.');
    const ws = await this.cache.snapshot();
    const draftIndex = await ws.draftIndex();
    const side = (result: ReturnType<typeof draftIndex.search>): TrySide => ({
      decision: decide(result, this.deps.settings.thresholds),
      confidence: round(result.confidence),
      matches: result.matches.map((m, i) => ({ id: m.id, score: round(m.score), question: result.entries[i].question, status: ws.byId.has(m.id) ? statusOf(ws.byId.get(m.id)!) : 'published' })),
      options: suggestions(result, this.deps.settings.thresholds).map((m) => m.id),
    });
    return { published: side(this.deps.knowledge.index.search(q, 5)), draft: side(draftIndex.search(q, 5)) };
  }

  previews(answer: string, question: string) {
    return channelPreviews(answer, question || 'Câu hỏi của anh/chị', this.deps.templates, this.deps.settings.mailFrom);
  }

  async history(id: string) {
    const names = await this.userNames();
    const versions = await entryHistory(this.deps.db, id, (uid) => names.get(uid) ?? null);
    if (versions.length === 0) throw new ContentError(404, 'not-found', `Không tìm thấy câu hỏi "${id}".`);
    return versions;
  }

  /** The base (or a filtered part of it) as a spreadsheet, each entry as the workspace shows it. */
  async exportBase(filter: EntryFilter, format: 'csv' | 'xlsx'): Promise<{ data: Buffer; fileName: string; contentType: string }> {
    const ws = await this.cache.snapshot();
    const filtered = filter.q || filter.topic || filter.status || filter.review || filter.reviewedAfter || filter.reviewedBefore;
    const entries = filtered ? await this.allMatching(filter) : ws.states.map(viewOf);
    const bad = unexportable(entries);
    if (bad.length) throw new ContentError(422, 'unexportable', `Không xuất được: các câu sau có cách hỏi hoặc từ khóa chứa ký tự "|": ${bad.slice(0, 10).join(', ')}.`);
    const stamp = this.today();
    if (format === 'csv') return { data: Buffer.from(`\uFEFF${entriesToCsv(entries)}`, 'utf8'), fileName: `co-so-tri-thuc-${stamp}.csv`, contentType: 'text/csv; charset=utf-8' };
    return { data: await entriesToXlsx(entries), fileName: `co-so-tri-thuc-${stamp}.xlsx`, contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  }

  private async allMatching(filter: EntryFilter): Promise<KbEntry[]> {
    const ws = await this.cache.snapshot();
    const ctx = await this.listContext();
    const out: KbEntry[] = [];
    for (let page = 1; ; page++) {
      const r = await listEntries(ws, { ...filter, page, size: 500 }, ctx);
      out.push(...r.items.map((i) => viewOf(ws.byId.get(i.id)!)));
      if (out.length >= r.total || r.items.length === 0) return out;
    }
  }

  // --- unanswered questions

  async unanswered(days: number) {
    const now = this.deps.clock.now();
    const since = new Date(now.getTime() - days * 86_400_000).toISOString();
    const [items, ws] = await Promise.all([collectUnanswered(this.deps.db, since), this.cache.snapshot()]);
    const weeks = Math.max(1, Math.ceil(days / 7));
    const groups = groupUnanswered(items, ws.rules.compiled, now, weeks);
    const view = (id: string) => (ws.byId.get(id) ? viewOf(ws.byId.get(id)!) : undefined);
    return {
      total: items.length,
      weeks,
      groups: groups.map((g) => ({
        ...g,
        candidates: g.candidates.flatMap((c) => {
          const e = view(c.entryId);
          return e ? [{ ...c, question: e.question, topic: e.topic }] : [];
        }),
      })),
    };
  }

  async dismissQuestions(itemIds: string[], actor: Actor) {
    return markQuestions(this.deps.db, itemIds, 'dismissed', null, actor.id, this.deps.clock.now().toISOString());
  }

  /** One click: the group's question becomes another phrasing of an entry (a new version), and the group is done. */
  async addQuestionToEntry(entryId: string, phrasing: string, itemIds: string[], actor: Actor) {
    const result = await this.workflow.addAlternative(entryId, phrasing, actor);
    if (itemIds.length) await markQuestions(this.deps.db, itemIds, 'alternative-added', entryId, actor.id, this.deps.clock.now().toISOString());
    return result;
  }

  async createFromQuestions(body: Record<string, unknown>, itemIds: string[], actor: Actor) {
    const result = await this.workflow.create(body, actor);
    if (itemIds.length) await markQuestions(this.deps.db, itemIds, 'entry-created', result.id, actor.id, this.deps.clock.now().toISOString());
    return result;
  }

  // --- synonyms, teencode, templates

  async ruleText(name: RuleFileName) {
    const [text, names] = await Promise.all([readRuleText(this.deps.db, this.deps.kbDir, name), this.userNames()]);
    return { ...text, updatedByName: text.updatedBy ? (names.get(text.updatedBy) ?? null) : null };
  }

  saveRuleText(name: RuleFileName, content: string, actor: Actor) {
    return saveRuleText({ db: this.deps.db, bus: this.deps.bus, kbDir: this.deps.kbDir }, name, content, actor.id, this.deps.clock.now().toISOString());
  }

  resetRuleText(name: RuleFileName, actor: Actor) {
    return resetRuleText({ db: this.deps.db, bus: this.deps.bus, kbDir: this.deps.kbDir }, name, actor.id, this.deps.clock.now().toISOString());
  }

  async templates() {
    const [t, names] = await Promise.all([readTemplates(this.deps.db, this.deps.kbDir), this.userNames()]);
    return { ...t, editable: Object.keys(t.defaults).filter(isLiveTemplate), updatedByName: t.updatedBy ? (names.get(t.updatedBy) ?? null) : null };
  }

  saveTemplates(edited: Record<string, unknown>, actor: Actor) {
    return saveTemplates({ db: this.deps.db, bus: this.deps.bus, kbDir: this.deps.kbDir }, edited, actor.id, this.deps.clock.now().toISOString());
  }

  /** Operators search the document library from a conversation (also GET /api/content/documents/search). */
  searchDocuments(query: string, limit = 8) {
    return this.documents.search(query, limit);
  }
}

export function createContentModule(deps: ContentDeps): ContentModule {
  return new ContentModule(deps);
}
