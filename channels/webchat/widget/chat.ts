/**
 * The widget's behaviour: one socket.io connection to /widget (reconnecting with backoff), the session hello,
 * the offline queue flushed in order on every (re)connection, typing, receipts, state and urgent notices.
 * Protocol: channels/webchat/index.ts.
 */
import { io, type Socket } from 'socket.io-client';
import type { MessageAck, SessionPayload, TypingPayload, WidgetMessage, WidgetQuickReply, WidgetStateView, WidgetTexts } from '../protocol';
import type { WidgetOptions } from './options';
import { newClientId, type QueuedMessage, type WidgetStorage } from './storage';
import { ChatView, type DeliveryState } from './view';

const ACK_TIMEOUT_MS = 10_000;
const RETRY_UNAVAILABLE_MS = 3_000;
const TYPING_IDLE_MS = 4_000;
const TYPING_REPEAT_MS = 3_000;
const TYPING_SHOWN_MAX_MS = 15_000;

export class WidgetChat {
  private readonly view: ChatView;
  private socket?: Socket;
  /** A session was established on the current connection. */
  private ready = false;
  private flushing = false;
  private state: WidgetStateView = { state: 'bot', operatorName: null, urgency: 'none' };
  private readonly refused = new Map<string, QueuedMessage>();
  private readonly receipts = new Map<string, 'delivered' | 'read'>();
  private typingOn = false;
  private typingSentAt = 0;
  private typingIdle?: ReturnType<typeof setTimeout>;
  private typingShown?: ReturnType<typeof setTimeout>;
  private retryTimer?: ReturnType<typeof setTimeout>;
  private serverDisconnects = 0;

  constructor(
    shadow: ShadowRoot,
    private options: WidgetOptions,
    texts: WidgetTexts,
    private storage: WidgetStorage,
  ) {
    this.view = new ChatView(shadow, texts, options, {
      opened: () => {
        this.connect();
        this.sendReceipts([...this.receipts.keys()]);
      },
      submit: (text) => this.send(text),
      quickReply: (reply: WidgetQuickReply) => this.send(reply.title, reply.payload),
      typing: () => this.citizenTyping(),
      retry: (key) => this.retry(key),
    });
    const queued = storage.queued();
    for (const q of queued) this.showOwn(q, 'queued');
    // A returning citizen (or one with unsent messages) connects at once: replies arrive while the panel is closed.
    if (storage.token || queued.length) this.connect();
    // The browser knows first when the network goes: queue at once instead of waiting for a ping timeout.
    window.addEventListener('offline', () => {
      this.ready = false;
      if (this.socket) this.view.setConnection('offline');
    });
    window.addEventListener('online', () => {
      if (!this.socket) return;
      // A connection that survived gets a new hello (history, then the queue); a lost one reconnects.
      if (this.socket.connected) this.socket.emit('hello', { token: this.storage.token });
      else this.socket.connect();
    });
  }

  private connect(): void {
    if (this.socket) return;
    this.view.setConnection('connecting');
    const socket = io(`${this.options.server}/widget`, {
      path: '/socket.io',
      transports: ['websocket', 'polling'],
      tryAllTransports: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 30_000,
      randomizationFactor: 0.5,
    });
    this.socket = socket;
    socket.on('connect', () => socket.emit('hello', { token: this.storage.token }));
    socket.on('session', (s: SessionPayload) => this.onSession(s));
    socket.on('message', (m: WidgetMessage) => this.onMessage(m));
    socket.on('state', (s: WidgetStateView) => {
      this.state = s;
      this.view.setState(s);
    });
    socket.on('typing', (t: TypingPayload) => this.showTyping(t.on ? t.who : null));
    socket.on('urgent', () => this.view.showUrgent());
    socket.on('revoked', () => {
      // The server ended this session: forget it; the reconnection starts a new, empty one.
      this.storage.token = undefined;
      this.view.clear();
      this.receipts.clear();
    });
    socket.on('refused', (ack: MessageAck) => {
      if (!ack.ok) this.view.announce(ack.reason);
    });
    socket.on('disconnect', (reason) => {
      this.ready = false;
      this.view.setConnection('offline');
      for (const q of this.storage.queued()) this.showOwn(q, 'queued');
      // socket.io reconnects by itself except when the server closed the connection (revoked session, overload).
      if (reason === 'io server disconnect') {
        const delay = Math.min(30_000, 1000 * 2 ** this.serverDisconnects++) * (0.5 + Math.random());
        setTimeout(() => socket.connect(), delay);
      }
    });
  }

  private onSession(s: SessionPayload): void {
    const previous = this.storage.token;
    // Another token than ours: ours was revoked or forgotten by the server; the old conversation is not shown.
    if (previous && previous !== s.token) {
      this.view.clear();
      this.receipts.clear();
    }
    this.storage.token = s.token;
    this.ready = true;
    this.serverDisconnects = 0;
    this.view.setConnection('online');
    this.view.setLimits(s.limits.maxText);
    this.state = s.state;
    this.view.setState(s.state);
    const stored = new Set<string>();
    for (const m of s.history) {
      if (m.clientId) stored.add(m.clientId);
      this.showServer(m);
    }
    for (const q of this.storage.queued()) if (stored.has(q.clientId)) this.storage.remove(q.clientId);
    const last = s.history[s.history.length - 1];
    this.view.setQuickReplies(last && last.author !== 'citizen' ? last.quickReplies : undefined);
    this.sendReceipts(s.history.filter((m) => m.author !== 'citizen').map((m) => m.id));
    void this.flush();
  }

