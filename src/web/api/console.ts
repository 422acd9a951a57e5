/**
 * The operator console as one piece for the composition root: sign-in and sessions, the console's REST routers,
 * its assets at /console and the /console socket namespace. main.ts pushes `routers`, calls installAuth(app, auth)
 * so every router's requireRole() works, and close() on stop.
 */
import type express from 'express';
import type { Server } from 'socket.io';
import type { SlaSettings } from '../../handoff/queue';
import type { HandoffService } from '../../handoff/service';
import type { EventBus } from '../../pipeline/events';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { createSessionRouter } from '../auth/routes';
import { AuthService, type AuthSettings } from '../auth/service';
import { createConsoleAssetsRouter } from './consoleAssets';
import { createConsoleQueueRouter } from './consoleQueue';
import { attachConsoleSocket, type ConsoleSocket } from './consoleSocket';
import { createConsoleStaffRouter, type KbSearchResult } from './consoleStaff';

export interface ConsoleDeps {
  db: Executor;
  bus: EventBus;
  clock: Clock;
  io: Server;
  handoff: HandoffService;
  log: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  auth: AuthSettings;
  sla: SlaSettings;
  timeZone?: string;
  searchKnowledgeBase?: (text: string) => KbSearchResult[] | Promise<KbSearchResult[]>;
  /** Channels that report the citizen typing. */
  typingChannels?: ReadonlySet<string>;
  presenceGraceMs?: number;
}

export interface ConsoleParts {
  auth: AuthService;
  routers: express.Router[];
  socket: ConsoleSocket;
  close(): void;
}

export function createConsole(deps: ConsoleDeps): ConsoleParts {
  let socket: ConsoleSocket | undefined;
  const auth = new AuthService({ db: deps.db, clock: deps.clock, settings: deps.auth, onSignOutEverywhere: (userId) => socket?.revokeUser(userId) });
  socket = attachConsoleSocket({ io: deps.io, auth, bus: deps.bus, db: deps.db, handoff: deps.handoff, log: deps.log, presenceGraceMs: deps.presenceGraceMs });
  const routers = [
    createSessionRouter({ auth, db: deps.db, clock: deps.clock, timeZone: deps.timeZone, onSignedOut: (sessionId) => socket?.revokeSession(sessionId) }),
    createConsoleAssetsRouter(deps.log),
    createConsoleQueueRouter({ db: deps.db, clock: deps.clock, handoff: deps.handoff, sla: deps.sla, typingChannels: deps.typingChannels }),
    createConsoleStaffRouter({ db: deps.db, clock: deps.clock, handoff: deps.handoff, auth, searchKnowledgeBase: deps.searchKnowledgeBase, onSessionsRevoked: (userId) => socket?.revokeUser(userId) }),
  ];
  return {
    auth,
    routers,
    socket,
    close: () => socket?.close(),
  };
}
