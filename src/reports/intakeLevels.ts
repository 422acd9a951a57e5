/**
 * The intake level, computed continuously: requests today (local calendar day) and in the last 24 hours, a
 * projection of today's total, the staffing the level requires against who is on shift. When the level — or the
 * projected level — changes, leaders and supervisors are told once (mail through the durable notifications table,
 * a `banner` event for open consoles, a notice kept for the dashboard). "Once" holds across instances: the level
 * announced lives in one row changed by compare-and-set.
 */
import type { NotificationKind } from '../notify/notifications';
import { enqueueNotification } from '../notify/notifications';
import type { EventBus } from '../pipeline/events';
import type { Clock } from '../store/clock';
import type { DbHandle } from '../store/db';
import type { Executor } from '../store/executor';
import { json, newId } from '../store/ids';
import { countRequests, countsByLocalHour } from './counting';
import { levelByNumber, levelFor, meets, periodAt, requirementOf, settleLevel, staffingGap, type Period, type StaffingGap, type StaffingRequirement } from './levelRules';
import type { LevelRules, LevelsFile, Texts } from './levelSettings';
import { rulesInForce } from './levelStore';
import { addDays, dayRange, displayDate, displayTime, localParts } from './localTime';
import { normaliseProfile, projectDay } from './projection';
import './schema';
import { staffingAt, type StaffingNow } from './shifts';

export interface LevelStatus {
  at: string;
  day: string;
  period: Period;
  countDay: number;
  count24h: number;
  /** Projected total of today, undefined early in the day. */
  projected?: number;
  profileSource: 'history' | 'default';
  levelDay: number;
  level24h: number;
  projectedLevel?: number;
  /** The level in force (announced; lowers with a margin). */
  level: number;
  levelName: string;
  required: StaffingRequirement;
  onShift: StaffingNow;
  gap: StaffingGap;
  staffed: boolean;
  levels: Array<{ level: number; above: number; name: string }>;
}

export interface LevelNotice {
  id: string;
  at: string;
  day: string;
  kind: 'risen' | 'lowered' | 'projected';
  level: number;
  previousLevel: number;
  countDay: number;
  count24h: number;
  projected: number | null;
  text: string;
}

export interface IntakeLevelsDeps {
  store: DbHandle;
  clock: Clock;
  bus: EventBus;
  log: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  timeZone: string;
  file: LevelsFile;
  /** Leaders and supervisors told of a change. */
  recipients(): string[];
  /** Wakes the notifier after a notice was queued. */
  kickNotifier?(): void;
}

const STATE_ID = 'current';
// The notifications table's kinds belong to cases; a level notice is one more kind of the same durable mail.
const NOTICE_KIND = 'level' as NotificationKind;

export class IntakeLevels {
  private profileCache = new Map<string, { profile: number[]; source: 'history' | 'default' }>();
  private running?: Promise<LevelNotice | undefined>;
  private again = false;
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private unsubscribe?: () => void;

  constructor(private deps: IntakeLevelsDeps) {}

  get texts(): Texts {
    return this.deps.file.texts;
  }

  async rules(db: Executor = this.deps.store.db): Promise<LevelRules> {
    return (await rulesInForce(db, this.deps.file.rules)).rules;
  }

  /** The usual share of a day's requests per local hour: learnt from the last days, or the default profile. */
  async profile(rules: LevelRules, day: string): Promise<{ profile: number[]; source: 'history' | 'default' }> {
    const p = rules.projection;
    const key = `${day}|${p.historyDays}|${p.minHistory}|${rules.counting.kinds.join(',')}|${p.defaultProfile.join(',')}`;
    const cached = this.profileCache.get(key);
    if (cached) return cached;
    const { start } = dayRange(day, this.deps.timeZone);
    const from = dayRange(addDays(day, -p.historyDays), this.deps.timeZone).start;
    const hours = await countsByLocalHour(this.deps.store.db, rules.counting.kinds, from, start, this.deps.timeZone);
    const total = hours.reduce((a, b) => a + b, 0);
    const result = total >= p.minHistory && total > 0 ? { profile: normaliseProfile(hours), source: 'history' as const } : { profile: normaliseProfile(p.defaultProfile), source: 'default' as const };
    this.profileCache.clear();
    this.profileCache.set(key, result);
    return result;
  }

