/**
 * A read snapshot of the whole workspace, cached per content revision (a value in the kv table that every change
 * rewrites, so every instance notices changes made on another one). Two indexes are built from it on demand, with
 * the same Vietnamese-aware retriever as the bot and in slices that never stall the bot's event loop:
 * - all: every entry as the workspace shows it (working copy, else live; archived ones too) — the editors' search;
 * - draft: the base the bot would serve if every pending change were published — "Thử câu hỏi".
 */
import type { KbEntry } from '../domain/kb';
import { LiveIndex } from '../kb/liveIndex';
import type { Executor } from '../store/executor';
import { getValue } from '../store/kv';
import { loadStates, viewOf, type EntryState } from './entryStore';
import { rulesSnapshot, type RulesSnapshot } from './textRules';

export class Workspace {
  readonly byId: ReadonlyMap<string, EntryState>;
  private all?: Promise<LiveIndex>;
  private draft?: Promise<LiveIndex>;

  constructor(
    readonly revision: string,
    readonly states: readonly EntryState[],
    readonly rules: RulesSnapshot,
    private readonly indexes: { all: LiveIndex; draft: LiveIndex },
  ) {
    this.byId = new Map(states.map((s) => [s.id, s]));
  }

  /** Published entries as the bot serves them now. */
  publishedEntries(): KbEntry[] {
    return this.states.filter((s) => s.live?.status === 'published').map((s) => s.live!.entry);
  }

  /** Every pending change published, archived entries left out. */
  draftEntries(): KbEntry[] {
    const out: KbEntry[] = [];
    for (const s of this.states) {
      if (s.working) out.push(s.working.entry);
      else if (s.live?.status === 'published') out.push(s.live.entry);
    }
    return out;
  }

  allIndex(): Promise<LiveIndex> {
    this.all ??= this.build(this.indexes.all, this.states.map(viewOf));
    return this.all;
  }

  draftIndex(): Promise<LiveIndex> {
    this.draft ??= this.build(this.indexes.draft, this.draftEntries());
    return this.draft;
  }

  /**
   * The indexes live across revisions, so a rebuild after an edit re-indexes only what changed. When edits overlap,
   * the newest build wins and an older request searches whatever is current — never a half-built index.
   */
  private async build(index: LiveIndex, entries: KbEntry[]): Promise<LiveIndex> {
    index.setRules(this.rules.compiled);
    await index.publish(entries);
    return index;
  }
}

export class WorkspaceCache {
  private current?: Promise<Workspace>;
  private currentRevision?: string;
  private readonly indexes = { all: new LiveIndex(), draft: new LiveIndex() };

  constructor(private readonly deps: { db: Executor; kbDir: string }) {}

  async snapshot(): Promise<Workspace> {
    const revision = (await getValue(this.deps.db, 'content_revision')) ?? 'initial';
    if (!this.current || this.currentRevision !== revision) {
      this.currentRevision = revision;
      const loading = (async () => {
        const [states, rules] = await Promise.all([loadStates(this.deps.db), rulesSnapshot(this.deps.db, this.deps.kbDir)]);
        // Reading a large base is one long synchronous step on SQLite: let waiting bot turns run before going on.
        await new Promise<void>((resolve) => setImmediate(resolve));
        return new Workspace(revision, states, rules, this.indexes);
      })();
      this.current = loading;
      loading.catch(() => {
        if (this.current === loading) this.current = undefined;
      });
    }
    return this.current;
  }
}
