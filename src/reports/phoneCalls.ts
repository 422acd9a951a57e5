/**
 * Calls to (0271) 1022 logged by operators in a few seconds: caller number, topic, urgency, a short note, outcome.
 * Each call is a request of kind `phone_call` and a closed conversation on the `phone` channel (so the caller's
 * history joins their other contacts). An urgent call goes through the same urgent-case hook as a citizen message:
 * the note is stored as the caller's message, triaged, and handed to the cases' `onUrgent` in one transaction.
 */
import '../cases/schema';
import { priorityOf, type TriageVerdict, type UrgencyLevel } from '../domain/types';
import type { EventBus, PlatformEvent } from '../pipeline/events';
import type { TurnContextInfo } from '../pipeline/pipeline';
import { audit } from '../store/audit';
import type { Clock } from '../store/clock';
import { recordRequest, toConversation } from '../store/conversations';
import { resolveContact } from '../store/contacts';
import type { DbHandle } from '../store/db';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { insertMessage, markProcessed } from '../store/messages';
import type { ConversationRow } from '../store/schema';
import { ReportsError } from './errors';
import type { Texts } from './levelSettings';
import './schema';
import type { Topic } from './topics';

export const PHONE_OUTCOMES = ['answered', 'transferred', 'callback', 'dropped'] as const;
export type PhoneOutcome = (typeof PHONE_OUTCOMES)[number];
const URGENCIES: UrgencyLevel[] = ['none', 'urgent', 'emergency'];
const MAX_NOTE = 1000;

export interface PhoneCall {
  id: string;
  at: string;
  operatorId: string;
  operatorName: string | null;
  callerNumber: string;
  topic: string;
  urgency: UrgencyLevel;
  note: string;
  outcome: PhoneOutcome;
  conversationId: string;
  caseId: string | null;
  caseCode: string | null;
}

export interface PhoneCallDeps {
  store: DbHandle;
  clock: Clock;
  bus: EventBus;
  texts: Texts;
  topics(): Topic[];
  /** The platform's triage (symptoms in the note; may raise the operator's level, never lowers it). */
  triage?(text: string): TriageVerdict;
  /** The cases' urgent hook (the same one the pipeline calls for an urgent message). */
  onUrgent?(tx: Executor, info: TurnContextInfo): Promise<void>;
}

/** "0912 345.678" → "0912345678"; "+84 912…" kept with its plus. Undefined when it is not a phone number. */
export function normalisePhone(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const compact = value.trim().replace(/[\s.\-()]/g, '');
  return /^\+?\d{3,15}$/.test(compact) ? compact : undefined;
}

export class PhoneCalls {
  constructor(private deps: PhoneCallDeps) {}

