/**
 * The level rules as the plan sets them (knowledge-base/levels.yaml), their validation for a supervisor's edit,
 * office hours, staffing gaps, shift periods and the projection of the day's total.
 */
import path from 'node:path';
import { levelFor, meets, periodAt, requirementOf, settleLevel, staffingGap } from '../../src/reports/levelRules';
import { loadLevelsFile, LevelRulesError, validateRules } from '../../src/reports/levelSettings';
import { addDays, dayRange, localParts, zonedTime } from '../../src/reports/localTime';
import { elapsedShare, normaliseProfile, projectDay } from '../../src/reports/projection';
import { shiftTimes } from '../../src/reports/shifts';

const file = loadLevelsFile(path.resolve(__dirname, '../../knowledge-base/levels.yaml'));
const rules = file.rules;
const TZ = 'Asia/Ho_Chi_Minh';

describe('levels.yaml', () => {
  it('holds the four levels of the plan with their staffing', () => {
    expect(rules.levels.map((l) => [l.level, l.above])).toEqual([[1, 0], [2, 200], [3, 500], [4, 1000]]);
    const [l1, l2, l3, l4] = rules.levels;
    expect(l1.staffing).toEqual({ officeHours: { operators: 5 }, afterHours: { operators: 1 }, reserveOnCall: false });
    expect(l2.staffing).toEqual({ officeHours: { operators: 5 }, afterHours: { operators: 2 }, reserveOnCall: false });
    expect(l3.staffing).toMatchObject({ officeHours: { operators: 9, phoneLines: 10 }, afterHours: { phoneLines: 4 }, reserveOnCall: true });
    expect(l4.staffing).toMatchObject({ officeHours: { operators: 9, phoneLines: 15 }, afterHours: { phoneLines: 8 }, reserveOnCall: true });
    expect(rules.officeHours).toMatchObject({ start: '07:00' });
    expect(rules.counting.kinds).toEqual(expect.arrayContaining(['new_conversation', 'reopened', 'email_thread', 'voice_call', 'declaration', 'phone_call']));
  });

  it('puts a count in the level whose range holds it ("over 200" is level 2)', () => {
    const at = (n: number) => levelFor(n, rules.levels).level;
    expect([0, 199, 200, 201, 500, 501, 1000, 1001, 5000].map(at)).toEqual([1, 1, 1, 2, 2, 3, 3, 4, 4]);
  });

  it('raises at once but lowers only below the margin, so a count at a threshold does not flap', () => {
    expect(settleLevel(1, 201, rules)).toBe(2);
    expect(settleLevel(2, 199, rules)).toBe(2); // 5 % margin: still level 2
    expect(settleLevel(2, 185, rules)).toBe(1);
    expect(settleLevel(4, 990, rules)).toBe(4);
    expect(settleLevel(4, 940, rules)).toBe(3);
    expect(settleLevel(4, 120, rules)).toBe(1);
    expect(settleLevel(0, 120, rules)).toBe(1);
  });

  it('has texts for notices and reports with Vietnamese diacritics', () => {
    expect(file.texts('level.risen', { levelName: 'Cấp độ 2' })).toBe('Mức tiếp nhận của Tổng đài 1022 đã tăng lên Cấp độ 2.');
    expect(file.texts('report.title')).toBe('BÁO CÁO TIẾP NHẬN VÀ XỬ LÝ THÔNG TIN');
  });
});

describe('a supervisor editing the rules', () => {
  const copy = () => JSON.parse(JSON.stringify(rules));

  it('accepts changed thresholds and staffing', () => {
    const edited = copy();
    edited.levels[1].above = 250;
    edited.levels[0].staffing.afterHours.operators = 2;
    expect(validateRules(edited).levels[1].above).toBe(250);
  });

  it('refuses thresholds out of order, negative staff, a missing first level and an empty counting rule, naming each problem', () => {
    const edited = copy();
    edited.levels[2].above = 150;
    edited.levels[1].staffing.officeHours.operators = -1;
    edited.counting.kinds = [];
    let error: LevelRulesError | undefined;
    try {
      validateRules(edited);
    } catch (err) {
      error = err as LevelRulesError;
    }
    expect(error).toBeInstanceOf(LevelRulesError);
    expect(error!.problems.join('\n')).toMatch(/ngưỡng cấp độ 3 phải lớn hơn ngưỡng cấp độ 2/);
    expect(error!.problems.join('\n')).toMatch(/không được âm/);
    expect(error!.problems.join('\n')).toMatch(/ít nhất một loại tin/);
    const renumbered = copy();
    renumbered.levels.shift();
    expect(() => validateRules(renumbered)).toThrow(/đánh số liên tiếp từ 1/);
    const unknownKind = copy();
    unknownKind.counting.kinds = ['tweet'];
    expect(() => validateRules(unknownKind)).toThrow(LevelRulesError);
  });
});

