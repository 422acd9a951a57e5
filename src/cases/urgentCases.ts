/**
 * Urgent cases: created on the first urgent/emergency verdict of a conversation, filled by later verdicts and by the
 * bot's urgent dialog (the `urgentCase` TurnEffect), routed by the agency directory, and sent to the agency by mail
 * at once for an emergency, or for an urgent report when the details are complete — at the latest
 * CASE_NOTIFY_AFTER_MINUTES after creation (see timers.ts), so a citizen who stops answering still gets help.
 */
import type { TurnEffect } from '../domain/turn';
import { priorityOf, type UrgencyLevel } from '../domain/types';
import { enqueueNotification } from '../notify/notifications';
import type { PlatformEvent } from '../pipeline/events';
import type { TurnContextInfo } from '../pipeline/pipeline';
import { audit } from '../store/audit';
import type { Conversation } from '../store/conversations';
import type { Executor } from '../store/executor';
import { json } from '../store/ids';
import { insertMessage } from '../store/messages';
import type { AgencyContact } from './agencies';
import type { AfterTurn } from './afterTurn';
import { newUrgentCode } from './caseCode';
import { CaseError, type AfterCommit, type CaseContext } from './context';
import { citizenTranscript, updateMail, urgentMail } from './mails';
import { changedFields, mergeDetails, type Case, type CaseDetails } from './model';
import { addCaseEvent, claimCase, findOpenCase, getCase, insertCase, updateCase } from './repository';

/** Details read from a message by src/nlp/extract.ts (district/commune as written, districtId when recognised). */
export type ExtractedDetails = CaseDetails & { districtId?: string };
export type DetailExtractor = (text: string) => ExtractedDetails;

export interface Actor {
  id: string;
  displayName: string;
}

type NotifyReason = 'emergency' | 'complete' | 'deadline';

interface Report {
  conversation: Conversation;
  level: UrgencyLevel;
  symptoms: string[];
  details: Record<string, string | undefined>;
  /** Extracted guesses fill gaps only; the dialog's answers replace what was there. */
  onlyMissing: boolean;
  districtId?: string;
  complete: boolean;
  source: 'triage' | 'dialog';
}

const higher = (a: UrgencyLevel, b: UrgencyLevel): UrgencyLevel => (priorityOf(b) > priorityOf(a) ? b : a);
const ACTIVE_STATES = new Set(['queued', 'human']);

export class UrgentCases {
  constructor(
    private ctx: CaseContext,
    private extract: DetailExtractor,
    private afterTurn: AfterTurn,
  ) {}

  /** Pipeline hook: every citizen message with an urgent or emergency verdict, in the turn's transaction. */
  readonly onUrgent = async (tx: Executor, info: TurnContextInfo): Promise<void> => {
    const level = info.verdict.level;
    if (level === 'none') return;
    const out: AfterCommit = { events: [], written: [], mail: false };
    let extracted: ExtractedDetails = {};
    try {
      extracted = this.extract(info.message.text) ?? {};
    } catch (err) {
      this.ctx.deps.log.warn({ err }, 'detail extraction failed');
    }
    const { districtId, ...details } = extracted;
    const c = await this.report(tx, { conversation: info.conversation, level, symptoms: info.verdict.symptoms, details, districtId, onlyMissing: true, complete: false, source: 'triage' }, info.now, out);
    // The bot is silent while an operator holds (or is about to take) the conversation: alert the operator instead.
    if (ACTIVE_STATES.has(info.conversation.state)) {
      const note = await insertMessage(tx, {
        conversationId: info.conversation.id,
        channel: info.conversation.channel,
        direction: 'out',
        author: 'system',
        text: this.ctx.deps.texts('urgent.operatorAlert', { symptoms: info.verdict.symptoms.join(', ') || this.ctx.deps.texts('case.unknown') }),
        status: 'sent',
        internal: true,
        meta: { urgentAlert: true, level, caseId: c.id, caseCode: c.code },
        at: info.now,
        processed: true,
      });
      out.events.push({ type: 'message.created', conversationId: info.conversation.id, messageId: note.id, direction: 'out', author: 'system', internal: true });
    }
    this.later(info.message.id, out);
  };

