/**
 * The console's case API: the list (open first, emergency/urgent first, SLA time left, overdue flags), a case with its
 * timeline, acknowledge, close, forward a conversation's question to an agency, edit and approve the agency's answer.
 * Reading is open to every staff role; personal data (phone, address) only to operators, supervisors and admins.
 * Actions are for operators and supervisors.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { CaseModule } from '../../cases';
import { CaseError } from '../../cases/context';
import type { CaseKind } from '../../cases/model';
import type { Role } from '../../domain/types';
import type { Clock } from '../../store/clock';
import { requireRole } from '../auth/middleware';
import type { SessionUser } from '../auth/types';

const READERS: Role[] = ['operator', 'supervisor', 'admin', 'editor'];
const HANDLERS: Role[] = ['operator', 'supervisor'];

export interface CasesApiDeps {
  cases: Pick<CaseModule, 'urgent' | 'forwarding' | 'desk'>;
  agencies: { list(at?: Date): Array<{ id: string; name: string; emails: string[] }> };
  clock: Clock;
}

function handle(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof CaseError) {
        res.status(err.status).json({ error: err.code, message: err.message });
        return;
      }
      next(err);
    });
  };
}

const userOf = (res: Response): SessionUser => res.locals.user as SessionUser;
const idOf = (req: Request): string => String((req.params as Record<string, unknown>).id ?? '');
const bodyOf = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' ? (req.body as Record<string, unknown>) : {});

export function createCasesRouter(deps: CasesApiDeps): express.Router {
  const { cases } = deps;
  const router = express.Router();
  const json = express.json({ limit: '64kb' });
  const read = requireRole(...READERS);
  const act = requireRole(...HANDLERS);

  router.get('/api/cases', read, handle(async (req, res) => {
    const q = req.query;
    const open = q.open === 'true' ? true : q.open === 'false' ? false : undefined;
    const kind = q.kind === 'urgent' || q.kind === 'forward' ? (q.kind as CaseKind) : undefined;
    const conversationId = typeof q.conversationId === 'string' && q.conversationId ? q.conversationId : undefined;
    const items = await cases.desk.list({ open, kind, conversationId }, userOf(res).role);
    res.set('Cache-Control', 'no-store').json({ now: deps.clock.now().toISOString(), cases: items });
  }));

  // Agencies an operator may forward to (before /:id so it is not taken for a case id).
  router.get('/api/cases/agencies', read, handle(async (_req, res) => {
    const agencies = deps.agencies.list(deps.clock.now()).map((a) => ({ id: a.id, name: a.name, hasEmail: a.emails.length > 0 }));
    res.json({ agencies });
  }));

  router.get('/api/cases/:id', read, handle(async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ now: deps.clock.now().toISOString(), case: await cases.desk.detail(idOf(req), userOf(res).role) });
  }));

  router.post('/api/cases/forward', act, json, handle(async (req, res) => {
    const user = userOf(res);
    const b = bodyOf(req);
    const c = await cases.forwarding.forward({ conversationId: b.conversationId, agencyId: b.agencyId, question: b.question, dueAt: b.dueAt, shareContact: b.shareContact }, user);
    res.status(201).json({ case: cases.desk.summary(c, user.role) });
  }));

  router.post('/api/cases/:id/acknowledge', act, handle(async (req, res) => {
    const user = userOf(res);
    const c = await cases.urgent.acknowledge(idOf(req), user);
    res.json({ case: cases.desk.summary(c, user.role) });
  }));

  router.post('/api/cases/:id/close', act, json, handle(async (req, res) => {
    const user = userOf(res);
    const c = await cases.desk.close(idOf(req), bodyOf(req).reason, user);
    res.json({ case: cases.desk.summary(c, user.role) });
  }));

  router.post('/api/cases/:id/answer', act, json, handle(async (req, res) => {
    const user = userOf(res);
    const c = await cases.forwarding.editAnswer(idOf(req), bodyOf(req).text, user);
    res.json({ case: cases.desk.summary(c, user.role) });
  }));

  router.post('/api/cases/:id/approve', act, json, handle(async (req, res) => {
    const user = userOf(res);
    const c = await cases.forwarding.approve(idOf(req), bodyOf(req).text, user);
    res.json({ case: cases.desk.summary(c, user.role) });
  }));

  return router;
}