describe('office hours and staffing', () => {
  const local = (date: string, time: string) => zonedTime(date, time, TZ);

  it('tells office hours from after hours in local time', () => {
    expect(periodAt(local('2021-08-06', '06:59'), rules, TZ)).toBe('afterHours');
    expect(periodAt(local('2021-08-06', '07:00'), rules, TZ)).toBe('officeHours');
    expect(periodAt(local('2021-08-06', '16:59'), rules, TZ)).toBe('officeHours');
    expect(periodAt(local('2021-08-06', '17:00'), rules, TZ)).toBe('afterHours');
  });

  it('measures what is missing against the level', () => {
    const l3 = rules.levels[2];
    const office = requirementOf(l3, 'officeHours');
    expect(staffingGap(office, { operators: 7, phoneLines: 10, reserve: 0 })).toEqual({ operators: 2, phoneLines: 0, reserve: 1 });
    expect(meets(staffingGap(office, { operators: 9, phoneLines: 10, reserve: 1 }))).toBe(true);
    expect(meets(staffingGap(requirementOf(rules.levels[0], 'afterHours'), { operators: 1, phoneLines: 0, reserve: 0 }))).toBe(true);
  });

  it('places shifts: office hours, and after hours until 07:00 the next day', () => {
    const office = shiftTimes('2021-08-06', 'officeHours', rules, TZ);
    expect(office.startsAt.toISOString()).toBe('2021-08-06T00:00:00.000Z');
    expect(office.endsAt.toISOString()).toBe('2021-08-06T10:00:00.000Z');
    const after = shiftTimes('2021-08-06', 'afterHours', rules, TZ);
    expect(after.startsAt.toISOString()).toBe('2021-08-06T10:00:00.000Z');
    expect(after.endsAt.toISOString()).toBe('2021-08-07T00:00:00.000Z');
    const night = shiftTimes('2021-08-06', 'custom', rules, TZ, { start: '22:00', end: '06:00' });
    expect(night.endsAt.getTime() - night.startsAt.getTime()).toBe(8 * 3_600_000);
  });

  it('knows local days in Asia/Ho_Chi_Minh', () => {
    const { start, end } = dayRange('2021-08-06', TZ);
    expect(start.toISOString()).toBe('2021-08-05T17:00:00.000Z');
    expect(end.toISOString()).toBe('2021-08-06T17:00:00.000Z');
    expect(localParts(new Date('2021-08-05T17:00:00Z'), TZ)).toMatchObject({ date: '2021-08-06', hour: 0, weekday: 5 });
    expect(addDays('2021-12-31', 1)).toBe('2022-01-01');
  });
});

describe('projection of the day', () => {
  const profile = normaliseProfile(rules.projection.defaultProfile);
  const base = { profile, recentHours: 2, minElapsedShare: rules.projection.minElapsedShare, minRecent: rules.projection.minRecent };

  it('warns at 10:00 that 150 requests so far point past 200 for the day', () => {
    const projected = projectDay({ ...base, countDay: 150, countRecent: 60, hour: 10, minute: 0 })!;
    expect(projected).toBeGreaterThan(200);
    expect(levelFor(projected, rules.levels).level).toBeGreaterThanOrEqual(2);
  });

  it('says nothing in the small hours, when a few requests tell little', () => {
    expect(projectDay({ ...base, countDay: 4, countRecent: 4, hour: 1, minute: 30 })).toBeUndefined();
  });

  it('sees a sudden rise from the recent pace although the morning was quiet', () => {
    const quiet = projectDay({ ...base, countDay: 120, countRecent: 10, hour: 14, minute: 0 })!;
    const surge = projectDay({ ...base, countDay: 120, countRecent: 100, hour: 14, minute: 0 })!;
    expect(surge).toBeGreaterThan(quiet);
    expect(levelFor(surge, rules.levels).level).toBeGreaterThan(levelFor(quiet, rules.levels).level);
  });

  it('ends the day at the day count', () => {
    expect(elapsedShare(profile, 23, 60)).toBeCloseTo(1, 6);
    expect(projectDay({ ...base, countDay: 321, countRecent: 30, hour: 23, minute: 60 })).toBe(321);
  });
});
