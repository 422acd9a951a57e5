/**
 * Pipeline benchmark: messages per second and latency from the app channel's POST to the callback's arrival,
 * on SQLite and on PostgreSQL, each beside a bare express server answering the same POST in the same run.
 *
 *   npm run bench:pipeline -- [--messages 4000] [--concurrency 64] [--rate 500] [--seconds 10] [--no-pg]
 *
 * Throughput: `--messages` sent with `--concurrency` requests in flight. Latency: a steady `--rate` per second for
 * `--seconds`. The platform and the baseline each run in their own child process; this process sends and receives.
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Client } from 'pg';
import { percentile, startChild } from './support/child';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const MESSAGES = flag('messages', 4000);
const CONCURRENCY = flag('concurrency', 64);
const RATE = flag('rate', 500);
const SECONDS = flag('seconds', 10);
const TOKEN = 'bench-token-0123456789';

interface Arrival {
  at: number;
}

async function callbackServer() {
  const arrivals = new Map<string, Arrival>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const at = performance.now();
      try {
        const { userId } = JSON.parse(Buffer.concat(chunks).toString());
        if (!arrivals.has(userId)) arrivals.set(userId, { at });
      } catch {
        // ignore
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/cb`, arrivals, close: () => new Promise((r) => server.close(r)) };
}

async function post(url: string, userId: string): Promise<number> {
  const res = await fetch(`${url}/api/v1/app/messages`, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ userId, messageId: `${userId}-m`, text: 'Xin chào' }),
  });
  await res.arrayBuffer();
  return res.status;
}

async function waitAll(arrivals: Map<string, Arrival>, users: string[], timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  while (users.some((u) => !arrivals.has(u)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  return users.filter((u) => !arrivals.has(u)).length;
}

async function throughput(url: string, cb: Awaited<ReturnType<typeof callbackServer>>, prefix: string) {
  const users = Array.from({ length: MESSAGES }, (_, i) => `${prefix}-t${i}`);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < users.length) await post(url, users[next++]);
    }),
  );
  const lost = await waitAll(cb.arrivals, users, 60_000);
  const last = Math.max(...users.map((u) => cb.arrivals.get(u)?.at ?? 0));
  return { perSecond: Math.round((MESSAGES - lost) / ((last - started) / 1000)), lost };
}

async function latency(url: string, cb: Awaited<ReturnType<typeof callbackServer>>, prefix: string) {
  const total = RATE * SECONDS;
  const sentAt = new Map<string, number>();
  const users: string[] = [];
  const interval = 1000 / RATE;
  const start = performance.now();
  const inflight: Promise<unknown>[] = [];
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    const user = `${prefix}-l${i}`;
    users.push(user);
    sentAt.set(user, performance.now());
    inflight.push(post(url, user).catch(() => 0));
  }
  await Promise.all(inflight);
  const lost = await waitAll(cb.arrivals, users, 60_000);
  const latencies = users.filter((u) => cb.arrivals.has(u)).map((u) => cb.arrivals.get(u)!.at - sentAt.get(u)!).sort((a, b) => a - b);
  return { p50: +percentile(latencies, 50).toFixed(1), p99: +percentile(latencies, 99).toFixed(1), lost };
}

async function measure(name: string, script: string, env: Record<string, string>, pattern: RegExp) {
  const cb = await callbackServer();
  const server = await startChild(script, { ...env, APP_CALLBACK_URL: cb.url }, pattern);
  try {
    await throughput(server.url, cb, `${name}-warm`); // warm-up: JIT, connection pools
    cb.arrivals.clear();
    const t = await throughput(server.url, cb, name);
    const l = await latency(server.url, cb, name);
    return { name, ...t, ...l, rssMb: server.rssMb() };
  } finally {
    server.child.kill('SIGTERM');
    await cb.close();
  }
}

async function freshPg(): Promise<{ url: string; drop(): Promise<void> } | undefined> {
  const base = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
  const admin = new Client({ connectionString: base });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  const name = `bench_${Date.now()}`;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  const url = new URL(base);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      const c = new Client({ connectionString: base });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    },
  };
}

async function main() {
  const root = path.resolve(__dirname, '../..');
  const platformEnv = (extra: Record<string, string>) => ({
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    APP_CHANNEL_TOKEN: TOKEN,
    DATA_DIR: fs.mkdtempSync(path.join(os.tmpdir(), 'hotline1022-bench-')),
    ...extra,
  });
  const platformUrl = /health\s+(\S+)\/healthz/;
  const results = [];
  results.push(await measure('bare express (baseline)', path.join(__dirname, 'support/bareServer.ts'), {}, /READY (\S+)/));
  results.push(await measure('platform on SQLite', path.join(root, 'src/main.ts'), platformEnv({}), platformUrl));
  const pg = args.includes('--no-pg') ? undefined : await freshPg();
  if (pg) {
    try {
      results.push(await measure('platform on PostgreSQL', path.join(root, 'src/main.ts'), platformEnv({ DATABASE_URL: pg.url }), platformUrl));
    } finally {
      await pg.drop();
    }
  } else console.log('PostgreSQL not reachable: skipped');

  const base = results[0];
  console.log(`\nPipeline: ${MESSAGES} messages at concurrency ${CONCURRENCY}; latency at ${RATE}/s for ${SECONDS}s (bot answers "Xin chào")`);
  console.log('name'.padEnd(26), 'msg/s'.padStart(7), 'ratio'.padStart(7), 'p50 ms'.padStart(8), 'p99 ms'.padStart(8), 'lost'.padStart(5), 'RSS MB'.padStart(7));
  for (const r of results) {
    console.log(r.name.padEnd(26), String(r.perSecond).padStart(7), (r.perSecond / base.perSecond).toFixed(2).padStart(7), String(r.p50).padStart(8), String(r.p99).padStart(8), String(r.lost).padStart(5), String(r.rssMb).padStart(7));
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
