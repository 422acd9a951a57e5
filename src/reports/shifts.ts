/**
 * Operators' shifts kept in the console: who works when (office hours, after hours or custom times), who answers a
 * (0271) 1022 phone line, and the reserve staff on call. "On shift now" and the staffing a level requires are
 * measured against these rows.
 */
import { audit } from '../store/audit';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { ReportsError } from './errors';
import type { LevelRules } from './levelSettings';
import type { Staffing } from './levelRules';
import { addDays, isDate, minutesOf, zonedTime } from './localTime';
import './schema';

export type ShiftKind = 'operator' | 'reserve';
export type ShiftPeriod = 'officeHours' | 'afterHours' | 'custom';

export interface Shift {
  id: string;
  userId: string;
  username: string;
  displayName: string;
  startsAt: string;
  endsAt: string;
  kind: ShiftKind;
  phoneLine: boolean;
  note: string | null;
  createdAt: string;
}

const SHIFT_ROLES = ['operator', 'supervisor'];
const MAX_SHIFT_HOURS = 24;
const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;

export interface ShiftInput {
  userId: unknown;
  date: unknown;
  period: unknown;
  start?: unknown;
  end?: unknown;
  kind?: unknown;
  phoneLine?: unknown;
  note?: unknown;
}

/** Start and end of a shift on a local date: office hours, after hours (until office hours start the next day), or HH:MM–HH:MM. */
export function shiftTimes(date: string, period: ShiftPeriod, rules: Pick<LevelRules, 'officeHours'>, timeZone: string, custom: { start?: string; end?: string } = {}): { startsAt: Date; endsAt: Date } {
  const { start, end } = rules.officeHours;
  if (period === 'officeHours') return { startsAt: zonedTime(date, start, timeZone), endsAt: zonedTime(date, end, timeZone) };
  if (period === 'afterHours') return { startsAt: zonedTime(date, end, timeZone), endsAt: zonedTime(addDays(date, 1), start, timeZone) };
  const s = custom.start ?? '';
  const e = custom.end ?? '';
  if (!HHMM.test(s) || !HHMM.test(e)) throw new ReportsError(400, 'time', 'Giờ bắt đầu và kết thúc phải có dạng HH:MM.');
  const endDate = minutesOf(e) <= minutesOf(s) ? addDays(date, 1) : date;
  return { startsAt: zonedTime(date, s, timeZone), endsAt: zonedTime(endDate, e, timeZone) };
}

export async function addShift(db: Executor, input: ShiftInput, ctx: { rules: Pick<LevelRules, 'officeHours'>; timeZone: string; actorId: string; at: string }): Promise<Shift> {
  const userId = typeof input.userId === 'string' ? input.userId : '';
  if (!isDate(input.date)) throw new ReportsError(400, 'date', 'Ngày trực phải có dạng YYYY-MM-DD.');
  const period = input.period;
  if (period !== 'officeHours' && period !== 'afterHours' && period !== 'custom') throw new ReportsError(400, 'period', 'Ca trực phải là giờ hành chính, ngoài giờ hoặc giờ tự chọn.');
  const kind: ShiftKind = input.kind === 'reserve' ? 'reserve' : input.kind === undefined || input.kind === 'operator' ? 'operator' : ('' as ShiftKind);
  if (!kind) throw new ReportsError(400, 'kind', 'Loại ca phải là trực tổng đài hoặc dự phòng.');
  const note = typeof input.note === 'string' ? input.note.trim().normalize('NFC').slice(0, 200) || null : null;
  const { startsAt, endsAt } = shiftTimes(input.date, period, ctx.rules, ctx.timeZone, { start: input.start as string, end: input.end as string });
  if (endsAt.getTime() - startsAt.getTime() > MAX_SHIFT_HOURS * 3_600_000) throw new ReportsError(400, 'length', `Một ca trực dài tối đa ${MAX_SHIFT_HOURS} giờ.`);

  return db.transaction().execute(async (tx) => {
    const user = await tx.selectFrom('users').select(['id', 'username', 'display_name', 'role', 'disabled']).where('id', '=', userId).executeTakeFirst();
    if (!user || user.disabled) throw new ReportsError(400, 'user', 'Không tìm thấy tài khoản đang hoạt động này.');
    if (!SHIFT_ROLES.includes(user.role)) throw new ReportsError(400, 'role', 'Chỉ xếp ca cho tổng đài viên và giám sát.');
    const overlap = await tx
      .selectFrom('shifts')
      .select('id')
      .where('user_id', '=', userId)
      .where('starts_at', '<', endsAt.toISOString())
      .where('ends_at', '>', startsAt.toISOString())
      .executeTakeFirst();
    if (overlap) throw new ReportsError(409, 'overlap', `${user.display_name} đã có ca trùng thời gian này.`);
    const row = {
      id: newId(),
      user_id: userId,
      starts_at: startsAt.toISOString(),
      ends_at: endsAt.toISOString(),
      kind,
      phone_line: input.phoneLine === true ? 1 : 0,
      note,
      created_by: ctx.actorId,
      created_at: ctx.at,
    };
    await tx.insertInto('shifts').values(row).execute();
    await audit(tx, { actorId: ctx.actorId, action: 'shift.add', targetType: 'user', targetId: userId, detail: { shiftId: row.id, startsAt: row.starts_at, endsAt: row.ends_at, kind, phoneLine: row.phone_line === 1 }, at: ctx.at });
    return { id: row.id, userId, username: user.username, displayName: user.display_name, startsAt: row.starts_at, endsAt: row.ends_at, kind, phoneLine: row.phone_line === 1, note, createdAt: ctx.at };
  });
}

