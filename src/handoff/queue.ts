/**
 * The operators' view of the queue: waiting conversations ordered by urgency then waiting time, with their SLA due
 * time, and the conversations operators hold. One query, the same on SQLite and PostgreSQL.
 */
import type { ChannelName, ConversationState, UrgencyLevel } from '../domain/types';
import type { Executor } from '../store/executor';
import { parseJson } from '../store/ids';

export interface QueueItem {
  id: string;
  channel: ChannelName;
  state: ConversationState;
  urgency: UrgencyLevel;
  assigneeId: string | null;
  assigneeName: string | null;
  contactName: string | null;
  subject: string | null;
  tags: string[];
  queuedAt: string | null;
  lastMessageAt: string;
  lastCitizenMessageAt: string | null;
  /** The citizen's latest message, for a preview. */
  lastText: string | null;
  /** Who wrote last (not counting internal notes): 'citizen' means a reply is awaited. */
  lastAuthor: string | null;
  /** Waiting conversations: when they should be taken; held ones: null. */
  slaDueAt: string | null;
}

export interface SlaSettings {
  /** Minutes for an ordinary waiting conversation. */
  queueMinutes: number;
  /** Minutes for an urgent or emergency one. */
  urgentMinutes: number;
}

export function slaDueAt(queuedAt: string | null, urgency: UrgencyLevel, sla: SlaSettings): string | null {
  if (!queuedAt) return null;
  const minutes = urgency === 'none' ? sla.queueMinutes : sla.urgentMinutes;
  return new Date(new Date(queuedAt).getTime() + minutes * 60_000).toISOString();
}

export async function listQueue(db: Executor, sla: SlaSettings, filter: { ids?: string[]; limit?: number } = {}): Promise<QueueItem[]> {
  let q = db
    .selectFrom('conversations')
    .leftJoin('contacts', 'contacts.id', 'conversations.contact_id')
    .leftJoin('users', 'users.id', 'conversations.assignee_id')
    .select([
      'conversations.id',
      'conversations.channel',
      'conversations.state',
      'conversations.urgency',
      'conversations.priority',
      'conversations.assignee_id',
      'conversations.subject',
      'conversations.tags',
      'conversations.queued_at',
      'conversations.updated_at',
      'conversations.last_message_at',
      'conversations.last_citizen_message_at',
      'contacts.name as contact_name',
      'users.display_name as assignee_name',
    ])
    .select((eb) => [
      eb
        .selectFrom('messages')
        .select('messages.text')
        .whereRef('messages.conversation_id', '=', 'conversations.id')
        .where('messages.direction', '=', 'in')
        .orderBy('messages.created_at', 'desc')
        .limit(1)
        .as('last_text'),
      eb
        .selectFrom('messages')
        .select('messages.author')
        .whereRef('messages.conversation_id', '=', 'conversations.id')
        .where('messages.internal', '=', 0)
        .orderBy('messages.created_at', 'desc')
        .limit(1)
        .as('last_author'),
    ])
    .orderBy('conversations.priority', 'desc')
    .orderBy('conversations.queued_at', 'asc')
    .orderBy('conversations.updated_at', 'asc')
    .limit(filter.limit ?? 300);
  q = filter.ids ? q.where('conversations.id', 'in', filter.ids.length ? filter.ids : ['']) : q.where('conversations.state', 'in', ['queued', 'human']);
  const rows = await q.execute();
  return rows.map((r) => {
    const urgency = r.urgency as UrgencyLevel;
    const state = r.state as ConversationState;
    return {
      id: r.id,
      channel: r.channel as ChannelName,
      state,
      urgency,
      assigneeId: r.assignee_id,
      assigneeName: r.assignee_name ?? null,
      contactName: r.contact_name ?? null,
      subject: r.subject,
      tags: parseJson<string[]>(r.tags, []),
      queuedAt: r.queued_at,
      lastMessageAt: r.last_message_at,
      lastCitizenMessageAt: r.last_citizen_message_at,
      lastText: r.last_text ?? null,
      lastAuthor: r.last_author ?? null,
      slaDueAt: state === 'queued' ? slaDueAt(r.queued_at, urgency, sla) : null,
    };
  });
}

/** How many conversations each operator holds now. */
export async function operatorLoads(db: Executor): Promise<Map<string, number>> {
  const rows = await db
    .selectFrom('conversations')
    .select(['assignee_id', (e) => e.fn.countAll().as('n')])
    .where('state', '=', 'human')
    .where('assignee_id', 'is not', null)
    .groupBy('assignee_id')
    .execute();
  return new Map(rows.map((r) => [r.assignee_id as string, Number(r.n)]));
}
