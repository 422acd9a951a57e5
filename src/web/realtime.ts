/**
 * The socket.io server shared by the widget (namespace /widget) and the console (namespace /console).
 * On PostgreSQL, rooms span instances through @socket.io/postgres-adapter, so a widget connected to one instance
 * receives what an operator on another sends.
 */
import type http from 'node:http';
import { createAdapter } from '@socket.io/postgres-adapter';
import type { Pool } from 'pg';
import { Server } from 'socket.io';

export async function createRealtime(server: http.Server, pool?: Pool): Promise<Server> {
  const io = new Server(server, {
    path: '/socket.io',
    serveClient: false,
    // Long-polling fallback stays on for proxied networks.
    transports: ['websocket', 'polling'],
    maxHttpBufferSize: 64 * 1024,
    connectionStateRecovery: { maxDisconnectionDuration: 2 * 60 * 1000 },
  });
  if (pool) {
    await pool.query(`CREATE TABLE IF NOT EXISTS socket_io_attachments (id bigserial UNIQUE, created_at timestamptz DEFAULT NOW(), payload bytea)`);
    io.adapter(createAdapter(pool, { tableName: 'socket_io_attachments' }));
  }
  return io;
}
