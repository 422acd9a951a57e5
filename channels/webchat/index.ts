/**
 * The web chat widget channel (1022.binhphuoc.gov.vn): a browser bundle served as /widget.js, a demo portal page at
 * /, and a socket.io namespace /widget. Payload types: ./protocol.ts.
 *
 * Protocol (socket.io namespace /widget, path /socket.io):
 *   client → hello {token?}
 *     server → session {token, conversationId, state: {state, operatorName, urgency}, history: WidgetMessage[], limits}
 *     An unknown or revoked token gets a new session (new token, empty history). The socket joins the room
 *     `widget:<sessionId>`; rooms span instances through the PostgreSQL adapter.
 *   client → message {clientId, text, choice?}   ack → {ok: true, id, duplicate, conversationId}
 *                                                      | {ok: false, error, reason (Vietnamese, shown), retryAfterMs?}
 *     externalId = `<sessionId>:<clientId>`: a message re-sent after a reconnect is stored once (ack duplicate: true).
 *     Refusals: invalid, no_session (no hello yet), too_long (over WIDGET_MAX_TEXT), rate_limited
 *     (WIDGET_MESSAGES_PER_MINUTE per session, 5× per IP), unavailable (not stored: send again).
 *     A quick-reply tap is a message with text = the title and choice = the payload.
 *   client → typing {on}                         published on the bus as `typing` (who: citizen)
 *   client → seen {ids, status: delivered|read}  delivery receipts of our messages, shown to operators
 *   server → message {id, clientId?, author, authorName, text, quickReplies?, at}
 *     our replies (bot, operator, system) and the citizen's own messages sent from another tab
 *   server → state {state: bot|queued|human|closed, operatorName, urgency}   from bus `conversation.updated`
 *   server → typing {who: bot|operator, on}                                  from bus `typing`
 *   server → urgent {level}                                                   from bus `urgent.alert`
 *   server → revoked {}  the session was revoked; the socket is disconnected and the widget starts a new session
 *   server → refused {ok: false, error: 'rate_limited', reason}  too many new sessions from one IP; then disconnected
 */
import type { Router } from 'express';
import type { Server, Socket } from 'socket.io';
import type { EventBus, PlatformEvent } from '../../src/pipeline/events';
import type { Clock } from '../../src/store/clock';
import type { DbHandle } from '../../src/store/db';
import type { ChannelConnector, ChannelContext, Logger, OutboundMessage, SendResult } from '../types';
import { buildWidgetBundle, serveBundle, type WidgetBundle } from './bundle';
import { mountDemo } from './demo';
import { conversationOfSession, externalIdOf, historyOfSession, ownOutboundIds, sessionOfConversation } from './history';
import type { MessageAck, MessageRefusal, SessionPayload, WidgetLimits, WidgetMessage } from './protocol';
import { RateLimiter } from './rateLimit';
import { createSession, findActiveSession, revokeSession } from './sessions';
import { fillText, loadWidgetTexts } from './texts';

export interface WebchatSettings {
  /** WIDGET_MAX_TEXT */
  maxText: number;
  /** WIDGET_MESSAGES_PER_MINUTE (per session; 5× per IP) */
  messagesPerMinute: number;
  /** KB_DIR: the widget's texts are the `widget.*` keys of templates.yaml. */
  kbDir: string;
}

export interface WebchatDeps {
  io: Server;
  store: DbHandle;
  bus: EventBus;
  clock: Clock;
  log: Logger;
  settings: WebchatSettings;
}

export interface WebchatConnector extends ChannelConnector {
  /** The browser bundle (size measured by tests and the benchmark). */
  readonly bundle: Promise<WidgetBundle>;
  /** Revokes a session on every instance: its token stops working and its widgets start a new session. */
  revoke(sessionId: string, reason: string): Promise<boolean>;
}

export const WIDGET_NAMESPACE = '/widget';
export const widgetRoom = (sessionId: string): string => `widget:${sessionId}`;

const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/;
const IP_FACTOR = 5;
const TYPING_REPEAT_MS = 3000;
const TYPING_MIN_GAP_MS = 500;
const RECEIPTS_PER_MINUTE = 120;
const HELLOS_PER_SOCKET_PER_MINUTE = 10;
const MAX_CACHED_CONVERSATIONS = 10_000;

