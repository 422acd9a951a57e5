/**
 * Widget load: concurrent widget sessions (socket.io-client, as the browser bundle speaks it) exchanging messages with
 * the platform for a bounded time, counting lost and duplicated messages, with latency and the server's memory; then
 * the same load against a bare socket.io echo server (no storage, no bot) in the same run, for the ratio.
 *
 *   npx tsx scripts/bench/widget-load.ts [--sessions 200] [--seconds 60] [--think-ms 3000] [--no-baseline]
 *
 * Each simulated citizen (its own address through X-Forwarded-For, as behind the hotline's reverse proxy) says hello,
 * then loops: send a question, wait for the ack and the reply, think 1–1.5× --think-ms. A message without an ack in
 * 10 s is re-sent with the same clientId, as the widget does after a reconnect. At the end the platform's database is
 * read: every acknowledged message must be stored exactly once and every reply stored must have reached its widget
 * exactly once. The platform runs in a child process (real bot, SQLite under a temporary DATA_DIR) so its RSS and
 * CPU are its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { hashToken } from '../../channels/webchat/sessions';
import type { MessageAck, SessionPayload, WidgetMessage } from '../../channels/webchat/protocol';
import { openDatabase } from '../../src/store/db';
import { percentile, startChild } from './support/child';

const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : fallback;
};
const SESSIONS = flag('sessions', 200);
const SECONDS = flag('seconds', 60);
const THINK_MS = flag('think-ms', 3000);
const BASELINE = !args.includes('--no-baseline');
const ACK_TIMEOUT_MS = 10_000;
const REPLY_TIMEOUT_MS = 15_000;
// The production limit is 20 messages a minute per session; a shorter think time needs a higher one.
const PER_MINUTE = Math.max(20, Math.ceil(60_000 / THINK_MS) + 5);

const QUESTIONS = [
  'Triệu chứng của COVID-19 là gì?',
  'xet nghiem pcr o dau a',
  'Tôi đi từ TP.HCM về Bình Phước có phải cách ly không?',
  'Tiêm vắc xin mũi 2 cách mũi 1 bao lâu?',
  'Khai báo y tế ở đâu ạ',
  'cảm ơn tổng đài',
  'F1 cách ly tại nhà bao nhiêu ngày',
  'Số điện thoại của trung tâm y tế Đồng Xoài',
];

interface Citizen {
  token?: string;
  acked: Set<string>;
  received: Map<string, number>;
  replies: number;
}

interface RunStats {
  citizens: Citizen[];
  sent: number;
  ackLatency: number[];
  replyLatency: number[];
  resent: number;
  refused: Record<string, number>;
  noReplyInTime: number;
  connectErrors: number;
  elapsedS: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function runLoad(url: string, label: string): Promise<RunStats> {
  const stats: RunStats = { citizens: [], sent: 0, ackLatency: [], replyLatency: [], resent: 0, refused: {}, noReplyInTime: 0, connectErrors: 0, elapsedS: 0 };
  const started = performance.now();
  const deadline = Date.now() + SECONDS * 1000;
  const sockets: Socket[] = [];
  const ticker = setInterval(() => process.stdout.isTTY && process.stdout.write(`\r  ${label}: ${stats.sent} sent, ${stats.replyLatency.length} answered, ${Math.round((Date.now() - deadline) / -1000)} s left   `), 1000);

  await Promise.all(
    Array.from({ length: SESSIONS }, async (_, index) => {
      await sleep(index * 10); // a ramp of 2 s, as citizens do not all arrive in the same millisecond
      const citizen: Citizen = { acked: new Set(), received: new Map(), replies: 0 };
      stats.citizens.push(citizen);
      const socket = io(`${url}/widget`, {
        path: '/socket.io',
        transports: ['websocket'],
        forceNew: true,
        reconnectionDelay: 500,
        extraHeaders: { 'x-forwarded-for': `10.${(index >> 16) & 255}.${(index >> 8) & 255}.${index & 255}` },
      });
      sockets.push(socket);
      let wake: (() => void) | undefined;
      let ready: ((s: SessionPayload) => void) | undefined;
      socket.on('connect', () => socket.emit('hello', { token: citizen.token }));
      socket.on('connect_error', () => stats.connectErrors++);
      socket.on('session', (s: SessionPayload) => {
        citizen.token = s.token;
        ready?.(s);
      });
      socket.on('message', (m: WidgetMessage) => {
        if (m.author === 'citizen') return;
        citizen.received.set(m.id, (citizen.received.get(m.id) ?? 0) + 1);
        citizen.replies += 1;
        wake?.();
      });
      await new Promise<SessionPayload>((resolve) => (ready = resolve));

      for (let n = 0; Date.now() < deadline; n++) {
        const clientId = `b${index}x${n}x${Math.random().toString(36).slice(2, 10)}`;
        const text = QUESTIONS[(index + n) % QUESTIONS.length];
        const repliesBefore = citizen.replies;
        const t0 = performance.now();
        stats.sent += 1;
        let ack: MessageAck | undefined;
        for (let attempt = 0; attempt < 3 && !ack; attempt++) {
          if (attempt) stats.resent += 1;
          ack = await socket.timeout(ACK_TIMEOUT_MS).emitWithAck('message', { clientId, text }).catch(() => undefined);
        }
        if (!ack) {
          stats.refused.no_ack = (stats.refused.no_ack ?? 0) + 1;
          continue;
        }
        if (!ack.ok) {
          stats.refused[ack.error] = (stats.refused[ack.error] ?? 0) + 1;
          await sleep(ack.retryAfterMs ?? THINK_MS);
          continue;
        }
        citizen.acked.add(clientId);
        stats.ackLatency.push(performance.now() - t0);
        const answered = await new Promise<boolean>((resolve) => {
          if (citizen.replies > repliesBefore) return resolve(true);
          const timer = setTimeout(() => resolve(false), REPLY_TIMEOUT_MS);
          wake = () => {
            if (citizen.replies <= repliesBefore) return;
            clearTimeout(timer);
            resolve(true);
          };
        });
        wake = undefined;
        if (answered) stats.replyLatency.push(performance.now() - t0);
        else stats.noReplyInTime += 1;
        await sleep(THINK_MS * (1 + Math.random() * 0.5));
      }
    }),
  );
  stats.elapsedS = (performance.now() - started) / 1000;
  // Late replies (a turn with several messages) still arrive: wait until nothing new comes for 2 s.
  let last = -1;
  for (let i = 0; i < 15; i++) {
    const total = stats.citizens.reduce((s, c) => s + c.replies, 0);
    if (total === last) break;
    last = total;
    await sleep(2000);
  }
  clearInterval(ticker);
  if (process.stdout.isTTY) process.stdout.write(`\r${' '.repeat(80)}\r`);
  for (const s of sockets) s.disconnect();
  return stats;
}

/** Memory (RSS, MB) and CPU seconds of a process, from /proc. */
function usage(pid: number): { rssMb: number; cpuS: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    const ticks = Number(stat[11]) + Number(stat[12]); // utime + stime
    return { rssMb: Math.round(Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024), cpuS: ticks / 100 };
  } catch {
    return { rssMb: 0, cpuS: 0 };
  }
}

