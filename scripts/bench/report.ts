/**
 * Daily report benchmark: a store holding 30 days of 5,000 requests a day (with their conversations, messages, bot
 * answers, operator replies, phone calls, declarations and cases), then the report of one busy day: time and memory
 * of collecting the figures, writing the XLSX and the PDF, beside a baseline in the same run — a plain
 * COUNT(*) … GROUP BY over the same day's requests.
 *
 *   npx tsx scripts/bench/report.ts [--days 30] [--per-day 5000] [--runs 5] [--pg postgres://…]
 *
 * SQLite by default (a fresh file in a temporary folder); --pg uses a fresh database made on that server.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { Client } from 'pg';
import { standaloneReports } from '../../src/reports';
import { collectDailyReport } from '../../src/reports/dailyReport';
import { reportLabels } from '../../src/reports/labels';
import { loadLevelsFile } from '../../src/reports/levelSettings';
import { addDays, dayRange } from '../../src/reports/localTime';
import { reportToPdf } from '../../src/reports/pdf';
import { loadTopics } from '../../src/reports/topics';
import { reportToXlsx } from '../../src/reports/xlsx';
import '../../src/reports/schema';
import '../../src/declarations/schema';
import '../../src/cases/schema';
import { ManualClock } from '../../src/store/clock';
import { migrate, openDatabase, type DbHandle } from '../../src/store/db';
import { newId } from '../../src/store/ids';

const args = process.argv.slice(2);
const option = (name: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const DAYS = Number(option('days') ?? 30);
const PER_DAY = Number(option('per-day') ?? 5000);
const RUNS = Number(option('runs') ?? 5);
const PG = option('pg');
const TZ = 'Asia/Ho_Chi_Minh';
const KB_DIR = path.resolve(__dirname, '../../knowledge-base');
const LAST_DAY = '2021-08-31';
const CHANNELS = ['zalo', 'messenger', 'webchat', 'app', 'email', 'voichat'];
const TOPICS = ['tiem-chung', 'xet-nghiem', 'cach-ly', 'di-lai', 'f0-tai-nha', 'trieu-chung', 'ho-tro'];
// Usual shape of a day (share per local hour), so the data looks like a hotline's.
const PROFILE = [1, 0.6, 0.4, 0.4, 0.5, 1, 2, 4, 7, 8, 8, 7, 5, 5, 7, 7, 6, 5, 4, 4, 3, 3, 2, 1.5];

async function insertChunked<T extends Record<string, unknown>>(handle: DbHandle, table: string, rows: T[]): Promise<void> {
  const size = Math.floor(30_000 / Math.max(1, Object.keys(rows[0] ?? { a: 1 }).length)); // stay under bind-parameter limits
  for (let i = 0; i < rows.length; i += size) await handle.db.insertInto(table as never).values(rows.slice(i, i + size) as never).execute();
}

/** One day of traffic: 5,000 requests, 94 % conversations (60 % answered by the bot, 20 % by operators), 5 % calls, 1 % declarations. */
async function seedDay(handle: DbHandle, day: string, perDay: number, users: string[], kbEntries: Array<{ id: string }>): Promise<void> {
  const { start } = dayRange(day, TZ);
  const weights = PROFILE.reduce((a, b) => a + b, 0);
  const conversations: Record<string, unknown>[] = [];
  const requests: Record<string, unknown>[] = [];
  const messages: Record<string, unknown>[] = [];
  const answers: Record<string, unknown>[] = [];
  const calls: Record<string, unknown>[] = [];
  const cases: Record<string, unknown>[] = [];
  const declarations: Record<string, unknown>[] = [];
  const contact = users[0];
  let i = 0;
  for (let hour = 0; hour < 24; hour++) {
    const n = Math.round((PROFILE[hour] / weights) * perDay);
    for (let k = 0; k < n; k++, i++) {
      const at = new Date(start.getTime() + hour * 3_600_000 + Math.floor((k / n) * 3_600_000)).toISOString();
      const conversationId = newId();
      const phone = i % 20 === 0;
      const channel = phone ? 'phone' : CHANNELS[i % CHANNELS.length];
      const state = i % 50 === 0 ? 'queued' : 'closed';
      conversations.push({ id: conversationId, contact_id: contact, channel, external_user_id: `u${i}`, external_thread_id: `${day}-${i}`, state, assignee_id: null, priority: 0, urgency: 'none', tags: '[]', subject: null, created_at: at, updated_at: at, last_message_at: at, last_citizen_message_at: at, queued_at: state === 'queued' ? at : null, closed_at: state === 'closed' ? at : null, close_reason: null });
      requests.push({ id: newId(), channel, kind: phone ? 'phone_call' : i % 100 === 1 ? 'declaration' : channel === 'email' ? 'email_thread' : channel === 'voichat' ? 'voice_call' : 'new_conversation', conversation_id: conversationId, topic: phone ? TOPICS[i % TOPICS.length] : null, at });
      messages.push({ id: newId(), conversation_id: conversationId, channel, direction: 'in', author: 'citizen', author_id: null, author_name: null, text: 'Cho em hỏi lịch tiêm vắc xin mũi 2 ạ', choice: null, attachments: '[]', quick_replies: '[]', external_id: `${day}-${i}`, status: 'received', status_reason: null, internal: 0, urgency: 'none', symptoms: '[]', meta: '{}', created_at: at, processed_at: at });
      if (phone) {
        calls.push({ id: newId(), at, operator_id: users[i % users.length], caller_number: `09${String(i).padStart(8, '0')}`, topic: TOPICS[i % TOPICS.length], urgency: 'none', note: '', outcome: i % 3 ? 'answered' : 'dropped', conversation_id: conversationId, case_id: null });
      } else if (i % 10 < 6) {
        answers.push({ id: newId(), entry_id: kbEntries[i % kbEntries.length].id, conversation_id: conversationId, channel, decision: 'answer', confidence: 0.8, question: 'câu hỏi', matches: '[]', at });
        messages.push({ id: newId(), conversation_id: conversationId, channel, direction: 'out', author: 'bot', author_id: null, author_name: null, text: 'Dạ, …', choice: null, attachments: '[]', quick_replies: '[]', external_id: null, status: 'sent', status_reason: null, internal: 0, urgency: 'none', symptoms: '[]', meta: '{}', created_at: at, processed_at: at });
      } else if (i % 10 < 8) {
        messages.push({ id: newId(), conversation_id: conversationId, channel, direction: 'out', author: 'operator', author_id: users[i % users.length], author_name: 'Tổng đài viên', text: 'Dạ, …', choice: null, attachments: '[]', quick_replies: '[]', external_id: null, status: 'sent', status_reason: null, internal: 0, urgency: 'none', symptoms: '[]', meta: '{}', created_at: at, processed_at: at });
      }
      if (i % 100 === 1) declarations.push({ id: newId(), contact_id: contact, conversation_id: conversationId, channel, full_name: null, birth_year: null, phone: null, district: null, commune: null, address: null, symptoms: '[]', contact_with_f0: 0, travel_14_days: null, created_at: at, raw: '{}' });
      if (i % 250 === 7 || i % 250 === 9) {
        const urgent = i % 250 === 7;
        cases.push({ id: newId(), kind: urgent ? 'urgent' : 'forward', code: `${urgent ? 'KC' : 'CT'}-${day.replace(/-/g, '')}-${i}`, conversation_id: conversationId, contact_id: contact, channel, level: urgent ? 'urgent' : 'none', status: urgent ? 'acknowledged' : 'forwarded', agency_id: 'so-y-te', symptoms: '[]', details: '{}', question: urgent ? null : 'câu hỏi', answer: null, due_at: new Date(Date.parse(at) + (urgent ? 15 : 24 * 60) * 60_000).toISOString(), acknowledged_at: urgent ? new Date(Date.parse(at) + 240_000).toISOString() : null, acknowledged_by: urgent ? users[0] : null, escalated_at: null, created_at: at, updated_at: at, closed_at: null, notified_at: urgent ? at : null, share_contact: 0 });
      }
    }
  }
  await handle.db.transaction().execute(async (tx) => {
    const h = { ...handle, db: tx };
    await insertChunked(h, 'conversations', conversations);
    await insertChunked(h, 'requests', requests);
    await insertChunked(h, 'messages', messages);
    if (answers.length) await insertChunked(h, 'kb_answers', answers);
    if (calls.length) await insertChunked(h, 'phone_calls', calls);
    if (cases.length) await insertChunked(h, 'cases', cases);
    if (declarations.length) await insertChunked(h, 'declarations', declarations);
  });
}