export function createWebchatConnector(deps: WebchatDeps): WebchatConnector {
  const { io, store, bus, clock, log, settings } = deps;
  const texts = loadWidgetTexts(settings.kbDir);
  const bundle = buildWidgetBundle(texts);
  bundle.catch((err) => log.error({ err }, 'widget bundle build failed'));
  const ns = io.of(WIDGET_NAMESPACE);
  const limiter = new RateLimiter(clock);
  const limits: WidgetLimits = { maxText: settings.maxText, messagesPerMinute: settings.messagesPerMinute };
  // conversation id → session id (null: not a webchat conversation), so bus events cost no query once known.
  const sessionByConversation = new Map<string, string | null>();
  let unsubscribe: (() => void) | undefined;

  const now = () => clock.now().toISOString();
  const refuse = (error: MessageRefusal, retryAfterMs?: number): MessageAck => ({
    ok: false,
    error,
    reason: {
      invalid: texts.invalid,
      no_session: texts.unavailable,
      too_long: fillText(texts.tooLong, { max: settings.maxText }),
      rate_limited: texts.rateLimited,
      unavailable: texts.unavailable,
    }[error],
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });

  const remember = (conversationId: string, sessionId: string | null) => {
    if (sessionByConversation.size >= MAX_CACHED_CONVERSATIONS) sessionByConversation.delete(sessionByConversation.keys().next().value as string);
    sessionByConversation.set(conversationId, sessionId);
  };
  const hasLocalSockets = (sessionId: string) => (ns.adapter.rooms.get(widgetRoom(sessionId))?.size ?? 0) > 0;

  function handleSocket(socket: Socket, ctx: ChannelContext): void {
    const ip = clientIp(socket);
    let sessionId: string | undefined;
    let conversationId: string | null = null;
    let typingSent: { on: boolean; at: number } = { on: false, at: 0 };

    socket.on('hello', async (payload: unknown) => {
      // One hello per connection is the rule (plus one when the browser comes back online): more is abuse.
      if (!limiter.take([{ key: `hello-socket:${socket.id}`, limit: HELLOS_PER_SOCKET_PER_MINUTE }]).ok) return;
      try {
        const at = now();
        const offered = typeof (payload as { token?: unknown })?.token === 'string' ? (payload as { token: string }).token : undefined;
        let token = offered;
        let session = offered ? await findActiveSession(store.db, offered, at) : undefined;
        if (!session) {
          // New sessions are rows in the database: limited per IP like messages.
          const allowed = limiter.take([{ key: `hello:${ip}`, limit: IP_FACTOR * settings.messagesPerMinute }]);
          if (!allowed.ok) {
            socket.emit('refused', refuse('rate_limited', allowed.retryAfterMs));
            socket.disconnect(true);
            return;
          }
          ({ session, token } = await createSession(store.db, at));
        }
        if (sessionId && sessionId !== session.id) await socket.leave(widgetRoom(sessionId));
        sessionId = session.id;
        await socket.join(widgetRoom(session.id));
        const [view, history] = await Promise.all([conversationOfSession(store.db, session.id), historyOfSession(store.db, session.id)]);
        conversationId = view.conversationId;
        if (conversationId) remember(conversationId, session.id);
        const reply: SessionPayload = { token: token as string, conversationId, state: view.state, history, limits };
        socket.emit('session', reply);
      } catch (err) {
        log.error({ err }, 'widget hello failed');
        socket.disconnect(true);
      }
    });

    socket.on('message', async (payload: unknown, ack?: unknown) => {
      const answer = typeof ack === 'function' ? (ack as (a: MessageAck) => void) : () => undefined;
      if (!sessionId) return answer(refuse('no_session'));
      const input = parseCitizenMessage(payload);
      if (!input) return answer(refuse('invalid'));
      if (Array.from(input.text).length > settings.maxText) return answer(refuse('too_long'));
      const allowed = limiter.take([
        { key: `session:${sessionId}`, limit: settings.messagesPerMinute },
        { key: `ip:${ip}`, limit: IP_FACTOR * settings.messagesPerMinute },
      ]);
      if (!allowed.ok) return answer(refuse('rate_limited', allowed.retryAfterMs));
      const owner = sessionId;
      try {
        const result = await ctx.receive({
          channel: 'webchat',
          externalId: externalIdOf(owner, input.clientId),
          externalUserId: owner,
          text: input.text,
          ...(input.choice && { choice: input.choice }),
        });
        conversationId = result.conversationId;
        remember(result.conversationId, owner);
        answer({ ok: true, id: result.messageId, duplicate: result.duplicate, conversationId: result.conversationId });
        if (!result.duplicate) {
          const echo: WidgetMessage = { id: result.messageId, clientId: input.clientId, author: 'citizen', authorName: null, text: input.text, at: now() };
          socket.to(widgetRoom(owner)).emit('message', echo);
        }
      } catch (err) {
        log.error({ err }, 'widget message not stored');
        answer(refuse('unavailable'));
      }
    });

    socket.on('typing', (payload: unknown) => {
      const on = (payload as { on?: unknown })?.on === true;
      const at = clock.now().getTime();
      if (!conversationId || (on === typingSent.on && (!on || at - typingSent.at < TYPING_REPEAT_MS))) return;
      // Rapid on/off toggling would flood the bus (NOTIFY across instances): a new "on" waits a moment.
      if (on && at - typingSent.at < TYPING_MIN_GAP_MS) return;
      typingSent = { on, at };
      bus.publish({ type: 'typing', conversationId, who: 'citizen', on });
    });

    socket.on('seen', async (payload: unknown) => {
      const { ids, status } = (payload ?? {}) as { ids?: unknown; status?: unknown };
      if (!sessionId || !Array.isArray(ids) || (status !== 'delivered' && status !== 'read')) return;
      if (!limiter.take([{ key: `seen:${sessionId}`, limit: RECEIPTS_PER_MINUTE }]).ok) return;
      const wanted = ids.filter((id): id is string => typeof id === 'string' && id.length <= 64).slice(0, 100);
      try {
        const own = await ownOutboundIds(store.db, sessionId, wanted);
        if (own.length) await ctx.updateDelivery({ channel: 'webchat', status, externalIds: own });
      } catch (err) {
        log.warn({ err }, 'widget receipt not applied');
      }
    });

    socket.on('disconnect', () => {
      if (conversationId && typingSent.on) bus.publish({ type: 'typing', conversationId, who: 'citizen', on: false });
    });
  }

  /** Bus events reach every instance once: each emits only to its own sockets (`local`), so nothing is doubled. */
  async function onEvent(event: PlatformEvent): Promise<void> {
    const e = event as { type: string; conversationId?: unknown; who?: unknown; on?: unknown; level?: unknown };
    if (e.type !== 'conversation.updated' && e.type !== 'typing' && e.type !== 'urgent.alert') return;
    if (typeof e.conversationId !== 'string' || (e.type === 'typing' && e.who === 'citizen')) return;
    const known = sessionByConversation.get(e.conversationId);
    if (known === null || (known && !hasLocalSockets(known))) return;
    const found = await sessionOfConversation(store.db, e.conversationId);
    remember(e.conversationId, found?.sessionId ?? null);
    if (!found || !hasLocalSockets(found.sessionId)) return;
    const room = ns.local.to(widgetRoom(found.sessionId));
    if (e.type === 'conversation.updated') room.emit('state', found.state);
    else if (e.type === 'typing') room.emit('typing', { who: e.who === 'bot' ? 'bot' : 'operator', on: e.on === true });
    else room.emit('urgent', { level: typeof e.level === 'string' ? e.level : 'urgent' });
  }

  return {
    name: 'webchat',
    capabilities: { maxTextLength: settings.maxText, maxQuickReplies: 10, speech: false, typingIndicator: true },
    bundle,

    mount(router: Router, ctx: ChannelContext) {
      router.get('/widget.js', serveBundle(bundle));
      mountDemo(router);
      ns.on('connection', (socket) => handleSocket(socket, ctx));
    },

    async start() {
      unsubscribe = bus.subscribe((event) => {
        onEvent(event).catch((err) => log.warn({ err, event: event.type }, 'widget event not forwarded'));
      });
    },

    async stop() {
      unsubscribe?.();
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      const id = typeof message.meta?.messageId === 'string' ? message.meta.messageId : message.outboxId;
      const payload: WidgetMessage = {
        id,
        author: message.author,
        authorName: message.authorName ?? null,
        text: message.text,
        ...(message.quickReplies?.length && { quickReplies: message.quickReplies.map((q) => ({ title: q.title, payload: q.payload })) }),
        at: now(),
      };
      // Reaches the citizen's widgets on every instance; one offline now loads it with the history on reconnect.
      ns.to(widgetRoom(message.externalUserId)).emit('message', payload);
      return { ok: true };
    },

    async typing(externalUserId: string, on: boolean) {
      ns.to(widgetRoom(externalUserId)).emit('typing', { who: 'bot', on });
    },

    async revoke(sessionId: string, reason: string) {
      const revoked = await revokeSession(store.db, sessionId, reason, now());
      ns.to(widgetRoom(sessionId)).emit('revoked', {});
      ns.in(widgetRoom(sessionId)).disconnectSockets(true);
      return revoked;
    },
  };
}

function parseCitizenMessage(payload: unknown): { clientId: string; text: string; choice?: string } | undefined {
  if (!payload || typeof payload !== 'object') return undefined;
  const { clientId, text, choice } = payload as Record<string, unknown>;
  if (typeof clientId !== 'string' || !CLIENT_ID.test(clientId) || typeof text !== 'string') return undefined;
  if (choice !== undefined && (typeof choice !== 'string' || choice.length > 200)) return undefined;
  const clean = text.normalize('NFC').trim();
  if (!clean && !choice) return undefined;
  return { clientId, text: clean, ...(choice ? { choice } : {}) };
}

/** The citizen's address; behind a local reverse proxy, the address it saw (as express's 'trust proxy loopback'). */
function clientIp(socket: Socket): string {
  const address = socket.handshake.address;
  const forwarded = socket.handshake.headers['x-forwarded-for'];
  const loopback = address === '127.0.0.1' || address === '::1' || address === '::ffff:127.0.0.1';
  if (loopback && typeof forwarded === 'string') {
    const hops = forwarded.split(',').map((s) => s.trim()).filter(Boolean);
    if (hops.length) return hops[hops.length - 1];
  }
  return address;
}
