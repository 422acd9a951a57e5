/**
 * The figures of the daily report for one local day (00:00–24:00 in TIMEZONE): requests by channel, hour, kind and
 * topic; how each was handled (exclusive, so they add up: handed to an agency — a forwarded question or an urgent
 * case the health agency was told of — else answered by an operator, else by the bot, else unanswered); forwarded questions with their status and the overdue ones; urgent and
 * emergency cases with their times to acknowledge and to hand over; the level reached and staffing against its
 * requirement; the previous day and the last 7 days. A handful of indexed queries, whatever the day's volume.
 */
import '../cases/schema';
import '../declarations/schema';
import type { Executor } from '../store/executor';
import { countRequests, localHourOf, requestBuckets } from './counting';
import { levelByNumber, levelFor, meets, requirementOf, staffingGap, type Period, type Staffing, type StaffingGap, type StaffingRequirement } from './levelRules';
import type { LevelRules } from './levelSettings';
import { addDays, dayRange, zonedTime } from './localTime';
import './schema';
import { minStaffing } from './shifts';
import { OTHER_TOPIC } from './topics';

export type Handling = 'forwarded' | 'operator' | 'bot' | 'unanswered';

export interface ForwardRow {
  code: string;
  agency: string;
  createdAt: string;
  dueAt: string | null;
  answeredAt: string | null;
  status: string;
  overdue: boolean;
}

export interface UrgentRow {
  code: string;
  level: 'urgent' | 'emergency';
  channel: string | null;
  createdAt: string;
  acknowledgedAt: string | null;
  ackMinutes: number | null;
  notifiedAt: string | null;
  handoverMinutes: number | null;
  agency: string;
  status: string;
  lateAck: boolean;
}

export interface UnansweredRow {
  conversationId: string;
  channel: string;
  receivedAt: string;
  state: string;
}

export interface StaffingRow {
  period: Period;
  required: StaffingRequirement;
  actual: Staffing;
  gap: StaffingGap;
  ok: boolean;
}

export interface DailyReportData {
  day: string;
  timeZone: string;
  generatedAt: string;
  total: number;
  byHour: number[];
  byChannel: Array<{ channel: string; count: number; byHour: number[] }>;
  byKind: Record<string, number>;
  byTopic: Array<{ topic: string; count: number }>;
  handling: Record<Handling, number>;
  forwarded: ForwardRow[];
  overdueForwards: ForwardRow[];
  urgent: {
    cases: UrgentRow[];
    urgent: number;
    emergency: number;
    avgAckMinutes: number | null;
    avgHandoverMinutes: number | null;
    lateAcks: number;
    ackSlaMinutes: number;
  };
  unanswered: { count: number; rows: UnansweredRow[] };
  level: { reached: number; name: string; notices: Array<{ at: string; kind: string; level: number; count24h: number; projected: number | null }> };
  staffing: StaffingRow[];
  comparison: { previous: number; avg7: number; days: Array<{ day: string; count: number }> };
}

export interface ReportContext {
  db: Executor;
  rules: LevelRules;
  timeZone: string;
  /** When the report is made (overdue forwards are judged at this time). */
  now: Date;
  ackSlaMinutes: number;
  agencyName(id: string | null): string;
}

const CONVERSATION_KINDS = new Set(['new_conversation', 'reopened', 'email_thread', 'voice_call']);
const UNANSWERED_ROWS = 500;

const minutesBetween = (from: string, to: string | null): number | null => (to ? Math.max(0, Math.round((Date.parse(to) - Date.parse(from)) / 6000) / 10) : null);
const average = (values: Array<number | null>): number | null => {
  const v = values.filter((x): x is number => x !== null);
  return v.length ? Math.round((v.reduce((a, b) => a + b, 0) / v.length) * 10) / 10 : null;
};