async function measured(pid: number, run: () => Promise<RunStats>) {
  const before = usage(pid);
  let peak = before.rssMb;
  const sampler = setInterval(() => (peak = Math.max(peak, usage(pid).rssMb)), 500);
  const stats = await run();
  clearInterval(sampler);
  const after = usage(pid);
  return { stats, rssIdleMb: before.rssMb, rssPeakMb: Math.max(peak, after.rssMb), rssEndMb: after.rssMb, cpuS: after.cpuS - before.cpuS };
}

/** Compares what the widgets saw with what the platform stored. */
async function verify(dataDir: string, citizens: Citizen[]) {
  const store = openDatabase({ dataDir });
  const out = { ackedNotStored: 0, storedTwice: 0, repliesStored: 0, repliesNotReceived: 0, repliesReceivedTwice: 0, receivedUnknown: 0, outboxNotSent: 0 };
  try {
    for (const citizen of citizens) {
      if (!citizen.token) continue;
      const session = await store.db.selectFrom('widget_sessions').select('id').where('token_hash', '=', hashToken(citizen.token)).executeTakeFirst();
      if (!session) continue;
      const inbound = await store.db.selectFrom('messages').select('external_id').where('channel', '=', 'webchat').where('direction', '=', 'in').where('external_id', 'like', `${session.id}:%`).execute();
      const counts = new Map<string, number>();
      for (const row of inbound) counts.set(row.external_id!, (counts.get(row.external_id!) ?? 0) + 1);
      for (const clientId of citizen.acked) if (!counts.has(`${session.id}:${clientId}`)) out.ackedNotStored += 1;
      for (const n of counts.values()) if (n > 1) out.storedTwice += n - 1;
      const replies = await store.db
        .selectFrom('messages')
        .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
        .select('messages.id')
        .where('conversations.channel', '=', 'webchat')
        .where('conversations.external_thread_id', '=', session.id)
        .where('messages.direction', '=', 'out')
        .where('messages.internal', '=', 0)
        .execute();
      const ids = new Set(replies.map((r) => r.id));
      out.repliesStored += ids.size;
      for (const id of ids) if (!citizen.received.has(id)) out.repliesNotReceived += 1;
      for (const [id, n] of citizen.received) {
        if (n > 1) out.repliesReceivedTwice += n - 1;
        if (!ids.has(id)) out.receivedUnknown += 1;
      }
    }
    const pending = await store.db.selectFrom('outbox').select((e) => e.fn.countAll().as('n')).where('channel', '=', 'webchat').where('status', '!=', 'sent').executeTakeFirstOrThrow();
    out.outboxNotSent = Number(pending.n);
  } finally {
    await store.close();
  }
  return out;
}

