/**
 * The index queries run against. publish() builds a new index off to the side, in slices that give the event loop
 * back between them, then swaps one reference: a query sees either the old index or the new one, never a half-built
 * one, and never waits for a build. When publishes overlap, the newest wins.
 */
import type { KbEntry } from '../domain/kb';
import { foldKey, syllables } from '../nlp/normalize';
import { NO_RULES, type CompiledRules } from '../nlp/textRules';
import { BuildMemory, DEFAULT_SETTINGS, RetrieverBuilder, type RetrievalResult, type Retriever, type RetrieverSettings } from '../nlp/retriever';

export interface IndexSnapshot {
  readonly retriever: Retriever;
  readonly entries: ReadonlyMap<string, KbEntry>;
  /** Curated phrasings asked word for word are answered with their entry. */
  readonly phrasings: ReadonlyMap<string, string>;
  /** 0 for the empty index before the first publish, then 1, 2, … */
  readonly version: number;
  readonly publishedAt: Date;
}

export interface LiveResult extends RetrievalResult {
  /** The matched entries, parallel to `matches`, from the same snapshot. */
  entries: KbEntry[];
  version: number;
}

export interface LiveIndexOptions {
  rules?: CompiledRules;
  settings?: RetrieverSettings;
  /** Milliseconds of building before giving the event loop back. */
  sliceMs?: number;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function snapshotOf(entries: readonly KbEntry[], retriever: Retriever, version: number): IndexSnapshot {
  return { retriever, entries: new Map(entries.map((e) => [e.id, e])), phrasings: phrasingsOf(entries), version, publishedAt: new Date() };
}

/** A phrasing as a key: syllables without diacritics, so "F1 phải cách ly…?" and "f1 phai cach ly…" are one key. */
const phrasingKey = (text: string) => syllables(foldKey(text)).join(' ');

/** Every curated phrasing (question and alternatives) → its entry, when only one entry has it. */
function phrasingsOf(entries: readonly KbEntry[]): ReadonlyMap<string, string> {
  const owners = new Map<string, string | null>();
  for (const e of entries) {
    for (const phrasing of [e.question, ...e.alternatives]) {
      const key = phrasingKey(phrasing);
      if (!key) continue;
      const owner = owners.get(key);
      owners.set(key, owner === undefined || owner === e.id ? e.id : null);
    }
  }
  return new Map([...owners].filter((pair): pair is [string, string] => pair[1] !== null));
}

export class LiveIndex {
  private snapshot: IndexSnapshot;
  private requested = 0;
  private rules: CompiledRules;
  /** Term ids and indexed documents shared by successive builds: a publish re-indexes only what changed. */
  private memory = new BuildMemory();
  private readonly settings: RetrieverSettings;
  private readonly sliceMs: number;

  constructor(options: LiveIndexOptions = {}) {
    this.rules = options.rules ?? NO_RULES;
    this.settings = options.settings ?? DEFAULT_SETTINGS;
    this.sliceMs = options.sliceMs ?? 8;
    this.snapshot = snapshotOf([], new RetrieverBuilder(this.rules, this.settings).build(), 0);
  }

  get current(): IndexSnapshot {
    return this.snapshot;
  }

  /** Rules (edited synonyms/teencode) for the next publish and every later one; the current snapshot keeps its own. */
  setRules(rules: CompiledRules): void {
    if (rules === this.rules) return;
    this.rules = rules;
    this.memory = new BuildMemory();
  }

  /**
   * Builds an index over the entries and swaps it in. Resolves with the new snapshot, or with undefined when a later
   * publish overtook this one (its entries are then never served). Entries must already be validated.
   */
  async publish(entries: readonly KbEntry[]): Promise<IndexSnapshot | undefined> {
    const request = ++this.requested;
    const builder = new RetrieverBuilder(this.rules, this.settings, this.memory);
    let sliceStart = Date.now();
    for (const entry of entries) {
      builder.add(entry);
      if (Date.now() - sliceStart >= this.sliceMs) {
        await yieldToEventLoop();
        if (request !== this.requested) return undefined;
        sliceStart = Date.now();
      }
    }
    await yieldToEventLoop();
    if (request !== this.requested) return undefined;
    const retriever = builder.build();
    if (request !== this.requested) return undefined;
    const next = snapshotOf(entries, retriever, this.snapshot.version + 1);
    this.snapshot = next; // the swap: one assignment
    return next;
  }

  /** Builds and swaps synchronously: for command-line tools that have nothing else to serve meanwhile. */
  publishNow(entries: readonly KbEntry[]): IndexSnapshot {
    ++this.requested;
    const builder = new RetrieverBuilder(this.rules, this.settings, this.memory);
    for (const entry of entries) builder.add(entry);
    this.snapshot = snapshotOf(entries, builder.build(), this.snapshot.version + 1);
    return this.snapshot;
  }

  /** Searches the current snapshot; the entries come from that same snapshot. */
  search(text: string, limit = 5): LiveResult {
    const snap = this.snapshot;
    const result = snap.retriever.search(text, limit);
    const exact = snap.phrasings.get(phrasingKey(text));
    if (exact) {
      // The citizen asked a curated phrasing word for word: that entry first, with full confidence.
      const rest = result.matches.filter((m) => m.id !== exact).slice(0, limit - 1);
      const matches = [{ id: exact, score: 1 }, ...rest];
      return { matches, confidence: 1, exact: true, entries: matches.map((m) => snap.entries.get(m.id)!), version: snap.version };
    }
    return { ...result, entries: result.matches.map((m) => snap.entries.get(m.id)!), version: snap.version };
  }
}