  /** Counts, levels, projection and staffing now. */
  async status(at: Date = this.deps.clock.now(), announcedLevel?: number, rulesInUse?: LevelRules): Promise<LevelStatus> {
    const { db } = this.deps.store;
    const tz = this.deps.timeZone;
    const rules = rulesInUse ?? (await this.rules());
    const kinds = rules.counting.kinds;
    const local = localParts(at, tz);
    const { start } = dayRange(local.date, tz);
    const recentFrom = new Date(Math.max(start.getTime(), at.getTime() - rules.projection.recentHours * 3_600_000));
    const end = new Date(at.getTime() + 1);
    const [countDay, count24h, countRecent, profile, onShift] = await Promise.all([
      countRequests(db, kinds, start, end),
      countRequests(db, kinds, new Date(at.getTime() - 24 * 3_600_000), end),
      countRequests(db, kinds, recentFrom, end),
      this.profile(rules, local.date),
      staffingAt(db, at),
    ]);
    const projected = projectDay({
      countDay,
      countRecent,
      profile: profile.profile,
      hour: local.hour,
      minute: local.minute,
      recentHours: rules.projection.recentHours,
      minElapsedShare: rules.projection.minElapsedShare,
      minRecent: rules.projection.minRecent,
    });
    const levelDay = levelFor(countDay, rules.levels).level;
    const level24h = levelFor(Math.max(count24h, countDay), rules.levels).level;
    const announced = announcedLevel ?? (await this.state(db))?.current_level ?? 0;
    const level = settleLevel(announced, Math.max(count24h, countDay), rules);
    const levelRow = levelByNumber(rules.levels, level);
    const period = periodAt(at, rules, tz);
    const required = requirementOf(levelRow, period);
    const gap = staffingGap(required, onShift);
    return {
      at: at.toISOString(),
      day: local.date,
      period,
      countDay,
      count24h,
      projected,
      profileSource: profile.source,
      levelDay,
      level24h,
      projectedLevel: projected === undefined ? undefined : levelFor(projected, rules.levels).level,
      level,
      levelName: levelRow.name,
      required,
      onShift,
      gap,
      staffed: meets(gap),
      levels: rules.levels.map((l) => ({ level: l.level, above: l.above, name: l.name })),
    };
  }

  private state(db: Executor) {
    return db.selectFrom('level_state').selectAll().where('id', '=', STATE_ID).executeTakeFirst();
  }

  /** Recomputes the level and announces a change once; concurrent calls coalesce. Returns the notice sent, if any. */
  async check(): Promise<LevelNotice | undefined> {
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let notice: LevelNotice | undefined;
      do {
        this.again = false;
        notice = (await this.checkOnce()) ?? notice;
      } while (this.again);
      return notice;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async checkOnce(): Promise<LevelNotice | undefined> {
    const { db } = this.deps.store;
    const at = this.deps.clock.now();
    const state = await this.state(db);
    const previous = { current: state?.current_level ?? 0, projected: state?.projected_level ?? 0 };
    const rules = await this.rules();
    const s = await this.status(at, previous.current, rules);
    const current = s.level;
    const projected = Math.max(current, s.projectedLevel ?? 0);
    if (current === previous.current && projected === previous.projected) return undefined;

    let kind: LevelNotice['kind'] | undefined;
    if (previous.current === 0) kind = current > 1 ? 'risen' : projected > 1 ? 'projected' : undefined; // first run: level 1 is no news
    else if (current > previous.current) kind = 'risen';
    else if (current < previous.current) kind = 'lowered';
    else if (projected > previous.projected) kind = 'projected';

    const atIso = at.toISOString();
    const notice = await db.transaction().execute(async (tx) => {
      if (state) {
        const updated = await tx
          .updateTable('level_state')
          .set({ current_level: current, projected_level: projected, version: state.version + 1, updated_at: atIso })
          .where('id', '=', STATE_ID)
          .where('version', '=', state.version)
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1) return undefined; // another instance announced it
      } else {
        const inserted = await tx
          .insertInto('level_state')
          .values({ id: STATE_ID, current_level: current, projected_level: projected, version: 1, updated_at: atIso })
          .onConflict((oc) => oc.column('id').doNothing())
          .returning('id')
          .executeTakeFirst();
        if (!inserted) return undefined;
      }
      if (!kind) return undefined;
      const level = kind === 'projected' ? projected : current;
      const mail = this.composeNotice(kind, level, s, rules);
      const row = {
        id: newId(),
        at: atIso,
        day: s.day,
        kind,
        level,
        previous_level: kind === 'projected' ? previous.projected : previous.current,
        count_day: s.countDay,
        count_24h: s.count24h,
        projected: s.projected ?? null,
        detail: json({ period: s.period, required: s.required, onShift: { operators: s.onShift.operators, phoneLines: s.onShift.phoneLines, reserve: s.onShift.reserve }, gap: s.gap, current }),
        text: mail.banner,
      };
      await tx.insertInto('level_notices').values(row).execute();
      await enqueueNotification(tx, { kind: NOTICE_KIND, recipients: this.deps.recipients(), subject: mail.subject, body: mail.body }, atIso);
      return toNotice(row);
    });
    if (notice) {
      this.deps.bus.publish({ type: 'banner', kind: 'level', text: notice.text, level: notice.level, noticeId: notice.id });
      this.deps.kickNotifier?.();
    }
    return notice;
  }

