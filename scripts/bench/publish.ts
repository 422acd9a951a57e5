/**
 * Publishing with 5,000 entries: how long until the new index is live, and what the bot's latency does meanwhile,
 * beside a baseline of the same load with no publish running (same process, same run).
 *
 *   npx tsx scripts/bench/publish.ts [--entries 5000] [--publishes 5] [--baseline-seconds 5] [--query-rate 200]
 *                                    [--turn-rate 20] [--pg postgres://…]
 *
 * The platform runs in this process (SQLite by default, PostgreSQL with --pg on an empty database) with the real
 * content workflow: the base is grown to --entries by a CSV import (its preview and apply are timed) and one
 * "publish everything in review" by a second person. Then, --publishes times: an editor changes one entry and sends
 * it for review, a supervisor publishes it, and we time the commit and the moment the bot's index serves the new
 * text. Two steady loads run all along, each request measured from when it was due (so time spent waiting for the
 * event loop, e.g. while an index is being built, counts):
 *   - queries: bot searches (--query-rate per second);
 *   - turns: citizen messages through the whole pipeline: store, bot turn, outbox (--turn-rate per second).
 * With --pg, a second instance on the same database reports when the change is live there too (NOTIFY).
 */
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../../src/config';
import type { KbEntry } from '../../src/domain/kb';
import { entriesToCsv } from '../../src/kb/csv';
import { startPlatform, type Platform } from '../../src/main';
import { foldKey } from '../../src/nlp/normalize';
import { addAccount } from '../../src/web/auth/accounts';
import { percentile } from './support/child';