function summary(stats: RunStats) {
  const ack = [...stats.ackLatency].sort((a, b) => a - b);
  const reply = [...stats.replyLatency].sort((a, b) => a - b);
  const r = (v: number) => Math.round(v * 10) / 10;
  return {
    sent: stats.sent,
    answered: reply.length,
    perSecond: r(reply.length / stats.elapsedS),
    ackP50: r(percentile(ack, 50)),
    ackP99: r(percentile(ack, 99)),
    replyP50: r(percentile(reply, 50)),
    replyP99: r(percentile(reply, 99)),
    replyMax: r(reply[reply.length - 1] ?? NaN),
    resent: stats.resent,
    refused: stats.refused,
    noReplyInTime: stats.noReplyInTime,
    connectErrors: stats.connectErrors,
  };
}

async function main() {
  console.log(`widget load: ${SESSIONS} sessions, ${SECONDS} s, think ${THINK_MS}–${THINK_MS * 1.5} ms, WIDGET_MESSAGES_PER_MINUTE=${PER_MINUTE}, ${os.cpus().length} CPUs`);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'widget-bench-'));
  const platform = await startChild(path.join(__dirname, '../../test/support/childPlatform.ts'), {
    PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '', WIDGET_MESSAGES_PER_MINUTE: String(PER_MINUTE),
  }, /READY (\S+)/);
  let result;
  try {
    await sleep(1000);
    const run = await measured(platform.child.pid!, () => runLoad(platform.url, 'platform'));
    const checks = await verify(dataDir, run.stats.citizens);
    result = { platform: { ...summary(run.stats), rssIdleMb: run.rssIdleMb, rssPeakMb: run.rssPeakMb, rssEndMb: run.rssEndMb, cpuS: Math.round(run.cpuS * 10) / 10, checks } };
  } finally {
    platform.child.kill('SIGTERM');
  }
  if (BASELINE) {
    const echo = await startChild(path.join(__dirname, 'support/widgetEcho.ts'), {}, /READY (\S+)/);
    try {
      await sleep(500);
      const run = await measured(echo.child.pid!, () => runLoad(echo.url, 'baseline'));
      const lost = run.stats.citizens.reduce((s, c) => s + Math.max(0, c.acked.size - c.received.size), 0);
      const twice = run.stats.citizens.reduce((s, c) => s + [...c.received.values()].filter((n) => n > 1).length, 0);
      Object.assign(result, { baseline: { ...summary(run.stats), rssIdleMb: run.rssIdleMb, rssPeakMb: run.rssPeakMb, rssEndMb: run.rssEndMb, cpuS: Math.round(run.cpuS * 10) / 10, lost, twice } });
    } finally {
      echo.child.kill('SIGTERM');
    }
  }
  fs.rmSync(dataDir, { recursive: true, force: true });
  print(result as Record<string, ReturnType<typeof summary> & Record<string, unknown>>);
}

