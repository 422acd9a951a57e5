/** A widget speaking the /widget protocol from node (socket.io-client), for integration tests and the benchmark. */
import { io, type Socket } from 'socket.io-client';
import type { CitizenMessagePayload, MessageAck, SessionPayload, WidgetMessage } from '../../channels/webchat/protocol';

export interface WidgetClient {
  socket: Socket;
  /** Every `message` event received, in order. */
  messages: WidgetMessage[];
  events: Array<{ event: string; payload: unknown }>;
  hello(token?: string): Promise<SessionPayload>;
  send(message: CitizenMessagePayload): Promise<MessageAck>;
  /** Resolves with the first received message (past or future) matching `match`. */
  waitForMessage(match: (m: WidgetMessage) => boolean, timeoutMs?: number): Promise<WidgetMessage>;
  waitForEvent<T = unknown>(event: string, match?: (payload: T) => boolean, timeoutMs?: number): Promise<T>;
  close(): void;
}

export async function connectWidget(url: string, options: { ip?: string } = {}): Promise<WidgetClient> {
  const socket = io(`${url}/widget`, {
    path: '/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    ...(options.ip && { extraHeaders: { 'x-forwarded-for': options.ip } }),
  });
  const messages: WidgetMessage[] = [];
  const events: Array<{ event: string; payload: unknown }> = [];
  const waiters = new Set<() => void>();
  socket.onAny((event: string, payload: unknown) => {
    events.push({ event, payload });
    if (event === 'message') messages.push(payload as WidgetMessage);
    for (const wake of [...waiters]) wake();
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });

  const waitUntil = <T>(find: () => T | undefined, timeoutMs: number, what: string) =>
    new Promise<T>((resolve, reject) => {
      const found = find();
      if (found !== undefined) return resolve(found);
      const timer = setTimeout(() => {
        waiters.delete(wake);
        reject(new Error(`timed out waiting for ${what}`));
      }, timeoutMs);
      const wake = () => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        waiters.delete(wake);
        resolve(value);
      };
      waiters.add(wake);
    });

  return {
    socket,
    messages,
    events,
    hello(token?: string) {
      const from = events.length;
      socket.emit('hello', token ? { token } : {});
      return waitUntil(() => events.slice(from).find((e) => e.event === 'session')?.payload as SessionPayload | undefined, 5000, 'session');
    },
    send(message: CitizenMessagePayload) {
      return socket.timeout(5000).emitWithAck('message', message) as Promise<MessageAck>;
    },
    waitForMessage(match, timeoutMs = 5000) {
      return waitUntil(() => messages.find(match), timeoutMs, 'message');
    },
    waitForEvent<T>(event: string, match: (payload: T) => boolean = () => true, timeoutMs = 5000) {
      return waitUntil(() => events.find((e) => e.event === event && match(e.payload as T))?.payload as T | undefined, timeoutMs, `event ${event}`);
    },
    close() {
      socket.disconnect();
    },
  };
}