  /** The bot's `urgentCase` effect: what the urgent dialog learned (who, since when, where, phone). */
  readonly applyUrgentCaseEffect = async (tx: Executor, effect: TurnEffect, info: TurnContextInfo): Promise<void> => {
    const e = effect as Partial<Extract<TurnEffect, { type: 'urgentCase' }>>;
    const level: UrgencyLevel = e.level === 'emergency' ? 'emergency' : 'urgent';
    const raw = (e.details ?? {}) as Record<string, string | undefined>;
    const { districtId, ...details } = raw;
    const out: AfterCommit = { events: [], written: [], mail: false };
    await this.report(
      tx,
      { conversation: info.conversation, level, symptoms: Array.isArray(e.symptoms) ? e.symptoms : [], details, districtId: districtId || undefined, onlyMissing: false, complete: e.complete === true, source: 'dialog' },
      info.now,
      out,
    );
    this.later(info.message.id, out);
  };

  private later(messageId: string, out: AfterCommit): void {
    if (out.events.length || out.mail) this.afterTurn.add(messageId, () => this.ctx.flush(out));
  }

  /** Creates or updates the conversation's open urgent case; sends what is due. */
  async report(tx: Executor, r: Report, at: string, out: AfterCommit): Promise<Case> {
    const existing = await findOpenCase(tx, r.conversation.id, 'urgent');
    if (existing) await this.ctx.lockCase(tx, existing.id);
    const current = existing && (await getCase(tx, existing.id));
    const c = current && !current.closedAt ? await this.update(tx, current, r, at, out) : await this.create(tx, r, at, out);
    out.events.push(this.updatedEvent(c));
    return c;
  }

  private async create(tx: Executor, r: Report, at: string, out: AfterCommit): Promise<Case> {
    const { settings } = this.ctx;
    const area = this.withArea(mergeDetails({}, r.details), at);
    const districtId = r.districtId ?? area.districtId;
    const agency = this.route(r.level, districtId, at);
    const created = await insertCase(
      tx,
      {
        kind: 'urgent',
        code: await newUrgentCode(tx, r.conversation.id),
        status: 'open',
        conversation_id: r.conversation.id,
        contact_id: r.conversation.contactId,
        channel: r.conversation.channel,
        level: r.level,
        agency_id: agency?.id ?? null,
        district_id: districtId ?? null,
        symptoms: json([...new Set(r.symptoms)]),
        details: json(area.details),
        due_at: new Date(Date.parse(at) + settings.ackSlaMinutes * 60_000).toISOString(),
        notify_due_at: new Date(Date.parse(at) + settings.notifyAfterMinutes * 60_000).toISOString(),
      },
      at,
    );
    await addCaseEvent(tx, { caseId: created.id, actor: 'system', action: 'created', detail: { level: r.level, symptoms: created.symptoms, source: r.source, fields: Object.keys(area.details) }, at });
    await addCaseEvent(tx, { caseId: created.id, actor: 'system', action: 'routed', detail: { agencyId: agency?.id ?? null, agencyName: agency?.name ?? null, districtId: districtId ?? null }, at });
    const reason = this.notifyReason(created, r.complete);
    return reason ? this.notify(tx, created, reason, at, out) : created;
  }

