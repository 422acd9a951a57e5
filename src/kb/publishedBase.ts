/**
 * The knowledge base as the bot serves it: entries live in the store (seeded once from knowledge-base/qa/*.yaml),
 * the published ones are indexed in a LiveIndex, and a `kb.published` event on any instance makes every instance
 * rebuild and swap its index.
 */
import path from 'node:path';
import type { KbEntry } from '../domain/kb';
import type { EventBus } from '../pipeline/events';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { compileRules, type TextRules } from '../nlp/textRules';
import { LiveIndex } from './liveIndex';
import { loadKnowledgeBase } from './loader';
import { formatProblem } from './problems';
import { loadTextRules, teencodeForms } from './textRulesFile';

export class BrokenBaseError extends Error {}

/** Reads teencode and synonyms; a broken file stops start-up with every problem listed. */
export function loadRules(kbDir: string) {
  const loaded = loadTextRules(path.join(kbDir, 'teencode.yaml'), path.join(kbDir, 'synonyms.yaml'));
  if (loaded.problems.length) throw new BrokenBaseError(loaded.problems.map(formatProblem).join('\n'));
  return loaded.rules;
}

/** On a fresh database, loads the curated YAML base as published version 1. Refuses a broken base. */
export async function seedFromYaml(db: Executor, kbDir: string, rules: TextRules, at: string): Promise<number> {
  const existing = await db.selectFrom('kb_entries').select('id').limit(1).executeTakeFirst();
  if (existing) return 0;
  const base = loadKnowledgeBase(path.join(kbDir, 'qa'), { citizenForms: teencodeForms(rules) });
  if (base.problems.length) throw new BrokenBaseError(`the knowledge base has problems:\n${base.problems.map(formatProblem).join('\n')}`);
  await db.transaction().execute(async (tx) => {
    for (const entry of base.entries) {
      const data = JSON.stringify({ ...entry, status: 'published' });
      await tx.insertInto('kb_entries').values({ id: entry.id, topic: entry.topic, status: 'published', data, version: 1, reviewed_at: entry.reviewedAt, updated_at: at, updated_by: null }).execute();
      await tx.insertInto('kb_versions').values({ id: newId(), entry_id: entry.id, version: 1, status: 'published', data, author_id: null, at, note: 'seed' }).execute();
    }
  });
  return base.entries.length;
}

export async function loadPublishedEntries(db: Executor): Promise<KbEntry[]> {
  const rows = await db.selectFrom('kb_entries').select(['data']).where('status', '=', 'published').orderBy('id').execute();
  return rows.map((r) => JSON.parse(r.data) as KbEntry);
}

/** The live base of this instance. */
export class PublishedBase {
  readonly index: LiveIndex;
  private unsubscribe?: () => void;
  private rules: TextRules;

  constructor(private deps: { db: Executor; bus: EventBus; kbDir: string; clock: Clock; onError(err: unknown): void; textRules?: () => Promise<TextRules> }) {
    this.rules = loadRules(deps.kbDir);
    this.index = new LiveIndex({ rules: compileRules(this.rules) });
  }

  async start(): Promise<void> {
    await seedFromYaml(this.deps.db, this.deps.kbDir, this.rules, this.deps.clock.now().toISOString());
    await this.reload();
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      if (event.type === 'kb.published') this.reload().catch(this.deps.onError);
    });
  }

  /** Rebuilds the index from the store's published entries and swaps it in. */
  async reload(): Promise<void> {
    // Synonyms and teencode edited in the console (src/content/textRules.ts) replace the files' rules; the provider
    // returns the same object while they are unchanged, so the index keeps what it learnt (see BuildMemory).
    if (this.deps.textRules) {
      const rules = await this.deps.textRules();
      if (rules !== this.rules) {
        this.rules = rules;
        this.index.setRules(compileRules(rules));
      }
    }
    await this.index.publish(await loadPublishedEntries(this.deps.db));
  }

  stop(): void {
    this.unsubscribe?.();
  }
}