function print(result: Record<string, ReturnType<typeof summary> & Record<string, unknown>>) {
  const p = result.platform;
  const b = result.baseline;
  const checks = p.checks as Awaited<ReturnType<typeof verify>>;
  const row = (name: string, pv: unknown, bv?: unknown, ratio?: boolean) => {
    const x = typeof pv === 'number' && typeof bv === 'number' && bv > 0 && ratio ? `  ×${(pv / bv).toFixed(1)}` : '';
    console.log(`  ${name.padEnd(28)}${String(pv).padStart(10)}${bv === undefined ? '' : String(bv).padStart(12)}${x}`);
  };
  console.log(`\n  ${''.padEnd(28)}${'platform'.padStart(10)}${b ? 'baseline'.padStart(12) : ''}`);
  row('messages sent', p.sent, b?.sent);
  row('answered', p.answered, b?.answered);
  row('answered per second', p.perSecond, b?.perSecond);
  row('ack latency p50 (ms)', p.ackP50, b?.ackP50, true);
  row('ack latency p99 (ms)', p.ackP99, b?.ackP99, true);
  row('reply latency p50 (ms)', p.replyP50, b?.replyP50, true);
  row('reply latency p99 (ms)', p.replyP99, b?.replyP99, true);
  row('reply latency max (ms)', p.replyMax, b?.replyMax);
  row('server RSS idle (MB)', p.rssIdleMb, b?.rssIdleMb, true);
  row('server RSS peak (MB)', p.rssPeakMb, b?.rssPeakMb, true);
  row('server CPU (s)', p.cpuS, b?.cpuS, true);
  row('re-sent (no ack in 10 s)', p.resent, b?.resent);
  row('no reply in 15 s', p.noReplyInTime, b?.noReplyInTime);
  row('refused', JSON.stringify(p.refused), b ? JSON.stringify(b.refused) : undefined);
  console.log('\n  platform checks against its database:');
  console.log(`    acknowledged but not stored (lost):   ${checks.ackedNotStored}`);
  console.log(`    stored twice (duplicated):            ${checks.storedTwice}`);
  console.log(`    replies stored:                       ${checks.repliesStored}`);
  console.log(`    replies never received (lost):        ${checks.repliesNotReceived}`);
  console.log(`    replies received twice (duplicated):  ${checks.repliesReceivedTwice}`);
  console.log(`    received but not stored:              ${checks.receivedUnknown}`);
  console.log(`    outbox rows not sent:                 ${checks.outboxNotSent}`);
  if (b) console.log(`  baseline: lost ${b.lost}, duplicated ${b.twice}`);
  console.log(`\n${JSON.stringify(result)}`);
  const bad = checks.ackedNotStored + checks.storedTwice + checks.repliesNotReceived + checks.repliesReceivedTwice + checks.outboxNotSent;
  process.exitCode = bad ? 1 : 0;
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
