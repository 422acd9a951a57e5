/**
 * Counting requests (tin) by the counting rule: totals over a time range, and per-minute buckets that the caller
 * turns into local hours (one GROUP BY over the indexed `at` column, the same SQL on SQLite and PostgreSQL).
 */
import { sql } from 'kysely';
import type { Executor } from '../store/executor';
import { offsetMinutes } from './localTime';

export async function countRequests(db: Executor, kinds: readonly string[], from: Date, to: Date): Promise<number> {
  if (!kinds.length) return 0;
  const row = await db
    .selectFrom('requests')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('at', '>=', from.toISOString())
    .where('at', '<', to.toISOString())
    .where('kind', 'in', [...kinds])
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

export interface RequestBucket {
  /** UTC minute "YYYY-MM-DDTHH:MM". */
  minute: string;
  channel: string;
  kind: string;
  n: number;
}

/** Counts per UTC minute, channel and kind (at most one row per request; usually far fewer). */
export async function requestBuckets(db: Executor, kinds: readonly string[], from: Date, to: Date): Promise<RequestBucket[]> {
  if (!kinds.length) return [];
  const minute = sql<string>`substr(at, 1, 16)`;
  const rows = await db
    .selectFrom('requests')
    .select([minute.as('minute'), 'channel', 'kind', (eb) => eb.fn.countAll<number>().as('n')])
    .where('at', '>=', from.toISOString())
    .where('at', '<', to.toISOString())
    .where('kind', 'in', [...kinds])
    .groupBy([minute, 'channel', 'kind'])
    .execute();
  return rows.map((r) => ({ minute: r.minute, channel: r.channel, kind: r.kind, n: Number(r.n) }));
}

// Offsets by zone and UTC hour: Intl is slow enough to matter over thousands of buckets, and offsets change on hours.
const offsetCache = new Map<string, number>();

/** The local hour (0–23) of a UTC minute bucket "YYYY-MM-DDTHH:MM". */
export function localHourOf(minute: string, timeZone: string): number {
  const key = `${timeZone}|${minute.slice(0, 13)}`;
  let offset = offsetCache.get(key);
  if (offset === undefined) {
    if (offsetCache.size > 10_000) offsetCache.clear();
    offset = offsetMinutes(new Date(`${minute.slice(0, 13)}:00:00.000Z`), timeZone);
    offsetCache.set(key, offset);
  }
  const utc = Number(minute.slice(11, 13)) * 60 + Number(minute.slice(14, 16));
  return Math.floor((((utc + offset) % 1440) + 1440) % 1440 / 60);
}

/** Requests per local hour over a span of days (the usual hourly profile), one GROUP BY on the UTC time of day. */
export async function countsByLocalHour(db: Executor, kinds: readonly string[], from: Date, to: Date, timeZone: string): Promise<number[]> {
  const hours = new Array<number>(24).fill(0);
  if (!kinds.length) return hours;
  const timeOfDay = sql<string>`substr(at, 12, 5)`;
  const rows = await db
    .selectFrom('requests')
    .select([timeOfDay.as('t'), (eb) => eb.fn.countAll<number>().as('n')])
    .where('at', '>=', from.toISOString())
    .where('at', '<', to.toISOString())
    .where('kind', 'in', [...kinds])
    .groupBy(timeOfDay)
    .execute();
  const offset = offsetMinutes(to, timeZone);
  for (const r of rows) {
    const [h, m] = r.t.split(':').map(Number);
    const local = (((h * 60 + m + offset) % 1440) + 1440) % 1440;
    hours[Math.floor(local / 60)] += Number(r.n);
  }
  return hours;
}
