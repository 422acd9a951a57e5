/** Pure rules of the intake levels: which level a count is, office hours or not, and staffing against requirement. */
import type { Level, LevelRules, PeriodStaffing } from './levelSettings';
import { localParts, minutesOf } from './localTime';

export type Period = 'officeHours' | 'afterHours';

/** The level whose range holds `count` (a level applies above its threshold: 200 is level 1, 201 level 2). */
export function levelFor(count: number, levels: Level[]): Level {
  let found = levels[0];
  for (const l of levels) if (count > l.above) found = l;
  return found;
}

/**
 * The level after `previous` given the count now: rises at once, lowers only when the count is `margin` below the
 * threshold it fell under, so a count hovering at a threshold does not flap.
 */
export function settleLevel(previous: number, count: number, rules: Pick<LevelRules, 'levels' | 'lowerMargin'>): number {
  const plain = levelFor(count, rules.levels).level;
  if (plain >= previous || previous < 1) return plain;
  const withMargin = levelFor(Math.floor(count * (1 + rules.lowerMargin)), rules.levels).level;
  return Math.max(plain, Math.min(previous, withMargin));
}

export function levelByNumber(levels: Level[], n: number): Level {
  return levels.find((l) => l.level === n) ?? levels[levels.length - 1];
}

export function periodAt(at: Date, rules: Pick<LevelRules, 'officeHours'>, timeZone: string): Period {
  const p = localParts(at, timeZone);
  const minute = p.hour * 60 + p.minute;
  const { start, end, days } = rules.officeHours;
  return days.includes(p.weekday) && minute >= minutesOf(start) && minute < minutesOf(end) ? 'officeHours' : 'afterHours';
}

export interface Staffing {
  operators: number;
  phoneLines: number;
  reserve: number;
}

export interface StaffingRequirement {
  operators?: number;
  phoneLines?: number;
  reserveOnCall: boolean;
}

export function requirementOf(level: Level, period: Period): StaffingRequirement {
  const p: PeriodStaffing = level.staffing[period];
  return { operators: p.operators, phoneLines: p.phoneLines, reserveOnCall: level.staffing.reserveOnCall };
}

export interface StaffingGap {
  operators: number;
  phoneLines: number;
  reserve: number;
}

/** What is missing against the requirement (zeros when the shift meets it). */
export function staffingGap(required: StaffingRequirement, actual: Staffing): StaffingGap {
  return {
    operators: Math.max(0, (required.operators ?? 0) - actual.operators),
    phoneLines: Math.max(0, (required.phoneLines ?? 0) - actual.phoneLines),
    reserve: required.reserveOnCall && actual.reserve < 1 ? 1 : 0,
  };
}

export const meets = (gap: StaffingGap): boolean => gap.operators === 0 && gap.phoneLines === 0 && gap.reserve === 0;