const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const ENTRIES = Number(option('entries', '5000'));
const PUBLISHES = Number(option('publishes', '5'));
const BASELINE_SECONDS = Number(option('baseline-seconds', '5'));
const PG = option('pg', '');
const QUERY_RATE = Number(option('query-rate', '200'));
const TURN_RATE = Number(option('turn-rate', '20'));
const TOKEN = 'bench-publish-token-0123';
const TRACE = args.includes('--trace');

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function callbackServer(): Promise<{ url: string; close(): void }> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/cb`, close: () => server.close() };
}

async function start(dataDir: string, callback: string): Promise<Platform> {
  const config = loadConfig({
    PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: callback,
    ...(PG && { DATABASE_URL: PG }),
  });
  return startPlatform(config);
}

/** Entries made from the curated ones (their words, answers and sources), each a valid, distinct entry. */
function synthetic(count: number, curated: KbEntry[]): KbEntry[] {
  const words = (s: string) => s.replace(/\?$/, '').split(/\s+/).filter(Boolean);
  const out: KbEntry[] = [];
  for (let i = 0; i < count; i++) {
    const a = curated[i % curated.length];
    const b = curated[(i * 7 + 3) % curated.length];
    const wa = words(a.question);
    const wb = words(b.question);
    const question = `${[...wa.slice(0, Math.ceil(wa.length / 2)), ...wb.slice(Math.floor(wb.length / 2))].join(' ')} (mục ${i + 1})?`;
    out.push({
      id: `bench-${String(i + 1).padStart(5, '0')}`,
      topic: a.topic,
      question,
      alternatives: [foldKey(question), `${b.alternatives[0]} ${i + 1}`],
      keywords: a.keywords,
      answer: `${a.answer} (Tham khảo mục ${i + 1}.)`,
      source: a.source,
      reviewedAt: a.reviewedAt,
    });
  }
  return out;
}

interface Sample {
  at: number;
  ms: number;
}

/**
 * Work started at a steady rate (not waiting for the previous one, as citizens do not wait for each other), each
 * measured from the moment it was due: time spent waiting for a busy event loop counts.
 */
function load(perSecond: number, work: () => Promise<void> | void): { samples: Sample[]; stop(): Promise<void> } {
  const samples: Sample[] = [];
  const pending = new Set<Promise<void>>();
  const period = 1000 / perSecond;
  let next = performance.now();
  let running = true;
  const tick = () => {
    if (!running) return;
    const now = performance.now();
    while (next <= now) {
      const due = next;
      next += period;
      const job = (async () => {
        await work();
        samples.push({ at: due, ms: performance.now() - due });
      })();
      pending.add(job);
      void job.finally(() => pending.delete(job));
    }
    setTimeout(tick, Math.max(0, next - performance.now()));
  };
  tick();
  return {
    samples,
    async stop() {
      running = false;
      await Promise.all(pending);
    },
  };
}

function stats(samples: Sample[], from = -Infinity, to = Infinity): string {
  const ms = samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.ms).sort((a, b) => a - b);
  if (!ms.length) return 'no samples';
  const f = (x: number) => x.toFixed(2);
  return `n=${ms.length} p50=${f(percentile(ms, 50))} p99=${f(percentile(ms, 99))} max=${f(ms[ms.length - 1])} ms`;
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-publish-'));
  const callback = await callbackServer();
  const platform = await start(dataDir, callback.url);
  const other = PG ? await start(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-publish-b-')), callback.url) : undefined;
  const { content, knowledge } = platform;
  const db = platform.store.db;
  const at = new Date().toISOString();
  const editor = await addAccount(db, { username: 'bench-editor', role: 'editor', displayName: 'Biên tập', password: 'bench-password-123' }, null, at);
  const reviewer = await addAccount(db, { username: 'bench-reviewer', role: 'supervisor', displayName: 'Giám sát', password: 'bench-password-123' }, null, at);
  console.log(`database: ${platform.store.dialect}; ${os.cpus().length} CPU; node ${process.version}`);

  // --- grow the base to ENTRIES through the real import and publish
  const curated = [...knowledge.index.current.entries.values()];
  const extra = synthetic(Math.max(0, ENTRIES - curated.length), curated);
  const csv = Buffer.from(entriesToCsv(extra), 'utf8');
  let t = performance.now();
  const jobId = await content.imports.start(csv, 'bench.csv', editor.id);
  let job = await content.imports.get(jobId);
  while (job.status === 'parsing') {
    await sleep(20);
    job = await content.imports.get(jobId);
  }
  if (job.status !== 'previewed') throw new Error(`import refused: ${JSON.stringify(job.errors?.slice(0, 3) ?? job.failure)}`);
  const previewMs = performance.now() - t;
  t = performance.now();
  await content.imports.apply(jobId, { archiveMissing: false }, editor.id);
  while ((job = await content.imports.get(jobId)).status === 'applying') await sleep(20);
  const applyMs = performance.now() - t;
  t = performance.now();
  const bulk = await content.workflow.publish('all-in-review', { id: reviewer.id });
  const bulkCommitMs = performance.now() - t;
  while (knowledge.index.current.entries.size < ENTRIES) await sleep(1);
  const bulkLiveMs = performance.now() - t;
  console.log(`import ${extra.length} rows (CSV ${(csv.length / 1048576).toFixed(1)} MB): preview ${previewMs.toFixed(0)} ms, apply ${applyMs.toFixed(0)} ms`);
  console.log(`publish all ${bulk.published.length} in review: commit ${bulkCommitMs.toFixed(0)} ms, live ${bulkLiveMs.toFixed(0)} ms; base now ${knowledge.index.current.entries.size} entries`);

  // --- the loads
  const questions = curated.map((e) => e.alternatives[e.alternatives.length - 1] ?? e.question);
  let qi = 0;
  const queries = load(QUERY_RATE, () => void knowledge.index.search(questions[qi++ % questions.length]));
  let mi = 0;
  const turns = load(TURN_RATE, async () => {
    const n = mi++;
    await platform.pipeline.receiveAndReply({ channel: 'app', externalId: `bench-${n}`, externalUserId: `citizen-${n % 50}`, text: questions[n % questions.length] });
  });
  // The longest time the event loop did not get round to a 2 ms timer, per phase.
  let stallPhase: 'off' | 'baseline' | 'publish' = 'off';
  const stalls = { baseline: 0, publish: 0 };
  let lastTick = performance.now();
  const stallProbe = setInterval(() => {
    const now = performance.now();
    if (stallPhase !== 'off') stalls[stallPhase] = Math.max(stalls[stallPhase], now - lastTick - 2);
    lastTick = now;
  }, 2);

  await sleep(500); // warm-up
  const baseFrom = performance.now();
  stallPhase = 'baseline';
  await sleep(BASELINE_SECONDS * 1000);
  stallPhase = 'off';
  const baseTo = performance.now();

  // --- publishes of one changed entry
  const windows: Array<{ from: number; to: number }> = [];
  const commits: number[] = [];
  const lives: number[] = [];
  const otherLives: number[] = [];
  const ids = [...knowledge.index.current.entries.keys()];
  for (let r = 0; r < PUBLISHES; r++) {
    const id = ids[(r * 997) % ids.length];
    const detail = await content.detail(id, { id: editor.id });
    const changed = `${detail.entry.answer.replace(/ \(Cập nhật lần \d+\.\)$/, '')} (Cập nhật lần ${r + 1}.)`;
    await content.workflow.save(id, { ...detail.entry, answer: changed } as unknown as Record<string, unknown>, detail.version, { id: editor.id });
    await content.workflow.submit(id, { id: editor.id });
    await sleep(300);
    const before = knowledge.index.current.version;
    const from = performance.now();
    if (TRACE) console.log(`window ${r} start ${process.hrtime.bigint() / 1000n}`);
    stallPhase = 'publish';
      await content.workflow.publish([id], { id: reviewer.id });
    commits.push(performance.now() - from);
    while (knowledge.index.current.version === before || knowledge.index.current.entries.get(id)?.answer !== changed) await sleep(0);
    const to = performance.now();
    lives.push(to - from);
    if (other) {
      while (other.knowledge.index.current.entries.get(id)?.answer !== changed) await sleep(1);
      otherLives.push(performance.now() - from);
    }
      stallPhase = 'off';
    if (TRACE) console.log(`window ${r} end ${process.hrtime.bigint() / 1000n}`);
    windows.push({ from, to });
    await sleep(300);
  }
  await queries.stop();
  await turns.stop();

  const during = (samples: Sample[]) => samples.filter((s) => windows.some((w) => s.at >= w.from && s.at <= w.to));
  const f = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return `median ${percentile(s, 50).toFixed(0)} ms, max ${s[s.length - 1].toFixed(0)} ms`;
  };
  console.log(`\npublish one changed entry (${PUBLISHES} times) with ${knowledge.index.current.entries.size} entries:`);
  console.log(`  commit (validate the whole base, write, raise kb.published): ${f(commits)}`);
  console.log(`  new index live on this instance:                             ${f(lives)}`);
  if (other) console.log(`  new index live on a second instance (PostgreSQL NOTIFY):    ${f(otherLives)}`);
  console.log('\nbot search latency (from due to answered):');
  console.log(`  baseline, no publish (${BASELINE_SECONDS} s): ${stats(queries.samples, baseFrom, baseTo)}`);
  console.log(`  during the publishes:        ${stats(during(queries.samples))}`);
  console.log('bot turn latency through the pipeline (store, bot, outbox):');
  console.log(`  baseline, no publish:        ${stats(turns.samples, baseFrom, baseTo)}`);
  console.log(`  during the publishes:        ${stats(during(turns.samples))}`);
  console.log(`longest event-loop stall: baseline ${stalls.baseline.toFixed(0)} ms, during the publishes ${stalls.publish.toFixed(0)} ms`);
  clearInterval(stallProbe);

  await other?.stop();
  await platform.stop();
  callback.close();
  if (!PG) fs.rmSync(dataDir, { recursive: true, force: true });
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