  private onMessage(m: WidgetMessage): void {
    this.showServer(m);
    if (m.author === 'citizen') {
      if (m.clientId) this.storage.remove(m.clientId);
      return;
    }
    this.showTyping(null);
    this.view.setQuickReplies(m.quickReplies);
    this.sendReceipts([m.id]);
  }

  private showServer(m: WidgetMessage): void {
    const key = m.author === 'citizen' ? `c:${m.clientId ?? m.id}` : m.id;
    this.view.upsert({ key, author: m.author, authorName: m.authorName, text: m.text, at: m.at, ...(m.author === 'citizen' && { delivery: 'sent' }) });
  }

  private showOwn(q: QueuedMessage, delivery: DeliveryState, reason?: string): void {
    this.view.upsert({ key: `c:${q.clientId}`, author: 'citizen', authorName: null, text: q.text, at: q.at, delivery, ...(reason && { reason }) });
  }

  private send(text: string, choice?: string): void {
    const q: QueuedMessage = { clientId: newClientId(), text, ...(choice && { choice }), at: new Date().toISOString() };
    this.storage.enqueue(q);
    this.showOwn(q, this.ready ? 'pending' : 'queued');
    this.stopTyping();
    this.connect();
    void this.flush();
  }

  private retry(key: string): void {
    const q = this.refused.get(key);
    if (!q) return;
    this.refused.delete(key);
    this.storage.enqueue(q);
    this.showOwn(q, this.ready ? 'pending' : 'queued');
    void this.flush();
  }

  /** Sends the queued messages one by one, in order; stops at the first that could not be acknowledged. */
  private async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      while (this.ready && this.socket) {
        const next = this.storage.queued()[0];
        if (!next) break;
        this.showOwn(next, 'pending');
        const ack = await this.emitMessage(this.socket, next);
        if (!ack) {
          // No answer in time: the connection is probably gone; the message stays queued for the next session.
          this.showOwn(next, 'queued');
          break;
        }
        if (ack.ok) {
          this.storage.remove(next.clientId);
          this.view.upsert({ key: `c:${next.clientId}`, author: 'citizen', authorName: null, text: next.text, at: next.at, delivery: 'sent' });
          if (!ack.duplicate && this.state.state === 'bot') this.showTyping('bot');
        } else if (ack.error === 'unavailable' || ack.error === 'no_session') {
          this.showOwn(next, 'queued');
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => void this.flush(), RETRY_UNAVAILABLE_MS);
          break;
        } else {
          this.storage.remove(next.clientId);
          this.refused.set(`c:${next.clientId}`, next);
          this.showOwn(next, 'failed', ack.reason);
          this.view.announce(ack.reason);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private emitMessage(socket: Socket, q: QueuedMessage): Promise<MessageAck | undefined> {
    return new Promise((resolve) => {
      socket.timeout(ACK_TIMEOUT_MS).emit('message', { clientId: q.clientId, text: q.text, ...(q.choice && { choice: q.choice }) }, (err: unknown, ack: MessageAck) =>
        resolve(err ? undefined : ack),
      );
    });
  }

  private citizenTyping(): void {
    if (!this.ready || !this.socket) return;
    const now = Date.now();
    if (!this.typingOn || now - this.typingSentAt > TYPING_REPEAT_MS) {
      this.socket.emit('typing', { on: true });
      this.typingOn = true;
      this.typingSentAt = now;
    }
    clearTimeout(this.typingIdle);
    this.typingIdle = setTimeout(() => this.stopTyping(), TYPING_IDLE_MS);
  }

  private stopTyping(): void {
    clearTimeout(this.typingIdle);
    if (this.typingOn && this.socket?.connected) this.socket.emit('typing', { on: false });
    this.typingOn = false;
  }

  private showTyping(who: 'bot' | 'operator' | null): void {
    clearTimeout(this.typingShown);
    this.view.setTyping(who);
    if (who) this.typingShown = setTimeout(() => this.view.setTyping(null), TYPING_SHOWN_MAX_MS);
  }

  /** Delivery receipts: read when the panel is open on a visible page, delivered otherwise; each reported once. */
  private sendReceipts(ids: string[]): void {
    if (!this.socket?.connected || !ids.length) return;
    const status = this.view.isOpen && document.visibilityState === 'visible' ? 'read' : 'delivered';
    const fresh = ids.filter((id) => this.receipts.get(id) !== 'read' && this.receipts.get(id) !== status);
    if (!fresh.length) return;
    for (const id of fresh) this.receipts.set(id, status);
    this.socket.emit('seen', { ids: fresh.slice(-100), status });
  }
}
