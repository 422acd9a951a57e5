/**
 * What the console reads and does with cases besides the urgent/forward flows: the list (open first, emergency and
 * urgent first, nearest deadline first, with the SLA time left and overdue flags), a case with its timeline, closing.
 * Personal data (phone, address, the citizen's contact) is shown only to operators, supervisors and admins.
 */
import type { Role } from '../domain/types';
import { listCaseNotifications } from '../notify/notifications';
import { audit } from '../store/audit';
import type { Executor } from '../store/executor';
import { CaseError, type CaseContext } from './context';
import type { Forwarding } from './forwarding';
import type { Case, CaseEvent, CaseKind } from './model';
import { addCaseEvent, claimCase, getCase, listCaseEvents, listCases } from './repository';
import type { Actor } from './urgentCases';

const SEES_PERSONAL_DATA: ReadonlySet<Role> = new Set<Role>(['operator', 'supervisor', 'admin']);

export interface CaseSummary {
  id: string;
  code: string;
  kind: CaseKind;
  status: string;
  level: string;
  open: boolean;
  conversationId: string | null;
  channel: string | null;
  agency: { id: string; name: string } | null;
  symptoms: string[];
  details: Case['details'];
  question: string | null;
  answer: string | null;
  answeredBy: string | null;
  shareContact: boolean;
  createdAt: string;
  updatedAt: string;
  dueAt: string | null;
  /** Urgent and not yet acknowledged: milliseconds left before escalation (negative when late). */
  slaRemainingMs: number | null;
  /** Urgent: not acknowledged in time. Forward: no answer by the due date. */
  overdue: boolean;
  notifiedAt: string | null;
  acknowledgedAt: string | null;
  escalatedAt: string | null;
  remindedAt: string | null;
  answeredAt: string | null;
  approvedAt: string | null;
  closedAt: string | null;
}

export interface TimelineEntry extends CaseEvent {
  /** Who, readable: the operator's name, the agency's name, "system", "citizen". */
  actorName: string;
}

export class CaseDesk {
  constructor(
    private ctx: CaseContext,
    private forwarding: Forwarding,
  ) {}

  summary(c: Case, role: Role, now = this.ctx.now()): CaseSummary {
    const personal = SEES_PERSONAL_DATA.has(role);
    const { phone: _phone, address: _address, ...publicDetails } = c.details;
    const agency = c.agencyId ? this.ctx.deps.agencies.agencyById(c.agencyId, now) : undefined;
    const open = !c.closedAt;
    const waitingAck = c.kind === 'urgent' && open && !c.acknowledgedAt && !!c.dueAt;
    const slaRemainingMs = waitingAck ? Date.parse(c.dueAt!) - now.getTime() : null;
    const overdue =
      c.kind === 'urgent' ? waitingAck && slaRemainingMs! <= 0 : open && c.status === 'forwarded' && !!c.dueAt && Date.parse(c.dueAt) <= now.getTime();
    return {
      id: c.id,
      code: c.code,
      kind: c.kind,
      status: c.status,
      level: c.level,
      open,
      conversationId: c.conversationId,
      channel: c.channel,
      agency: c.agencyId ? { id: c.agencyId, name: agency?.name ?? c.agencyId } : null,
      symptoms: c.symptoms,
      details: personal ? c.details : publicDetails,
      question: c.question === null ? null : personal ? c.question : this.forwarding.maskContact(c.question),
      answer: c.answer,
      answeredBy: c.answeredBy,
      shareContact: c.shareContact,
      createdAt: c.createdAt,
      updatedAt: c.updatedAt,
      dueAt: c.dueAt,
      slaRemainingMs,
      overdue,
      notifiedAt: c.notifiedAt,
      acknowledgedAt: c.acknowledgedAt,
      escalatedAt: c.escalatedAt,
      remindedAt: c.remindedAt,
      answeredAt: c.answeredAt,
      approvedAt: c.approvedAt,
      closedAt: c.closedAt,
    };
  }

  async list(filter: { open?: boolean; kind?: CaseKind; conversationId?: string }, role: Role): Promise<CaseSummary[]> {
    const now = this.ctx.now();
    const cases = await listCases(this.ctx.db, filter);
    return cases.map((c) => this.summary(c, role, now));
  }

  async detail(id: string, role: Role) {
    const c = await getCase(this.ctx.db, id);
    if (!c) throw new CaseError(404, 'not found', 'Không tìm thấy trường hợp.');
    const events = await listCaseEvents(this.ctx.db, id);
    const notifications = await listCaseNotifications(this.ctx.db, id);
    const links = await this.ctx.db.selectFrom('case_links').select(['created_at', 'expires_at', 'revoked_at', 'agency_id']).where('case_id', '=', id).orderBy('created_at').execute();
    const personal = SEES_PERSONAL_DATA.has(role);
    return {
      ...this.summary(c, role),
      timeline: await this.withActorNames(this.ctx.db, events),
      notifications: notifications.map((n) => ({
        kind: n.kind,
        recipients: n.recipients,
        subject: n.subject,
        ...(personal && { body: n.body }),
        status: n.status,
        attempts: n.attempts,
        lastError: n.lastError,
        createdAt: n.createdAt,
        sentAt: n.sentAt,
      })),
      links: links.map((l) => ({ agencyId: l.agency_id, createdAt: l.created_at, expiresAt: l.expires_at, revokedAt: l.revoked_at })),
    };
  }

  private async withActorNames(db: Executor, events: CaseEvent[]): Promise<TimelineEntry[]> {
    const userIds = [...new Set(events.filter((e) => e.actor.startsWith('user:')).map((e) => e.actor.slice(5)))];
    const users = userIds.length ? await db.selectFrom('users').select(['id', 'display_name']).where('id', 'in', userIds).execute() : [];
    const names = new Map(users.map((u) => [u.id, u.display_name]));
    const now = this.ctx.now();
    return events.map((e) => {
      const [kind, id] = e.actor.split(':', 2);
      const actorName =
        kind === 'user' ? names.get(id) ?? String(e.detail.by ?? id) : kind === 'agency' ? this.ctx.deps.agencies.agencyById(id, now)?.name ?? id : e.actor;
      return { ...e, actorName };
    });
  }

  /** Closes a case (handled, or a forward cancelled): its links stop working, no timer touches it again. */
  async close(id: string, reason: unknown, actor: Actor): Promise<Case> {
    const why = typeof reason === 'string' ? reason.normalize('NFC').trim().slice(0, 500) : '';
    return this.ctx.run(async (tx, at, out) => {
      await this.ctx.lockCase(tx, id);
      const c = await getCase(tx, id);
      if (!c) throw new CaseError(404, 'not found', 'Không tìm thấy trường hợp.');
      const closed = await claimCase(tx, id, { status: 'closed', closed_at: at }, (qb) => qb.where('closed_at', 'is', null), at);
      if (!closed) throw new CaseError(409, 'closed', 'Trường hợp đã đóng.');
      await tx.updateTable('case_links').set({ revoked_at: at }).where('case_id', '=', id).where('revoked_at', 'is', null).execute();
      await addCaseEvent(tx, { caseId: id, actor: `user:${actor.id}`, action: 'closed', detail: { by: actor.displayName, reason: why || null }, at });
      await audit(tx, { actorId: actor.id, action: 'case.close', targetType: 'case', targetId: id, detail: { reason: why || null }, at });
      out.events.push({ type: 'case.updated', caseId: id, conversationId: c.conversationId, status: 'closed', level: c.level });
      return closed;
    });
  }
}
