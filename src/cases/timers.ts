/**
 * The case clock: urgent cases whose details never came are sent at their deadline; unacknowledged ones escalate to
 * the supervisors and the province point once; overdue forwarded questions are reminded once a day.
 * main.ts calls tick() on an interval; tests call it with a ManualClock. With several instances each step is claimed
 * with a conditional UPDATE (… WHERE escalated_at IS NULL …), so exactly one instance sends.
 */
import { enqueueNotification } from '../notify/notifications';
import type { Executor } from '../store/executor';
import { addCaseEvent, claimCase, getCase } from './repository';
import type { AfterCommit, CaseContext } from './context';
import type { Forwarding } from './forwarding';
import { citizenTranscript, escalationMail } from './mails';
import { toCase, type Case } from './model';
import type { UrgentCases } from './urgentCases';

const DAY_MS = 24 * 3_600_000;
const BATCH = 100;

export interface TickResult {
  notified: number;
  escalated: number;
  reminded: number;
  mailed: number;
}

export class CaseTimers {
  private timer?: NodeJS.Timeout;
  private running?: Promise<TickResult>;

  constructor(
    private ctx: CaseContext,
    private urgent: UrgentCases,
    private forwarding: Forwarding,
    /** Sends due notifications (retries included); awaited by tick() so tests see the mail. */
    private sendMail: () => Promise<number>,
  ) {}

  start(intervalMs: number): void {
    const loop = () => {
      this.timer = setTimeout(async () => {
        await this.tick().catch((err) => this.ctx.deps.log.error({ err }, 'case timers failed'));
        loop();
      }, intervalMs);
      this.timer.unref();
    };
    loop();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Does every due step once. Concurrent calls on one instance share the run. */
  tick(): Promise<TickResult> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<TickResult> {
    const result: TickResult = { notified: 0, escalated: 0, reminded: 0, mailed: 0 };
    result.notified = await this.dueNotifications();
    result.escalated = await this.escalations();
    result.reminded = await this.reminders();
    result.mailed = await this.sendMail();
    return result;
  }

  private async candidates(where: (qb: any) => any): Promise<Case[]> {
    const rows = await this.ctx.db.selectFrom('cases').selectAll().$call(where).orderBy('created_at').limit(BATCH).execute();
    return rows.map(toCase);
  }

  /** Urgent cases still waiting for details at their deadline go out as they are. */
  private async dueNotifications(): Promise<number> {
    const now = this.ctx.now().toISOString();
    const due = await this.candidates((qb) =>
      qb.where('kind', '=', 'urgent').where('notified_at', 'is', null).where('closed_at', 'is', null).where('notify_due_at', '<=', now),
    );
    let count = 0;
    for (const c of due) {
      const sent = await this.ctx.run(async (tx, at, out) => {
        const fresh = await getCase(tx, c.id);
        if (!fresh || fresh.notifiedAt || fresh.closedAt) return false;
        const after = await this.urgent.notify(tx, fresh, 'deadline', at, out);
        return after.notifiedAt === at;
      });
      if (sent) count++;
    }
    return count;
  }

  /** Unacknowledged past the SLA: the supervisors and the province point are told, once. */
  private async escalations(): Promise<number> {
    const now = this.ctx.now().toISOString();
    const due = await this.candidates((qb) =>
      qb
        .where('kind', '=', 'urgent')
        .where('acknowledged_at', 'is', null)
        .where('escalated_at', 'is', null)
        .where('closed_at', 'is', null)
        .where('due_at', '<=', now),
    );
    let count = 0;
    for (const c of due) {
      const done = await this.ctx.run(async (tx, at, out) => {
        const claimed = await claimCase(
          tx,
          c.id,
          { escalated_at: at },
          (qb) => qb.where('acknowledged_at', 'is', null).where('escalated_at', 'is', null).where('closed_at', 'is', null),
          at,
        );
        if (!claimed) return false;
        await this.escalate(claimed, tx, at, out);
        return true;
      });
      if (done) count++;
    }
    return count;
  }

  private async escalate(c: Case, tx: Executor, at: string, out: AfterCommit): Promise<void> {
    const when = new Date(at);
    const province = this.ctx.province(when);
    const agency = c.agencyId ? this.ctx.deps.agencies.agencyById(c.agencyId, when) : undefined;
    const recipients = [...this.ctx.settings.supervisorEmails, ...(province?.emails ?? [])];
    const transcript = await citizenTranscript(tx, c.conversationId, this.ctx.settings.timeZone);
    const mail = escalationMail(this.ctx.mailContext, c, agency, province, this.ctx.settings.ackSlaMinutes, transcript);
    const id = await enqueueNotification(tx, { caseId: c.id, kind: 'escalation', recipients, ...mail }, at);
    if (id) out.mail = true;
    await addCaseEvent(tx, { caseId: c.id, actor: 'system', action: 'escalated', detail: { slaMinutes: this.ctx.settings.ackSlaMinutes, recipients, provinceAgencyId: province?.id ?? null }, at });
    out.events.push({ ...this.urgent.updatedEvent(c), escalated: true });
  }

  /** Forwarded questions past their due date without an answer: one reminder a day, with a fresh link. */
  private async reminders(): Promise<number> {
    const nowDate = this.ctx.now();
    const now = nowDate.toISOString();
    const dayAgo = new Date(nowDate.getTime() - DAY_MS).toISOString();
    const notRecentlyReminded = (eb: any) => eb.or([eb('reminded_at', 'is', null), eb('reminded_at', '<=', dayAgo)]);
    const due = await this.candidates((qb) =>
      qb.where('kind', '=', 'forward').where('status', '=', 'forwarded').where('closed_at', 'is', null).where('due_at', '<=', now).where(notRecentlyReminded),
    );
    let count = 0;
    for (const c of due) {
      const done = await this.ctx.run(async (tx, at, out) => {
        const claimed = await claimCase(tx, c.id, { reminded_at: at }, (qb) => qb.where('status', '=', 'forwarded').where(notRecentlyReminded), at);
        if (!claimed) return false;
        await this.forwarding.remind(tx, claimed, at, out);
        return true;
      });
      if (done) count++;
    }
    return count;
  }
}