  private async update(tx: Executor, c: Case, r: Report, at: string, out: AfterCommit): Promise<Case> {
    const level = higher(c.level, r.level);
    const symptoms = [...new Set([...c.symptoms, ...r.symptoms])];
    const addedSymptoms = symptoms.filter((s) => !c.symptoms.includes(s));
    const merged = mergeDetails(c.details, r.details, r.onlyMissing);
    const fields = changedFields(c.details, merged);
    const area = fields.some((f) => f === 'district' || f === 'commune') ? this.withArea(merged, at) : { details: merged, districtId: undefined };
    const districtId = r.districtId ?? area.districtId ?? c.districtId ?? undefined;
    const districtChanged = (districtId ?? null) !== c.districtId;
    const levelRaised = level !== c.level;
    if (!levelRaised && !addedSymptoms.length && !fields.length && !districtChanged && !(r.complete && !c.notifiedAt)) return c;

    let agencyId = c.agencyId;
    // Re-route while nobody has been told yet: the district became known, or the level became an emergency.
    if (!c.notifiedAt && !c.acknowledgedAt) {
      const agency = this.route(level, districtId, at);
      if (agency && agency.id !== c.agencyId) {
        agencyId = agency.id;
        await addCaseEvent(tx, { caseId: c.id, actor: 'system', action: 'routed', detail: { agencyId: agency.id, agencyName: agency.name, districtId: districtId ?? null, from: c.agencyId }, at });
      }
    }
    await updateCase(tx, c.id, { level, symptoms: json(symptoms), details: json(area.details), district_id: districtId ?? null, agency_id: agencyId }, at);
    await addCaseEvent(tx, {
      caseId: c.id,
      actor: r.source === 'dialog' ? 'citizen' : 'system',
      action: 'updated',
      detail: { ...(levelRaised && { level: { from: c.level, to: level } }), ...(addedSymptoms.length && { symptoms: addedSymptoms }), ...(fields.length && { fields }), source: r.source },
      at,
    });
    const updated = (await getCase(tx, c.id))!;
    if (!updated.notifiedAt) {
      const reason = this.notifyReason(updated, r.complete);
      return reason ? this.notify(tx, updated, reason, at, out) : updated;
    }
    // Already told: send what is new to the agency (and to the province point when it became an emergency).
    const changes = [
      ...(levelRaised ? [this.ctx.deps.texts(`case.level.${level}`)] : []),
      ...(addedSymptoms.length ? [addedSymptoms.join(', ')] : []),
      ...fields.map((f) => this.ctx.deps.texts(`case.field.${f}`)),
    ].join('; ');
    if (changes) await this.sendUpdate(tx, updated, changes, levelRaised && level === 'emergency', at, out);
    return updated;
  }

  private notifyReason(c: Case, dialogComplete: boolean): NotifyReason | undefined {
    if (c.level === 'emergency') return 'emergency';
    if (dialogComplete || isComplete(c)) return 'complete';
    return undefined;
  }

  /** Routes by the directory: emergency or unknown district → the province point; else the district health centre. */
  route(level: UrgencyLevel, districtId: string | undefined, at: string): AgencyContact | undefined {
    const when = new Date(at);
    if (level === 'emergency' || !districtId) return this.ctx.province(when) ?? this.ctx.deps.agencies.route({ level, districtId }, when);
    return this.ctx.deps.agencies.route({ level, districtId }, when) ?? this.ctx.province(when);
  }

  /** Normalises district/commune to the directory's names and finds the district id. */
  private withArea(details: CaseDetails, at: string): { details: CaseDetails; districtId?: string } {
    const text = [details.commune, details.district, details.address].filter(Boolean).join(', ');
    if (!text) return { details };
    const area = this.ctx.deps.agencies.findArea(text, new Date(at));
    if (!area?.districtId) return { details };
    return {
      details: { ...details, district: area.districtName ?? details.district, ...(area.communeName && { commune: area.communeName }) },
      districtId: area.districtId,
    };
  }