const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Time (ms) and the peak RSS growth seen while `fn` runs (sampled every 5 ms). */
async function measure<T>(fn: () => Promise<T>): Promise<{ ms: number; peakRssDelta: number; heapDelta: number; value: T }> {
  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  const t0 = performance.now();
  const value = await fn();
  const ms = performance.now() - t0;
  clearInterval(sampler);
  const after = process.memoryUsage();
  peak = Math.max(peak, after.rss);
  return { ms, peakRssDelta: peak - before.rss, heapDelta: after.heapUsed - before.heapUsed, value };
}

async function main(): Promise<void> {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  if (PG) {
    const name = `bench_report_${Date.now().toString(36)}`;
    const admin = new Client({ connectionString: PG });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(PG);
    url.pathname = `/${name}`;
    handle = openDatabase({ databaseUrl: url.toString(), dataDir: os.tmpdir() });
    cleanup = async () => {
      await handle.close();
      const c = new Client({ connectionString: PG });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-report-'));
    handle = openDatabase({ dataDir: dir });
    cleanup = async () => {
      await handle.close();
      fs.rmSync(dir, { recursive: true, force: true });
    };
  }
  try {
    await migrate(handle.db);
    const now = new Date().toISOString();
    const users: string[] = [];
    for (let u = 0; u < 12; u++) {
      const id = newId();
      users.push(id);
      await handle.db.insertInto('users').values({ id, username: `op${u}`, display_name: `Tổng đài viên ${u}`, role: 'operator', email: null, password_hash: 'x', failed_logins: 0, locked_until: null, session_version: 0, presence: 'offline', disabled: 0, created_at: now }).execute();
    }
    await handle.db.insertInto('contacts').values({ id: users[0], name: null, phone: null, email: null, created_at: now, updated_at: now }).execute();
    const kbEntries = TOPICS.flatMap((t) => Array.from({ length: 10 }, (_, k) => ({ id: `${t}-${String(k + 1).padStart(3, '0')}`, topic: t })));
    for (const e of kbEntries) await handle.db.insertInto('kb_entries').values({ id: e.id, topic: e.topic, status: 'published', data: '{}', version: 1, reviewed_at: null, updated_at: now, updated_by: null }).execute();
    // Shifts: 6 operators in office hours, 2 after hours, every day.
    for (let d = 0; d < DAYS; d++) {
      const day = addDays(LAST_DAY, -d);
      const { start } = dayRange(day, TZ);
      for (let u = 0; u < 8; u++) {
        const office = u < 6;
        const s = new Date(start.getTime() + (office ? 7 : 17) * 3_600_000);
        const e = new Date(s.getTime() + (office ? 10 : 14) * 3_600_000);
        await handle.db.insertInto('shifts').values({ id: newId(), user_id: users[u], starts_at: s.toISOString(), ends_at: e.toISOString(), kind: 'operator', phone_line: u % 2, note: null, created_by: null, created_at: now }).execute();
      }
    }

    console.log(`Seeding ${DAYS} days × ${PER_DAY} requests on ${handle.dialect}…`);
    const seedStart = performance.now();
    for (let d = DAYS - 1; d >= 0; d--) await seedDay(handle, addDays(LAST_DAY, -d), PER_DAY, users, kbEntries);
    if (handle.dialect === 'postgres') await sql`ANALYZE`.execute(handle.db);
    const counts = await handle.db.selectFrom('requests').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    const messages = await handle.db.selectFrom('messages').select(sql<number>`count(*)`.as('n')).executeTakeFirstOrThrow();
    console.log(`  ${Number(counts.n).toLocaleString('en')} requests, ${Number(messages.n).toLocaleString('en')} messages in ${((performance.now() - seedStart) / 1000).toFixed(1)} s`);

    const day = addDays(LAST_DAY, -1);
    const { start, end } = dayRange(day, TZ);
    const file = loadLevelsFile(path.join(KB_DIR, 'levels.yaml'));
    const labels = reportLabels(file.texts, loadTopics(KB_DIR, file.texts('report.topic.other')), TZ);
    const clock = new ManualClock(new Date(end.getTime() + 10.5 * 3_600_000));
    const ctx = { db: handle.db, rules: file.rules, timeZone: TZ, now: clock.now(), ackSlaMinutes: 15, agencyName: (id: string | null) => id ?? '—' };
    const service = standaloneReports({ db: handle.db, clock, kbDir: KB_DIR, timeZone: TZ, ackSlaMinutes: 15, agencyName: (id) => id ?? '—' });

    const baseline = async () =>
      handle.db
        .selectFrom('requests')
        .select([sql<string>`substr(at, 1, 13)`.as('h'), 'channel', sql<number>`count(*)`.as('n')])
        .where('at', '>=', start.toISOString())
        .where('at', '<', end.toISOString())
        .groupBy([sql`substr(at, 1, 13)`, 'channel'])
        .execute();
    // Warm-up (JIT, caches, the font file), then measured runs.
    await baseline();
    await service.build(day);

    const results: Record<string, Array<{ ms: number; peakRssDelta: number; heapDelta: number }>> = { baseline: [], collect: [], xlsx: [], pdf: [], total: [] };
    let total = 0;
    for (let r = 0; r < RUNS; r++) {
      results.baseline.push(await measure(baseline));
      const collected = await measure(() => collectDailyReport(ctx, day));
      results.collect.push(collected);
      total = collected.value.total;
      results.xlsx.push(await measure(() => reportToXlsx(collected.value, labels)));
      results.pdf.push(await measure(() => reportToPdf(collected.value, labels)));
      results.total.push(await measure(() => service.build(day)));
    }
    console.log(`\nReport of ${day} (${total.toLocaleString('en')} requests that day; ${RUNS} runs, median; node ${process.version}, ${handle.dialect})`);
    console.log('step                          time      peak RSS growth   heap growth');
    const names: Record<string, string> = { baseline: 'baseline COUNT(*) GROUP BY', collect: 'collect figures (SQL)', xlsx: 'write XLSX (exceljs)', pdf: 'write PDF (pdfkit)', total: 'whole report (all three)' };
    for (const [key, runs] of Object.entries(results)) {
      console.log(`${names[key].padEnd(28)} ${`${median(runs.map((x) => x.ms)).toFixed(1)} ms`.padStart(10)} ${mb(median(runs.map((x) => x.peakRssDelta))).padStart(14)} ${mb(median(runs.map((x) => x.heapDelta))).padStart(13)}`);
    }
    console.log(`process RSS at the end: ${mb(process.memoryUsage().rss)}`);
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
