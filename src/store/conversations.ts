/** Conversations: one per citizen thread on a channel, from first message to closing. */
import type { ChannelName, ConversationState, UrgencyLevel } from '../domain/types';
import { priorityOf } from '../domain/types';
import type { Executor } from './executor';
import { json, newId, parseJson } from './ids';
import type { ConversationRow } from './schema';

export interface Conversation {
  id: string;
  contactId: string;
  channel: ChannelName;
  externalUserId: string;
  externalThreadId: string;
  state: ConversationState;
  assigneeId: string | null;
  priority: number;
  urgency: UrgencyLevel;
  tags: string[];
  subject: string | null;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string;
  lastCitizenMessageAt: string | null;
  queuedAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
}

export function toConversation(row: ConversationRow): Conversation {
  return {
    id: row.id,
    contactId: row.contact_id,
    channel: row.channel as ChannelName,
    externalUserId: row.external_user_id,
    externalThreadId: row.external_thread_id,
    state: row.state as ConversationState,
    assigneeId: row.assignee_id,
    priority: row.priority,
    urgency: row.urgency as UrgencyLevel,
    tags: parseJson<string[]>(row.tags, []),
    subject: row.subject,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    lastMessageAt: row.last_message_at,
    lastCitizenMessageAt: row.last_citizen_message_at,
    queuedAt: row.queued_at,
    closedAt: row.closed_at,
    closeReason: row.close_reason,
  };
}

/** Request kinds counted in the daily intake (issue 8): how a conversation came to be. */
export type RequestKind = 'new_conversation' | 'reopened' | 'email_thread' | 'voice_call' | 'declaration' | 'phone_call';

export async function findOpenConversation(db: Executor, channel: ChannelName, threadId: string): Promise<Conversation | undefined> {
  const row = await db
    .selectFrom('conversations')
    .selectAll()
    .where('channel', '=', channel)
    .where('external_thread_id', '=', threadId)
    .where('state', '!=', 'closed')
    .orderBy('created_at', 'desc')
    .executeTakeFirst();
  return row && toConversation(row);
}

export async function getConversation(db: Executor, id: string): Promise<Conversation | undefined> {
  const row = await db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toConversation(row);
}

/** Opens a conversation and records the request (tin) it counts as. */
export async function openConversation(
  db: Executor,
  input: { contactId: string; channel: ChannelName; externalUserId: string; externalThreadId: string; subject?: string; at: string },
): Promise<Conversation> {
  const earlier = await db
    .selectFrom('conversations')
    .select('id')
    .where('channel', '=', input.channel)
    .where('external_thread_id', '=', input.externalThreadId)
    .executeTakeFirst();
  const row: ConversationRow = {
    id: newId(),
    contact_id: input.contactId,
    channel: input.channel,
    external_user_id: input.externalUserId,
    external_thread_id: input.externalThreadId,
    state: 'bot',
    assignee_id: null,
    priority: 0,
    urgency: 'none',
    tags: '[]',
    subject: input.subject ?? null,
    created_at: input.at,
    updated_at: input.at,
    last_message_at: input.at,
    last_citizen_message_at: null,
    queued_at: null,
    closed_at: null,
    close_reason: null,
  };
  await db.insertInto('conversations').values(row).execute();
  const kind: RequestKind = earlier
    ? 'reopened'
    : input.channel === 'email'
      ? 'email_thread'
      : input.channel === 'voichat'
        ? 'voice_call'
        : 'new_conversation';
  await recordRequest(db, { channel: input.channel, kind, conversationId: row.id, at: input.at });
  return toConversation(row);
}

export async function recordRequest(db: Executor, r: { channel: ChannelName; kind: RequestKind; conversationId?: string; topic?: string; at: string }): Promise<void> {
  await db
    .insertInto('requests')
    .values({ id: newId(), channel: r.channel, kind: r.kind, conversation_id: r.conversationId ?? null, topic: r.topic ?? null, at: r.at })
    .execute();
}

export async function touchConversation(db: Executor, id: string, at: string, fromCitizen: boolean): Promise<void> {
  await db
    .updateTable('conversations')
    .set({ updated_at: at, last_message_at: at, ...(fromCitizen && { last_citizen_message_at: at }) })
    .where('id', '=', id)
    .execute();
}

export async function setConversationState(
  db: Executor,
  id: string,
  state: ConversationState,
  at: string,
  extra: { assigneeId?: string | null; closeReason?: string } = {},
): Promise<void> {
  await db
    .updateTable('conversations')
    .set({
      state,
      updated_at: at,
      ...(extra.assigneeId !== undefined && { assignee_id: extra.assigneeId }),
      ...(state === 'queued' && { queued_at: at }),
      ...(state === 'bot' && { assignee_id: null, queued_at: null }),
      ...(state === 'closed' && { closed_at: at, close_reason: extra.closeReason ?? null }),
    })
    .where('id', '=', id)
    .execute();
}

/** Raises (never lowers) the urgency of a conversation. */
export async function raiseUrgency(db: Executor, id: string, level: UrgencyLevel, at: string): Promise<void> {
  const current = await db.selectFrom('conversations').select(['urgency']).where('id', '=', id).executeTakeFirst();
  if (!current || priorityOf(current.urgency as UrgencyLevel) >= priorityOf(level)) return;
  await db.updateTable('conversations').set({ urgency: level, priority: priorityOf(level), updated_at: at }).where('id', '=', id).execute();
}

export async function setTags(db: Executor, id: string, tags: string[], at: string): Promise<void> {
  await db.updateTable('conversations').set({ tags: json([...new Set(tags)]), updated_at: at }).where('id', '=', id).execute();
}

/** Waiting and held conversations, most urgent first, then longest waiting. */
export async function listActive(db: Executor, limit = 200): Promise<Conversation[]> {
  const rows = await db
    .selectFrom('conversations')
    .selectAll()
    .where('state', 'in', ['queued', 'human'])
    .orderBy('priority', 'desc')
    .orderBy('queued_at', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toConversation);
}
