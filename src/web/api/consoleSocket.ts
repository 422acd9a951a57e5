/**
 * The console's live channel: socket.io namespace /console, signed in by the session cookie. Platform events arrive
 * through the event bus on every instance (PostgreSQL NOTIFY) and each instance pushes them to its own sockets
 * (`.local`), so an operator on one instance sees a citizen who writes to another, exactly once.
 * Presence follows the connection: an operator opening the console comes online; when their last tab has been gone
 * for a grace period (on every instance), they go offline.
 */
import type { Namespace, Server, Socket } from 'socket.io';
import type { HandoffService } from '../../handoff/service';
import type { EventBus, PlatformEvent } from '../../pipeline/events';
import type { Executor } from '../../store/executor';
import { getConversation } from '../../store/conversations';
import { getUser, listPresentUserIds } from '../../store/users';
import { readCookie } from '../auth/cookies';
import { CONVERSATION_HANDLERS, CONVERSATION_READERS } from '../auth/roles';
import type { AuthService } from '../auth/service';
import type { SessionUser } from '../auth/types';

/** Events staff reading conversations receive (ids only: the console loads what it shows through the API). */
const CONVERSATION_EVENTS = new Set([
  'message.created',
  'message.status',
  'conversation.updated',
  'conversation.assigned',
  'urgent.alert',
  'typing',
  'case.updated',
  'presence.updated',
]);
/** Events every console user receives. */
const EVERYONE_EVENTS = new Set(['banner', 'kb.published']);

export interface ConsoleSocketDeps {
  io: Server;
  auth: AuthService;
  bus: EventBus;
  db: Executor;
  handoff: HandoffService;
  log: { warn(o: object, m?: string): void };
  /** How long an operator may be disconnected (reload, network) before going offline. */
  presenceGraceMs?: number;
  /** How often presence is checked against open consoles on every instance. */
  presenceSweepMs?: number;
}

export interface ConsoleSocket {
  namespace: Namespace;
  /** Disconnects every console connection of the user, on every instance. */
  revokeUser(userId: string): void;
  /** Disconnects the connections opened with one session (sign-out). */
  revokeSession(sessionId: string): void;
  close(): void;
}

export function attachConsoleSocket(deps: ConsoleSocketDeps): ConsoleSocket {
  const nsp = deps.io.of('/console');
  const grace = deps.presenceGraceMs ?? 30_000;
  const timers = new Set<NodeJS.Timeout>();

  nsp.use((socket, next) => {
    const token = readCookie(socket.request.headers.cookie, deps.auth.cookieName);
    if (!token) return next(new Error('not signed in'));
    deps.auth.resolve(token).then(
      (session) => {
        if (!session) return next(new Error('not signed in'));
        socket.data.user = session.user;
        socket.data.sessionId = session.sessionId;
        next();
      },
      (err) => next(err instanceof Error ? err : new Error('auth failed')),
    );
  });

  nsp.on('connection', (socket: Socket) => {
    const user = socket.data.user as SessionUser;
    // A connection recovered after a network blip skips the middleware: check its session is still valid.
    if (socket.recovered) {
      const token = readCookie(socket.request.headers.cookie, deps.auth.cookieName);
      void (token ? deps.auth.resolve(token) : Promise.resolve(undefined)).then(
        (session) => {
          if (!session) socket.disconnect();
        },
        () => socket.disconnect(),
      );
    }
    void socket.join([`user:${user.id}`, `session:${socket.data.sessionId as string}`]);
    if (CONVERSATION_READERS.includes(user.role)) void socket.join('conversations');
    const handles = CONVERSATION_HANDLERS.includes(user.role);
    if (handles) {
      void (async () => {
        const current = await getUser(deps.db, user.id);
        if (current?.presence === 'offline') await deps.handoff.setPresence(user.id, 'online');
      })().catch((err) => deps.log.warn({ err }, 'presence on connect'));
    }

    // The operator is typing: the widget shows it (and channels with a typing indicator, through the bus).
    socket.on('typing', (payload: unknown) => {
      if (!handles || !payload || typeof payload !== 'object') return;
      const { conversationId, on } = payload as { conversationId?: unknown; on?: unknown };
      if (typeof conversationId !== 'string' || conversationId.length > 64) return;
      void getConversation(deps.db, conversationId).then((c) => {
        if (c && c.state === 'human' && c.assigneeId === user.id) deps.bus.publish({ type: 'typing', conversationId, who: 'operator', on: on === true });
      }, () => undefined);
    });

    socket.on('disconnect', () => {
      if (!handles) return;
      const timer = setTimeout(() => {
        timers.delete(timer);
        void (async () => {
          const still = await nsp.in(`user:${user.id}`).fetchSockets();
          if (still.length) return;
          const current = await getUser(deps.db, user.id);
          if (current && current.presence !== 'offline') await deps.handoff.setPresence(user.id, 'offline');
        })().catch((err) => deps.log.warn({ err }, 'presence on disconnect'));
      }, grace);
      timer.unref();
      timers.add(timer);
    });
  });

  // A crashed instance never ran its disconnect timers: every minute, operators shown online or away with no console
  // open anywhere (seen twice in a row) go offline, so nobody is auto-assigned conversations they cannot see.
  let suspects = new Set<string>();
  const sweeper = setInterval(() => {
    void (async () => {
      const present = await listPresentUserIds(deps.db);
      if (!present.length) {
        suspects = new Set();
        return;
      }
      const connected = new Set((await nsp.fetchSockets()).map((s) => (s.data as { user?: SessionUser }).user?.id));
      const missing = new Set(present.filter((id) => !connected.has(id)));
      for (const id of missing) if (suspects.has(id)) await deps.handoff.setPresence(id, 'offline');
      suspects = missing;
    })().catch((err) => deps.log.warn({ err }, 'presence sweep'));
  }, deps.presenceSweepMs ?? 60_000);
  sweeper.unref();

  const unsubscribe = deps.bus.subscribe((event: PlatformEvent) => {
    if (CONVERSATION_EVENTS.has(event.type)) {
      if (event.type === 'typing' && event.who !== 'citizen') return;
      nsp.local.to('conversations').emit(event.type, event);
    } else if (EVERYONE_EVENTS.has(event.type)) {
      nsp.local.emit(event.type, event);
    }
  });

  return {
    namespace: nsp,
    revokeUser: (userId) => nsp.in(`user:${userId}`).disconnectSockets(),
    revokeSession: (sessionId) => nsp.in(`session:${sessionId}`).disconnectSockets(),
    close() {
      unsubscribe();
      clearInterval(sweeper);
      for (const t of timers) clearTimeout(t);
      timers.clear();
    },
  };
}
