/**
 * The level rules in force: the file's (knowledge-base/levels.yaml) until a supervisor saves an edited copy, which
 * is kept in the kv table (so every instance uses it at once) with an audit-log entry holding before and after.
 */
import { audit } from '../store/audit';
import type { Executor } from '../store/executor';
import { getValue, setValue } from '../store/kv';
import { validateRules, type LevelRules } from './levelSettings';

const KEY = 'levels.rules';

export async function rulesInForce(db: Executor, fileRules: LevelRules): Promise<{ rules: LevelRules; source: 'file' | 'edited' }> {
  const stored = await getValue(db, KEY);
  if (!stored) return { rules: fileRules, source: 'file' };
  try {
    return { rules: validateRules(JSON.parse(stored)), source: 'edited' };
  } catch {
    // An edited copy that no longer validates (a newer schema) must not stop the platform: the file's rules apply.
    return { rules: fileRules, source: 'file' };
  }
}

/** Validates and saves a supervisor's edit (throws LevelRulesError with every problem). */
export async function saveRules(db: Executor, input: unknown, fileRules: LevelRules, actorId: string, at: string): Promise<LevelRules> {
  const rules = validateRules(input);
  await db.transaction().execute(async (tx) => {
    const before = (await rulesInForce(tx, fileRules)).rules;
    await setValue(tx, KEY, JSON.stringify(rules), at);
    await audit(tx, { actorId, action: 'levels.update', targetType: 'levels', targetId: 'rules', detail: { before, after: rules }, at });
  });
  return rules;
}

/** Back to the file's rules (also audited). */
export async function resetRules(db: Executor, fileRules: LevelRules, actorId: string, at: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const before = (await rulesInForce(tx, fileRules)).rules;
    await tx.deleteFrom('kv').where('key', '=', KEY).execute();
    await audit(tx, { actorId, action: 'levels.reset', targetType: 'levels', targetId: 'rules', detail: { before, after: fileRules }, at });
  });
}