  async log(input: Record<string, unknown>, actor: { id: string; displayName: string }): Promise<PhoneCall> {
    const callerNumber = normalisePhone(input.callerNumber);
    if (!callerNumber) throw new ReportsError(400, 'callerNumber', 'Số điện thoại người gọi chỉ gồm chữ số (3–15 số).');
    const topics = this.deps.topics();
    const topic = topics.find((t) => t.id === input.topic);
    if (!topic) throw new ReportsError(400, 'topic', 'Vui lòng chọn chủ đề cuộc gọi.');
    const urgency = (input.urgency ?? 'none') as UrgencyLevel;
    if (!URGENCIES.includes(urgency)) throw new ReportsError(400, 'urgency', 'Mức độ khẩn không hợp lệ.');
    const outcome = input.outcome as PhoneOutcome;
    if (!PHONE_OUTCOMES.includes(outcome)) throw new ReportsError(400, 'outcome', 'Vui lòng chọn kết quả cuộc gọi.');
    const note = typeof input.note === 'string' ? input.note.normalize('NFC').replace(/\s+/g, ' ').trim() : '';
    if (note.length > MAX_NOTE) throw new ReportsError(400, 'note', `Ghi chú dài tối đa ${MAX_NOTE} ký tự.`);
    if (urgency !== 'none' && !note) throw new ReportsError(400, 'note', 'Cuộc gọi khẩn cần ghi chú: ai, triệu chứng gì, ở đâu.');

    const at = this.deps.clock.now().toISOString();
    const id = newId();
    const text = this.deps.texts('phone.message', { caller: callerNumber, topic: topic.title, note: note || '—' });
    const verdict = this.verdictOf(urgency, note);
    const events: PlatformEvent[] = [];
    const call = await this.deps.store.db.transaction().execute(async (tx) => {
      const contactId = await resolveContact(tx, 'phone', callerNumber, { phone: callerNumber }, at);
      const row: ConversationRow = {
        id: newId(),
        contact_id: contactId,
        channel: 'phone',
        external_user_id: callerNumber,
        external_thread_id: `call:${id}`,
        state: 'closed',
        assignee_id: actor.id,
        priority: priorityOf(verdict.level),
        urgency: verdict.level,
        tags: '[]',
        subject: topic.title,
        created_at: at,
        updated_at: at,
        last_message_at: at,
        last_citizen_message_at: at,
        queued_at: null,
        closed_at: at,
        close_reason: this.deps.texts(`phone.outcome.${outcome}`),
      };
      await tx.insertInto('conversations').values(row).execute();
      await recordRequest(tx, { channel: 'phone', kind: 'phone_call', conversationId: row.id, topic: topic.id, at });
      const message = await insertMessage(tx, {
        conversationId: row.id,
        channel: 'phone',
        direction: 'in',
        author: 'citizen',
        text,
        externalId: `call:${id}`,
        status: 'received',
        meta: { phoneCall: id, loggedBy: actor.id, outcome },
        at,
      });
      await markProcessed(tx, message.id, at, verdict);
      let caseId: string | null = null;
      let caseCode: string | null = null;
      if (verdict.level !== 'none' && this.deps.onUrgent) {
        const info: TurnContextInfo = { conversation: toConversation(row), message: { ...message, urgency: verdict.level, symptoms: verdict.symptoms }, verdict, now: at, written: [] };
        await this.deps.onUrgent(tx, info);
        const c = await tx.selectFrom('cases').select(['id', 'code']).where('conversation_id', '=', row.id).where('kind', '=', 'urgent').executeTakeFirst();
        caseId = c?.id ?? null;
        caseCode = c?.code ?? null;
        events.push({ type: 'urgent.alert', conversationId: row.id, level: verdict.level, symptoms: verdict.symptoms });
      }
      await tx
        .insertInto('phone_calls')
        .values({ id, at, operator_id: actor.id, caller_number: callerNumber, topic: topic.id, urgency: verdict.level, note, outcome, conversation_id: row.id, case_id: caseId })
        .execute();
      await audit(tx, { actorId: actor.id, action: 'phone.log', targetType: 'conversation', targetId: row.id, detail: { callId: id, topic: topic.id, urgency: verdict.level, outcome, caseId }, at });
      // message.created for the caller's message is what the urgent-case hook waits for to send its mail.
      events.unshift({ type: 'message.created', conversationId: row.id, messageId: message.id, direction: 'in', author: 'citizen' });
      events.push({ type: 'phone.logged', callId: id, conversationId: row.id, urgency: verdict.level });
      return { id, at, operatorId: actor.id, operatorName: actor.displayName, callerNumber, topic: topic.id, urgency: verdict.level, note, outcome, conversationId: row.id, caseId, caseCode };
    });
    for (const e of events) this.deps.bus.publish(e);
    return call;
  }

  /** The operator's urgency, raised (never lowered) by triage of the note; symptoms from triage. */
  private verdictOf(urgency: UrgencyLevel, note: string): TriageVerdict {
    if (urgency === 'none') return { level: 'none', symptoms: [] };
    let found: TriageVerdict = { level: 'none', symptoms: [] };
    try {
      found = this.deps.triage?.(note) ?? found;
    } catch {
      // triage failing must not lose the call: the operator's judgement stands
    }
    return { level: priorityOf(found.level) > priorityOf(urgency) ? found.level : urgency, symptoms: found.symptoms };
  }

  async list(filter: { from: Date; to: Date; limit?: number }): Promise<PhoneCall[]> {
    const rows = await this.deps.store.db
      .selectFrom('phone_calls')
      .leftJoin('users', 'users.id', 'phone_calls.operator_id')
      .leftJoin('cases', 'cases.id', 'phone_calls.case_id')
      .select([
        'phone_calls.id',
        'phone_calls.at',
        'phone_calls.operator_id',
        'users.display_name',
        'phone_calls.caller_number',
        'phone_calls.topic',
        'phone_calls.urgency',
        'phone_calls.note',
        'phone_calls.outcome',
        'phone_calls.conversation_id',
        'phone_calls.case_id',
        'cases.code',
      ])
      .where('phone_calls.at', '>=', filter.from.toISOString())
      .where('phone_calls.at', '<', filter.to.toISOString())
      .orderBy('phone_calls.at', 'desc')
      .limit(filter.limit ?? 200)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      operatorId: r.operator_id,
      operatorName: r.display_name ?? null,
      callerNumber: r.caller_number,
      topic: r.topic,
      urgency: r.urgency as UrgencyLevel,
      note: r.note,
      outcome: r.outcome as PhoneOutcome,
      conversationId: r.conversation_id,
      caseId: r.case_id,
      caseCode: r.code ?? null,
    }));
  }
}