  /** Subject, plain-text body and one-line banner of a notice. */
  composeNotice(kind: LevelNotice['kind'], level: number, s: LevelStatus, rules: LevelRules): { subject: string; body: string; banner: string } {
    const t = this.texts;
    const levelName = s.levels.find((l) => l.level === level)?.name ?? String(level);
    const projected = s.projected === undefined ? t('level.noProjection') : String(s.projected);
    const headline = t(kind === 'risen' ? 'level.risen' : kind === 'lowered' ? 'level.lowered' : 'level.projected', { levelName });
    // A projected level: the staffing to prepare is the projected level's.
    const requirement = kind === 'projected' ? requirementOf(levelByNumber(rules.levels, level), s.period) : s.required;
    const required = this.requirementText(requirement);
    const onShift = this.staffText({ operators: s.onShift.operators, phoneLines: s.onShift.phoneLines, reserve: s.onShift.reserve });
    const period = t(`period.${s.period}`);
    const gap = kind === 'projected' ? staffingGap(requirement, s.onShift) : s.gap;
    const lines = [
      t('level.greeting'),
      '',
      headline,
      '',
      t('level.counts', { count24h: s.count24h, countDay: s.countDay, day: displayDate(s.day), projected }),
      t('level.required', { levelName, period, required }),
      t('level.onShift', { time: displayTime(s.at, this.deps.timeZone), onShift }),
      meets(gap) ? t('level.enough') : t('level.gap', { missing: this.gapText(gap) }),
      '',
      t('level.footer'),
    ];
    const subject = kind === 'projected' ? t('level.subjectProjected', { levelName, projected }) : t('level.subject', { levelName, count: s.count24h });
    const banner = t('level.banner', { headline, count24h: s.count24h, required, onShift });
    return { subject, body: lines.join('\n'), banner };
  }

  requirementText(r: StaffingRequirement): string {
    const t = this.texts;
    const parts = [
      r.operators !== undefined ? t('staff.operators', { n: r.operators }) : '',
      r.phoneLines !== undefined ? t('staff.phoneLines', { n: r.phoneLines }) : '',
      r.reserveOnCall ? t('staff.reserve') : '',
    ].filter(Boolean);
    return parts.length ? parts.join(', ') : t('staff.none');
  }

  staffText(s: { operators: number; phoneLines: number; reserve: number }): string {
    const t = this.texts;
    return [t('staff.operators', { n: s.operators }), t('staff.phoneLines', { n: s.phoneLines }), t('staff.reserveCount', { n: s.reserve })].join(', ');
  }

  gapText(g: StaffingGap): string {
    const t = this.texts;
    return [g.operators ? t('staff.operators', { n: g.operators }) : '', g.phoneLines ? t('staff.phoneLines', { n: g.phoneLines }) : '', g.reserve ? t('staff.reserve') : ''].filter(Boolean).join(', ');
  }

  /** Recent notices, newest first (dashboard). */
  async notices(limit = 20): Promise<LevelNotice[]> {
    const rows = await this.deps.store.db.selectFrom('level_notices').selectAll().orderBy('at', 'desc').limit(limit).execute();
    return rows.map(toNotice);
  }

  /** Checks every `intervalMs`, and shortly after new citizen messages (debounced). */
  start(intervalMs: number): void {
    const run = () => void this.check().catch((err) => this.deps.log.error({ err }, 'level check failed'));
    this.timer = setInterval(run, intervalMs);
    this.timer.unref();
    this.unsubscribe = this.deps.bus.subscribe((event) => {
      if ((event.type === 'message.created' && event.direction === 'in') || event.type === 'phone.logged') {
        if (this.debounce) return;
        this.debounce = setTimeout(() => {
          this.debounce = undefined;
          run();
        }, 2000);
        this.debounce.unref();
      }
    });
    run();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    if (this.debounce) clearTimeout(this.debounce);
    this.unsubscribe?.();
    await this.running?.catch(() => undefined);
  }
}

function toNotice(r: { id: string; at: string; day: string; kind: string; level: number; previous_level: number; count_day: number; count_24h: number; projected: number | null; text: string }): LevelNotice {
  return { id: r.id, at: r.at, day: r.day, kind: r.kind as LevelNotice['kind'], level: r.level, previousLevel: r.previous_level, countDay: r.count_day, count24h: r.count_24h, projected: r.projected, text: r.text };
}
