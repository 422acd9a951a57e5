/**
 * The baseline of the widget benchmark: a bare socket.io server speaking the /widget protocol that stores nothing,
 * acknowledges each message and answers it at once. Prints "READY <url>".
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';

const server = http.createServer();
const io = new Server(server, { path: '/socket.io', serveClient: false, transports: ['websocket', 'polling'] });
const seen = new Set<string>();

io.of('/widget').on('connection', (socket) => {
  socket.on('hello', () => {
    socket.emit('session', { token: randomUUID(), conversationId: null, state: { state: 'bot', operatorName: null, urgency: 'none' }, history: [], limits: { maxText: 2000, messagesPerMinute: 20 } });
  });
  socket.on('message', (payload: { clientId: string; text: string }, ack: (a: unknown) => void) => {
    const duplicate = seen.has(payload.clientId);
    seen.add(payload.clientId);
    ack({ ok: true, id: randomUUID(), duplicate, conversationId: 'c' });
    if (!duplicate) socket.emit('message', { id: randomUUID(), author: 'bot', authorName: 'Tổng đài 1022', text: 'Dạ, Tổng đài 1022 đã nhận tin nhắn của anh/chị ạ.', at: new Date().toISOString() });
  });
});

server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  process.stdout.write(`READY http://127.0.0.1:${port}\n`);
});
