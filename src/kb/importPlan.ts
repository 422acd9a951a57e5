/**
 * Import of a CSV/XLSX base: validated as a whole (any bad row refuses the file), then compared with the current
 * base. Applying the plan (writing entries to the store, publishing the LiveIndex) is the caller's job, with
 * `plan.entries` — nothing is applied here.
 */
import type { KbEntry } from '../domain/kb';
import { diffEntries, type BaseDiff } from './diff';
import type { RowError } from './table';
import { readTableFile } from './tableFile';

export type ImportPlan = { ok: false; errors: RowError[] } | { ok: true; entries: KbEntry[]; diff: BaseDiff };

export async function planImport(
  file: string,
  current: readonly KbEntry[],
  citizenForms?: ReadonlySet<string>,
): Promise<ImportPlan> {
  const result = await readTableFile(file, { strict: true, citizenForms });
  if (!result.ok) return result;
  return { ok: true, entries: result.entries, diff: diffEntries(current, result.entries) };
}
