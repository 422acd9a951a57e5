/**
 * Levels API: the level in force with counts, projection and staffing (every handling role); the rules (thresholds,
 * staffing, office hours, counting) read and edited by supervisors and admins, validated, audited; the notices sent.
 */
import express from 'express';
import type { Role } from '../../domain/types';
import type { IntakeLevels } from '../../reports/intakeLevels';
import { REQUEST_KINDS, type LevelRules } from '../../reports/levelSettings';
import { resetRules, rulesInForce, saveRules } from '../../reports/levelStore';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { requireRole } from '../auth/middleware';
import { bodyOf, handle, userOf } from './reportsHttp';

const WATCHERS: Role[] = ['operator', 'supervisor', 'admin'];
const EDITORS: Role[] = ['supervisor', 'admin'];

export interface LevelsApiDeps {
  db: Executor;
  clock: Clock;
  levels: IntakeLevels;
  fileRules: LevelRules;
  timeZone: string;
}

export function createLevelsRouter(deps: LevelsApiDeps): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '64kb' });

  router.get('/api/levels/status', requireRole(...WATCHERS), handle(async (_req, res) => {
    const status = await deps.levels.status(deps.clock.now());
    const [latest] = await deps.levels.notices(1);
    res.set('Cache-Control', 'no-store').json({ status, latestNotice: latest ?? null });
  }));

  router.get('/api/levels/rules', requireRole(...EDITORS), handle(async (_req, res) => {
    const { rules, source } = await rulesInForce(deps.db, deps.fileRules);
    res.set('Cache-Control', 'no-store').json({ rules, source, kinds: REQUEST_KINDS, timeZone: deps.timeZone });
  }));

  router.put('/api/levels/rules', requireRole(...EDITORS), json, handle(async (req, res) => {
    const rules = await saveRules(deps.db, bodyOf(req).rules, deps.fileRules, userOf(res).id, deps.clock.now().toISOString());
    void deps.levels.check().catch(() => undefined);
    res.json({ rules, source: 'edited' });
  }));

  router.post('/api/levels/rules/reset', requireRole(...EDITORS), handle(async (_req, res) => {
    await resetRules(deps.db, deps.fileRules, userOf(res).id, deps.clock.now().toISOString());
    void deps.levels.check().catch(() => undefined);
    res.json({ rules: deps.fileRules, source: 'file' });
  }));

  router.get('/api/levels/notices', requireRole(...EDITORS), handle(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ notices: await deps.levels.notices(50) });
  }));

  return router;
}
