/**
 * The console's staff API: operators with presence and load (for transfers), one's own presence, searching the
 * knowledge base for curated answers, and account management for admins.
 */
import express from 'express';
import { operatorLoads } from '../../handoff/queue';
import { HandoffError, type HandoffService } from '../../handoff/service';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { listUsers, PRESENCES, type Presence } from '../../store/users';
import { addAccount, changePassword, isRole, publicAccount, updateAccount } from '../auth/accounts';
import { requireRole } from '../auth/middleware';
import { ACCOUNT_ADMINS, CONVERSATION_HANDLERS, CONVERSATION_READERS } from '../auth/roles';
import type { AuthService } from '../auth/service';
import { handle, param, userOf } from './consoleHttp';

export interface KbSearchResult {
  id: string;
  question: string;
  answer: string;
  score: number;
}

export interface ConsoleStaffDeps {
  db: Executor;
  clock: Clock;
  handoff: HandoffService;
  auth: AuthService;
  /** The live knowledge-base index (src/kb/liveIndex.ts search), injected by main.ts. */
  searchKnowledgeBase?: (text: string) => KbSearchResult[] | Promise<KbSearchResult[]>;
  /** Ends the live connections of a user whose sessions were revoked (disabled, role or password changed). */
  onSessionsRevoked?: (userId: string) => void;
}

export function createConsoleStaffRouter(deps: ConsoleStaffDeps): express.Router {
  const { db } = deps;
  const router = express.Router();
  const json = express.json({ limit: '16kb' });
  const now = () => deps.clock.now().toISOString();

  router.get('/api/console/operators', requireRole(...CONVERSATION_READERS), handle(async (_req, res) => {
    const [users, loads] = await Promise.all([listUsers(db, { roles: ['operator', 'supervisor'] }), operatorLoads(db)]);
    res.set('Cache-Control', 'no-store').json({
      operators: users.map((u) => ({ id: u.id, displayName: u.displayName, role: u.role, presence: u.presence, load: loads.get(u.id) ?? 0 })),
    });
  }));

  router.put('/api/console/presence', requireRole(...CONVERSATION_HANDLERS), json, handle(async (req, res) => {
    const presence = (req.body ?? {}).presence as Presence;
    if (!PRESENCES.includes(presence)) throw new HandoffError(400, 'presence', 'Trạng thái phải là online, away hoặc offline.');
    await deps.handoff.setPresence(userOf(res).id, presence);
    res.json({ presence });
  }));

  router.get('/api/console/kb/search', requireRole(...CONVERSATION_READERS), handle(async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q.trim().slice(0, 500) : '';
    if (!q) {
      res.json({ results: [] });
      return;
    }
    if (!deps.searchKnowledgeBase) throw new HandoffError(503, 'no index', 'Chưa có cơ sở tri thức để tìm.');
    const results = (await deps.searchKnowledgeBase(q)).slice(0, 8);
    res.json({ results: results.map((r) => ({ id: r.id, question: r.question, answer: r.answer, score: Math.round(r.score * 1000) / 1000 })) });
  }));

  // --- accounts (admin)
  const admin = requireRole(...ACCOUNT_ADMINS);

  router.get('/api/console/users', admin, handle(async (_req, res) => {
    const users = await listUsers(db, { includeDisabled: true });
    res.set('Cache-Control', 'no-store').json({ users: users.map(publicAccount) });
  }));

  router.post('/api/console/users', admin, json, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user = await addAccount(
      db,
      {
        username: String(body.username ?? ''),
        role: isRole(body.role) ? body.role : ('' as never),
        displayName: typeof body.displayName === 'string' ? body.displayName : undefined,
        email: typeof body.email === 'string' ? body.email : null,
        password: String(body.password ?? ''),
      },
      userOf(res).id,
      now(),
    );
    res.status(201).json(publicAccount(user));
  }));

  router.patch('/api/console/users/:id', admin, json, handle(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const user = await updateAccount(
      db,
      param(req, 'id'),
      {
        ...(typeof body.displayName === 'string' && { displayName: body.displayName }),
        ...(body.role !== undefined && { role: body.role as never }),
        ...(body.email !== undefined && { email: typeof body.email === 'string' ? body.email : null }),
        ...(typeof body.disabled === 'boolean' && { disabled: body.disabled }),
      },
      userOf(res).id,
      now(),
    );
    if (body.disabled === true || body.role !== undefined) deps.onSessionsRevoked?.(user.id);
    res.json(publicAccount(user));
  }));

  router.post('/api/console/users/:id/password', admin, json, handle(async (req, res) => {
    await changePassword(db, param(req, 'id'), String((req.body ?? {}).password ?? ''), userOf(res).id, now());
    deps.onSessionsRevoked?.(param(req, 'id'));
    res.status(204).end();
  }));

  router.post('/api/console/users/:id/sign-out-everywhere', admin, handle(async (req, res) => {
    await deps.auth.signOutEverywhere(param(req, 'id'), userOf(res).id);
    res.status(204).end();
  }));

  return router;
}