export async function removeShift(db: Executor, id: string, actorId: string, at: string): Promise<void> {
  await db.transaction().execute(async (tx) => {
    const row = await tx.selectFrom('shifts').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ReportsError(404, 'not found', 'Không tìm thấy ca trực.');
    await tx.deleteFrom('shifts').where('id', '=', id).execute();
    await audit(tx, { actorId, action: 'shift.remove', targetType: 'user', targetId: row.user_id, detail: { shiftId: id, startsAt: row.starts_at, endsAt: row.ends_at, kind: row.kind }, at });
  });
}

/** Shifts overlapping [from, to), earliest first. */
export async function listShifts(db: Executor, from: Date, to: Date): Promise<Shift[]> {
  const rows = await db
    .selectFrom('shifts')
    .innerJoin('users', 'users.id', 'shifts.user_id')
    .select(['shifts.id', 'shifts.user_id', 'users.username', 'users.display_name', 'shifts.starts_at', 'shifts.ends_at', 'shifts.kind', 'shifts.phone_line', 'shifts.note', 'shifts.created_at'])
    .where('shifts.starts_at', '<', to.toISOString())
    .where('shifts.ends_at', '>', from.toISOString())
    .orderBy('shifts.starts_at')
    .orderBy('users.display_name')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    userId: r.user_id,
    username: r.username,
    displayName: r.display_name,
    startsAt: r.starts_at,
    endsAt: r.ends_at,
    kind: r.kind as ShiftKind,
    phoneLine: r.phone_line === 1,
    note: r.note,
    createdAt: r.created_at,
  }));
}

export interface StaffingNow extends Staffing {
  /** Operators on shift now (not the reserve). */
  people: Array<{ id: string; displayName: string; phoneLine: boolean }>;
}

/** Who is on shift at `at`: operators, phone lines staffed, reserve on call. */
export async function staffingAt(db: Executor, at: Date): Promise<StaffingNow> {
  const shifts = await listShifts(db, at, new Date(at.getTime() + 1));
  const working = shifts.filter((s) => s.kind === 'operator');
  const people = [...new Map(working.map((s) => [s.userId, { id: s.userId, displayName: s.displayName, phoneLine: s.phoneLine }])).values()];
  return {
    operators: people.length,
    phoneLines: people.filter((p) => p.phoneLine).length,
    reserve: new Set(shifts.filter((s) => s.kind === 'reserve').map((s) => s.userId)).size,
    people,
  };
}

/** Whether shifts are kept at all (before the first one, "on shift" falls back to presence only). */
export async function shiftsInUse(db: Executor): Promise<boolean> {
  return !!(await db.selectFrom('shifts').select('id').limit(1).executeTakeFirst());
}

/**
 * The fewest staff on shift at any moment of [from, to): what a period really had, shift changes included.
 * Several ranges (after hours before and after the office day) give the minimum over all of them.
 */
export async function minStaffing(db: Executor, ranges: Array<{ from: Date; to: Date }>): Promise<Staffing> {
  const result: Staffing = { operators: Infinity, phoneLines: Infinity, reserve: Infinity };
  for (const { from, to } of ranges) {
    if (to <= from) continue;
    const shifts = await listShifts(db, from, to);
    // Staffing changes only at shift boundaries: evaluate at the range start and at every boundary inside it.
    const points = new Set<number>([from.getTime()]);
    for (const s of shifts) {
      for (const t of [Date.parse(s.startsAt), Date.parse(s.endsAt)]) if (t > from.getTime() && t < to.getTime()) points.add(t);
    }
    for (const t of points) {
      const active = shifts.filter((s) => Date.parse(s.startsAt) <= t && Date.parse(s.endsAt) > t);
      const ops = new Map(active.filter((s) => s.kind === 'operator').map((s) => [s.userId, s.phoneLine]));
      result.operators = Math.min(result.operators, ops.size);
      result.phoneLines = Math.min(result.phoneLines, [...ops.values()].filter(Boolean).length);
      result.reserve = Math.min(result.reserve, new Set(active.filter((s) => s.kind === 'reserve').map((s) => s.userId)).size);
    }
  }
  return {
    operators: Number.isFinite(result.operators) ? result.operators : 0,
    phoneLines: Number.isFinite(result.phoneLines) ? result.phoneLines : 0,
    reserve: Number.isFinite(result.reserve) ? result.reserve : 0,
  };
}