  /**
   * Sends the case to its agency once (claimed: a concurrent turn or timer tick on another instance may race).
   * Used by the turn hooks and by the timers at the deadline.
   */
  async notify(tx: Executor, c: Case, reason: NotifyReason, at: string, out: AfterCommit): Promise<Case> {
    const claimed = await claimCase(tx, c.id, { notified_at: at, status: c.acknowledgedAt ? 'acknowledged' : 'notified' }, (qb) => qb.where('notified_at', 'is', null).where('closed_at', 'is', null), at);
    if (!claimed) return (await getCase(tx, c.id)) ?? c;
    const when = new Date(at);
    const agency = (claimed.agencyId && this.ctx.deps.agencies.agencyById(claimed.agencyId, when)) || this.ctx.province(when);
    // An agency without an address must not swallow the case: the province point and the supervisors get it.
    const recipients = agency?.emails.length ? agency.emails : [...(this.ctx.province(when)?.emails ?? []), ...this.ctx.settings.supervisorEmails];
    const transcript = await citizenTranscript(tx, claimed.conversationId, this.ctx.settings.timeZone);
    const mail = urgentMail(this.ctx.mailContext, claimed, agency, transcript);
    const id = await enqueueNotification(tx, { caseId: claimed.id, kind: 'urgent', recipients, ...mail }, at);
    await addCaseEvent(tx, { caseId: claimed.id, actor: 'system', action: 'notified', detail: { reason, agencyId: agency?.id ?? null, agencyName: agency?.name ?? null, recipients, queued: !!id }, at });
    if (id) out.mail = true;
    else this.ctx.deps.log.error({ caseId: claimed.id }, 'urgent case has no recipient address');
    out.events.push(this.updatedEvent(claimed));
    return claimed;
  }

  private async sendUpdate(tx: Executor, c: Case, changes: string, toProvince: boolean, at: string, out: AfterCommit): Promise<void> {
    const when = new Date(at);
    const agency = c.agencyId ? this.ctx.deps.agencies.agencyById(c.agencyId, when) : undefined;
    const province = this.ctx.province(when);
    const transcript = await citizenTranscript(tx, c.conversationId, this.ctx.settings.timeZone);
    const targets: AgencyContact[] = [];
    if (agency) targets.push(agency);
    if (toProvince && province && province.id !== agency?.id) targets.push(province);
    for (const target of targets) {
      const mail = updateMail(this.ctx.mailContext, c, target, changes, transcript);
      const id = await enqueueNotification(tx, { caseId: c.id, kind: 'urgent.update', recipients: target.emails, ...mail }, at);
      if (id) {
        out.mail = true;
        await addCaseEvent(tx, { caseId: c.id, actor: 'system', action: 'update.sent', detail: { agencyId: target.id, agencyName: target.name, recipients: target.emails, changes }, at });
      }
    }
  }

  updatedEvent(c: Pick<Case, 'id' | 'conversationId' | 'status' | 'level'>): PlatformEvent {
    return { type: 'case.updated', caseId: c.id, conversationId: c.conversationId, status: c.status, level: c.level };
  }

  /** An operator or supervisor takes charge of the case: the SLA timer stops, no escalation follows. */
  async acknowledge(caseId: string, actor: Actor): Promise<Case> {
    return this.ctx.run(async (tx, at, out) => {
      const c = await getCase(tx, caseId);
      if (!c) throw new CaseError(404, 'not found', 'Không tìm thấy trường hợp.');
      if (c.kind !== 'urgent') throw new CaseError(409, 'kind', 'Chỉ xác nhận được trường hợp khẩn.');
      if (c.closedAt) throw new CaseError(409, 'closed', 'Trường hợp đã đóng.');
      const claimed = await claimCase(tx, caseId, { acknowledged_at: at, acknowledged_by: actor.id, status: 'acknowledged' }, (qb) => qb.where('acknowledged_at', 'is', null).where('closed_at', 'is', null), at);
      if (!claimed) throw new CaseError(409, 'acknowledged', 'Trường hợp đã được xác nhận trước đó.');
      await addCaseEvent(tx, { caseId, actor: `user:${actor.id}`, action: 'acknowledged', detail: { by: actor.displayName, late: !!c.dueAt && at > c.dueAt }, at });
      await audit(tx, { actorId: actor.id, action: 'case.acknowledge', targetType: 'case', targetId: caseId, at });
      out.events.push(this.updatedEvent(claimed));
      return claimed;
    });
  }
}

/** Complete enough to send without waiting: who, since when, where (district known) and a phone number. */
export function isComplete(c: Case): boolean {
  return !!(c.details.who && c.details.onset && c.districtId && c.details.phone);
}
