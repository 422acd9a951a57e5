/**
 * The console's live connection (socket.io namespace /console, signed in by the session cookie). Pages subscribe
 * to platform events by type; after a reconnection they get a 'resync' so they reload what they show.
 */
import { io, type Socket } from 'socket.io-client';

type Listener = (event: Record<string, unknown>) => void;

const listeners = new Map<string, Set<Listener>>();
let socket: Socket | undefined;
let connectedOnce = false;

const EVENTS = ['message.created', 'message.status', 'conversation.updated', 'conversation.assigned', 'urgent.alert', 'typing', 'case.updated', 'presence.updated', 'banner', 'kb.published'];

function emitLocal(type: string, event: Record<string, unknown>): void {
  for (const l of listeners.get(type) ?? []) {
    try {
      l(event);
    } catch (err) {
      console.error(err);
    }
  }
}

export function connectLive(onRevoked: () => void): void {
  if (socket) return;
  socket = io('/console', { path: '/socket.io', transports: ['websocket', 'polling'], withCredentials: true });
  for (const type of EVENTS) socket.on(type, (event: Record<string, unknown>) => emitLocal(type, event));
  socket.on('connect', () => {
    if (connectedOnce) emitLocal('resync', {});
    connectedOnce = true;
    emitLocal('connection', { connected: true });
  });
  socket.on('disconnect', (reason) => {
    emitLocal('connection', { connected: false });
    // The server ended it (sign-out elsewhere, account disabled): check the session.
    if (reason === 'io server disconnect') onRevoked();
  });
  socket.on('connect_error', () => {
    emitLocal('connection', { connected: false });
    onRevoked();
  });
}

export function disconnectLive(): void {
  socket?.disconnect();
  socket = undefined;
  connectedOnce = false;
}

/** Subscribes to a platform event ('message.created'…) or 'resync' / 'connection'; returns the unsubscribe. */
export function onLive(type: string, listener: Listener): () => void {
  let set = listeners.get(type);
  if (!set) listeners.set(type, (set = new Set()));
  set.add(listener);
  return () => set.delete(listener);
}

export function sendTyping(conversationId: string, on: boolean): void {
  socket?.emit('typing', { conversationId, on });
}
