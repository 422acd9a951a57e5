/** What an import would change in a base: entries added, changed (with the fields that differ) and removed. */
import type { KbEntry } from '../domain/kb';
import { ENTRY_FIELDS } from './entryRules';

export interface EntryChange {
  id: string;
  fields: string[];
}

export interface BaseDiff {
  added: KbEntry[];
  changed: EntryChange[];
  removed: KbEntry[];
  unchanged: number;
}

/** Every field of an entry but its id (the key) — the fields the entry rules know, plus the topic. */
const COMPARED: Array<keyof KbEntry> = ['topic', ...ENTRY_FIELDS.filter((f) => f !== 'id')];

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

/** Compares an incoming base (it replaces the current one) with the current one, in the incoming order. */
export function diffEntries(current: readonly KbEntry[], incoming: readonly KbEntry[]): BaseDiff {
  const before = new Map(current.map((e) => [e.id, e]));
  const incomingIds = new Set(incoming.map((e) => e.id));
  const diff: BaseDiff = { added: [], changed: [], removed: [], unchanged: 0 };
  for (const e of incoming) {
    const old = before.get(e.id);
    if (!old) {
      diff.added.push(e);
      continue;
    }
    const fields = COMPARED.filter((f) => !same(old[f], e[f]));
    if (fields.length > 0) diff.changed.push({ id: e.id, fields: fields as string[] });
    else diff.unchanged++;
  }
  for (const e of current) if (!incomingIds.has(e.id)) diff.removed.push(e);
  return diff;
}