export async function collectDailyReport(ctx: ReportContext, day: string): Promise<DailyReportData> {
  const { db, rules, timeZone } = ctx;
  const kinds = rules.counting.kinds;
  const { start, end } = dayRange(day, timeZone);
  const from = start.toISOString();
  const to = end.toISOString();

  // --- received: by hour, channel, kind
  const buckets = await requestBuckets(db, kinds, start, end);
  const byHour = new Array<number>(24).fill(0);
  const channels = new Map<string, number[]>();
  const byKind: Record<string, number> = {};
  for (const b of buckets) {
    const hour = localHourOf(b.minute, timeZone);
    byHour[hour] += b.n;
    const row = channels.get(b.channel) ?? channels.set(b.channel, new Array<number>(24).fill(0)).get(b.channel)!;
    row[hour] += b.n;
    byKind[b.kind] = (byKind[b.kind] ?? 0) + b.n;
  }
  const total = byHour.reduce((a, b) => a + b, 0);
  const byChannel = [...channels.entries()]
    .map(([channel, hours]) => ({ channel, count: hours.reduce((a, b) => a + b, 0), byHour: hours }))
    .sort((a, b) => b.count - a.count || a.channel.localeCompare(b.channel));

  // --- each request of the day with what became of its conversation
  const requests = await db
    .selectFrom('requests')
    .leftJoin('conversations', 'conversations.id', 'requests.conversation_id')
    .select(['requests.id', 'requests.kind', 'requests.channel', 'requests.topic', 'requests.conversation_id', 'requests.at', 'conversations.state'])
    .where('requests.at', '>=', from)
    .where('requests.at', '<', to)
    .where('requests.kind', 'in', [...kinds])
    .execute();
  const dayConversations = (qb: Executor) =>
    qb.selectFrom('requests').select('requests.conversation_id').where('requests.at', '>=', from).where('requests.at', '<', to).where('requests.conversation_id', 'is not', null);

  const [operatorRows, botRows, declarationRows, forwardRows, topicRows, phoneRows] = await Promise.all([
    db
      .selectFrom('messages')
      .select('conversation_id')
      .distinct()
      .where('conversation_id', 'in', dayConversations(db))
      .where('direction', '=', 'out')
      .where('author', '=', 'operator')
      .where('internal', '=', 0)
      .execute(),
    // Answers, declarations and cases of the day's conversations come after the day began: bounding the time lets the
    // time indexes narrow the search (without statistics SQLite would otherwise scan every answer ever given).
    db.selectFrom('kb_answers').select('conversation_id').distinct().where('conversation_id', 'in', dayConversations(db)).where('decision', '=', 'answer').where('at', '>=', from).execute(),
    db.selectFrom('declarations').select('conversation_id').distinct().where('conversation_id', 'in', dayConversations(db)).where('created_at', '>=', from).execute(),
    // Handed to an agency: a forwarded question, or an urgent case the health agency was told of.
    db
      .selectFrom('cases')
      .select('conversation_id')
      .distinct()
      .where('conversation_id', 'in', dayConversations(db))
      .where((eb) => eb.or([eb('kind', '=', 'forward'), eb.and([eb('kind', '=', 'urgent'), eb('notified_at', 'is not', null)])]))
      .where('created_at', '>=', from)
      .execute(),
    db
      .selectFrom('kb_answers')
      .innerJoin('kb_entries', 'kb_entries.id', 'kb_answers.entry_id')
      .select(['kb_answers.conversation_id', 'kb_entries.topic', 'kb_answers.at'])
      .where('kb_answers.conversation_id', 'in', dayConversations(db))
      .where('kb_answers.decision', '=', 'answer')
      .where('kb_answers.at', '>=', from)
      .orderBy('kb_answers.at')
      .execute(),
    db.selectFrom('phone_calls').select(['conversation_id', 'outcome']).where('at', '>=', from).where('at', '<', to).execute(),
  ]);
  const setOf = (rows: Array<{ conversation_id: string | null }>) => new Set(rows.map((r) => r.conversation_id).filter((x): x is string => !!x));
  const byOperator = setOf(operatorRows);
  const byBot = setOf(botRows);
  const withDeclaration = setOf(declarationRows);
  const forwardedConv = setOf(forwardRows);
  const firstTopic = new Map<string, string>();
  for (const r of topicRows) if (r.conversation_id && !firstTopic.has(r.conversation_id)) firstTopic.set(r.conversation_id, r.topic);
  const phoneOutcome = new Map(phoneRows.map((r) => [r.conversation_id, r.outcome]));

  const handling: Record<Handling, number> = { forwarded: 0, operator: 0, bot: 0, unanswered: 0 };
  const topicCounts = new Map<string, number>();
  const unanswered: UnansweredRow[] = [];
  for (const r of requests) {
    const conv = r.conversation_id;
    let how: Handling;
    if (r.kind === 'phone_call') {
      const outcome = conv ? phoneOutcome.get(conv) : undefined;
      how = conv && forwardedConv.has(conv) ? 'forwarded' : outcome === 'answered' || outcome === 'transferred' ? 'operator' : 'unanswered';
    } else if (r.kind === 'declaration') {
      how = 'bot';
    } else if (conv && forwardedConv.has(conv)) how = 'forwarded';
    else if (conv && byOperator.has(conv)) how = 'operator';
    else if (conv && (byBot.has(conv) || withDeclaration.has(conv))) how = 'bot';
    else how = 'unanswered';
    handling[how]++;
    if (how === 'unanswered' && (CONVERSATION_KINDS.has(r.kind) || r.kind === 'phone_call')) {
      unanswered.push({ conversationId: conv ?? r.id, channel: r.channel, receivedAt: r.at, state: r.state ?? 'closed' });
    }
    const topic = r.topic ?? (r.kind === 'declaration' || (conv && withDeclaration.has(conv) && !firstTopic.has(conv)) ? 'khai-bao-y-te' : conv ? firstTopic.get(conv) : undefined) ?? OTHER_TOPIC;
    topicCounts.set(topic, (topicCounts.get(topic) ?? 0) + 1);
  }
  unanswered.sort((a, b) => a.receivedAt.localeCompare(b.receivedAt));
  const byTopic = [...topicCounts.entries()].map(([topic, count]) => ({ topic, count })).sort((a, b) => b.count - a.count || a.topic.localeCompare(b.topic));

  // --- cases
  const nowIso = ctx.now.toISOString();
  const forwardOf = (c: { code: string | null; id: string; agency_id: string | null; created_at: string; due_at: string | null; answered_at: string | null; status: string; closed_at: string | null }): ForwardRow => ({
    code: c.code ?? c.id.slice(-8).toUpperCase(),
    agency: ctx.agencyName(c.agency_id),
    createdAt: c.created_at,
    dueAt: c.due_at,
    answeredAt: c.answered_at,
    status: c.status,
    overdue: !!c.due_at && !c.closed_at && (c.answered_at ?? nowIso) > c.due_at,
  });
  const caseColumns = ['id', 'code', 'kind', 'level', 'status', 'channel', 'agency_id', 'created_at', 'due_at', 'answered_at', 'acknowledged_at', 'notified_at', 'closed_at'] as const;
  const [dayCases, overdueRows] = await Promise.all([
    db.selectFrom('cases').select([...caseColumns]).where('created_at', '>=', from).where('created_at', '<', to).orderBy('created_at').execute(),
    db
      .selectFrom('cases')
      .select([...caseColumns])
      .where('kind', '=', 'forward')
      .where('closed_at', 'is', null)
      .where('answered_at', 'is', null)
      .where('due_at', '<', nowIso)
      .orderBy('due_at')
      .execute(),
  ]);
  const forwarded = dayCases.filter((c) => c.kind === 'forward').map(forwardOf);
  const urgentCases: UrgentRow[] = dayCases
    .filter((c) => c.kind === 'urgent' && (c.level === 'urgent' || c.level === 'emergency'))
    .map((c) => {
      const ackMinutes = minutesBetween(c.created_at, c.acknowledged_at);
      return {
        code: c.code ?? c.id.slice(-8).toUpperCase(),
        level: c.level as 'urgent' | 'emergency',
        channel: c.channel,
        createdAt: c.created_at,
        acknowledgedAt: c.acknowledged_at,
        ackMinutes,
        notifiedAt: c.notified_at,
        handoverMinutes: minutesBetween(c.created_at, c.notified_at),
        agency: ctx.agencyName(c.agency_id),
        status: c.status,
        lateAck: ackMinutes === null ? (Date.parse(nowIso) - Date.parse(c.created_at)) / 60_000 > ctx.ackSlaMinutes : ackMinutes > ctx.ackSlaMinutes,
      };
    });

  // --- level and staffing
  const reached = levelFor(total, rules.levels);
  const notices = await db.selectFrom('level_notices').select(['at', 'kind', 'level', 'count_24h', 'projected']).where('day', '=', day).orderBy('at').execute();
  const officeDay = rules.officeHours.days.includes(((new Date(`${day}T12:00:00Z`).getUTCDay() + 6) % 7) + 1);
  const officeStart = zonedTime(day, rules.officeHours.start, timeZone);
  const officeEnd = zonedTime(day, rules.officeHours.end, timeZone);
  const periods: Array<{ period: Period; ranges: Array<{ from: Date; to: Date }> }> = officeDay
    ? [
        { period: 'officeHours', ranges: [{ from: officeStart, to: officeEnd }] },
        { period: 'afterHours', ranges: [{ from: start, to: officeStart }, { from: officeEnd, to: end }] },
      ]
    : [{ period: 'afterHours', ranges: [{ from: start, to: end }] }];
  const staffing: StaffingRow[] = [];
  for (const p of periods) {
    const actual = await minStaffing(db, p.ranges);
    const required = requirementOf(levelByNumber(rules.levels, reached.level), p.period);
    const gap = staffingGap(required, actual);
    staffing.push({ period: p.period, required, actual, gap, ok: meets(gap) });
  }

  // --- comparison
  const days: Array<{ day: string; count: number }> = [];
  for (let i = 7; i >= 1; i--) {
    const d = addDays(day, -i);
    const r = dayRange(d, timeZone);
    days.push({ day: d, count: await countRequests(db, kinds, r.start, r.end) });
  }
  const previous = days[days.length - 1].count;
  const avg7 = Math.round((days.reduce((a, b) => a + b.count, 0) / days.length) * 10) / 10;

  return {
    day,
    timeZone,
    generatedAt: nowIso,
    total,
    byHour,
    byChannel,
    byKind,
    byTopic,
    handling,
    forwarded,
    overdueForwards: overdueRows.map(forwardOf),
    urgent: {
      cases: urgentCases,
      urgent: urgentCases.filter((c) => c.level === 'urgent').length,
      emergency: urgentCases.filter((c) => c.level === 'emergency').length,
      avgAckMinutes: average(urgentCases.map((c) => c.ackMinutes)),
      avgHandoverMinutes: average(urgentCases.map((c) => c.handoverMinutes)),
      lateAcks: urgentCases.filter((c) => c.lateAck).length,
      ackSlaMinutes: ctx.ackSlaMinutes,
    },
    unanswered: { count: unanswered.length, rows: unanswered.slice(0, UNANSWERED_ROWS) },
    level: { reached: reached.level, name: reached.name, notices: notices.map((n) => ({ at: n.at, kind: n.kind, level: n.level, count24h: n.count_24h, projected: n.projected })) },
    staffing,
    comparison: { previous, avg7, days },
  };
}

/** "+12,5%" / "−3%" / "—" (no base). */
export function changeText(now: number, before: number): string {
  if (!before) return '—';
  const pct = Math.round(((now - before) / before) * 1000) / 10;
  return `${pct > 0 ? '+' : pct < 0 ? '−' : ''}${Math.abs(pct).toLocaleString('vi-VN')}%`;
}
