/** Medical declarations for operators: the latest ones, and an export of a period as CSV or XLSX. */
import { Router } from 'express';
import { exportDeclarations, listDeclarations, type DeclarationFilter } from '../../declarations';
import { dayRange } from '../../reports/localTime';
import type { Executor } from '../../store/executor';
import { requireRole } from '../auth/middleware';
import { handle } from './consoleHttp';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function createDeclarationsRouter(deps: { db: Executor; timeZone: string }): Router {
  const router = Router();
  const staff = requireRole('operator', 'supervisor', 'admin');

  /** from/to as local days YYYY-MM-DD (both included); anything else is refused with the reason. */
  function filterOf(query: Record<string, unknown>): DeclarationFilter | string {
    const from = typeof query.from === 'string' ? query.from : undefined;
    const to = typeof query.to === 'string' ? query.to : undefined;
    if ((from && !DAY.test(from)) || (to && !DAY.test(to))) return 'from/to must be dates YYYY-MM-DD';
    return {
      ...(from && { from: dayRange(from, deps.timeZone).start.toISOString() }),
      ...(to && { to: dayRange(to, deps.timeZone).end.toISOString() }),
    };
  }

  router.get('/api/declarations', staff, handle(async (req, res) => {
    const filter = filterOf(req.query);
    if (typeof filter === 'string') return res.status(400).json({ error: filter });
    res.json({ declarations: await listDeclarations(deps.db, { ...filter, limit: 200 }) });
  }));

  router.get('/api/declarations/export', staff, handle(async (req, res) => {
    const format = req.query.format === 'xlsx' ? 'xlsx' : req.query.format === 'csv' || req.query.format === undefined ? 'csv' : undefined;
    const filter = filterOf(req.query);
    if (!format) return res.status(400).json({ error: 'format must be csv or xlsx' });
    if (typeof filter === 'string') return res.status(400).json({ error: filter });
    const file = await exportDeclarations(deps.db, format, filter, { timeZone: deps.timeZone });
    res.setHeader('content-type', file.contentType);
    res.setHeader('content-disposition', `attachment; filename="${file.filename}"`);
    res.send(file.body);
  }));

  return router;
}
