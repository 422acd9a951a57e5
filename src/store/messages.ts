/** Messages of a conversation, in and out; inbound ones are deduped on (channel, external id). */
import type { Attachment, Author, ChannelName, DeliveryStatus, Direction, QuickReply, UrgencyLevel } from '../domain/types';
import type { Executor } from './executor';
import { json, newId, parseJson } from './ids';
import type { MessageRow } from './schema';

export interface Message {
  id: string;
  conversationId: string;
  channel: ChannelName;
  direction: Direction;
  author: Author;
  authorId: string | null;
  authorName: string | null;
  text: string;
  choice: string | null;
  attachments: Attachment[];
  quickReplies: QuickReply[];
  externalId: string | null;
  status: DeliveryStatus;
  statusReason: string | null;
  internal: boolean;
  urgency: UrgencyLevel;
  symptoms: string[];
  meta: Record<string, unknown>;
  createdAt: string;
  processedAt: string | null;
}

export function toMessage(row: MessageRow): Message {
  return {
    id: row.id,
    conversationId: row.conversation_id,
    channel: row.channel as ChannelName,
    direction: row.direction as Direction,
    author: row.author as Author,
    authorId: row.author_id,
    authorName: row.author_name,
    text: row.text,
    choice: row.choice,
    attachments: parseJson<Attachment[]>(row.attachments, []),
    quickReplies: parseJson<QuickReply[]>(row.quick_replies, []),
    externalId: row.external_id,
    status: row.status as DeliveryStatus,
    statusReason: row.status_reason,
    internal: row.internal === 1,
    urgency: row.urgency as UrgencyLevel,
    symptoms: parseJson<string[]>(row.symptoms, []),
    meta: parseJson<Record<string, unknown>>(row.meta, {}),
    createdAt: row.created_at,
    processedAt: row.processed_at,
  };
}

export async function findInbound(db: Executor, channel: ChannelName, externalId: string): Promise<Message | undefined> {
  const row = await db
    .selectFrom('messages')
    .selectAll()
    .where('channel', '=', channel)
    .where('external_id', '=', externalId)
    .where('direction', '=', 'in')
    .executeTakeFirst();
  return row && toMessage(row);
}

export interface NewMessage {
  conversationId: string;
  channel: ChannelName;
  direction: Direction;
  author: Author;
  authorId?: string | null;
  authorName?: string | null;
  text: string;
  choice?: string | null;
  attachments?: Attachment[];
  quickReplies?: QuickReply[];
  externalId?: string | null;
  status: DeliveryStatus;
  internal?: boolean;
  meta?: Record<string, unknown>;
  at: string;
  /** Outbound and internal messages need no processing. */
  processed?: boolean;
}

export async function insertMessage(db: Executor, m: NewMessage): Promise<Message> {
  const row: MessageRow = {
    id: newId(),
    conversation_id: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    author: m.author,
    author_id: m.authorId ?? null,
    author_name: m.authorName ?? null,
    text: m.text,
    choice: m.choice ?? null,
    attachments: json(m.attachments ?? []),
    quick_replies: json(m.quickReplies ?? []),
    external_id: m.externalId ?? null,
    status: m.status,
    status_reason: null,
    internal: m.internal ? 1 : 0,
    urgency: 'none',
    symptoms: '[]',
    meta: json(m.meta ?? {}),
    created_at: m.at,
    processed_at: m.processed ? m.at : null,
  };
  await db.insertInto('messages').values(row).execute();
  return toMessage(row);
}

export async function getMessage(db: Executor, id: string): Promise<Message | undefined> {
  const row = await db.selectFrom('messages').selectAll().where('id', '=', id).executeTakeFirst();
  return row && toMessage(row);
}

export async function markProcessed(db: Executor, id: string, at: string, triage?: { level: UrgencyLevel; symptoms: string[] }): Promise<void> {
  await db
    .updateTable('messages')
    .set({ processed_at: at, ...(triage && { urgency: triage.level, symptoms: json(triage.symptoms) }) })
    .where('id', '=', id)
    .execute();
}

export async function setDeliveryStatus(db: Executor, id: string, status: DeliveryStatus, reason?: string | null, externalId?: string): Promise<void> {
  await db
    .updateTable('messages')
    .set({ status, status_reason: reason ?? null, ...(externalId && { external_id: externalId }) })
    .where('id', '=', id)
    .execute();
}

/** Inbound messages stored but not yet processed (a crash between acknowledge and turn), oldest first. */
export async function listUnprocessed(db: Executor, olderThan: string, limit = 100): Promise<Message[]> {
  const rows = await db
    .selectFrom('messages')
    .selectAll()
    .where('processed_at', 'is', null)
    .where('created_at', '<=', olderThan)
    .orderBy('created_at', 'asc')
    .limit(limit)
    .execute();
  return rows.map(toMessage);
}

/** The latest `limit` messages of a contact across all its conversations and channels, oldest first. */
export async function listContactMessages(db: Executor, contactId: string, limit = 500): Promise<Message[]> {
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .selectAll('messages')
    .where('conversations.contact_id', '=', contactId)
    .orderBy('messages.created_at', 'desc')
    .orderBy('messages.id', 'desc')
    .limit(limit)
    .execute();
  return rows.reverse().map(toMessage);
}

const STATUS_ORDER = ['pending', 'sent', 'delivered', 'read'];

/** Raises the status of our outbound messages named by the channel's ids or our outbox/message ids (never lowers it). */
export async function raiseOutboundStatus(
  db: Executor,
  filter: { channel: ChannelName; externalIds?: string[]; externalUserId?: string; before?: string },
  status: 'delivered' | 'read',
): Promise<string[]> {
  const lower = STATUS_ORDER.slice(0, STATUS_ORDER.indexOf(status));
  let q = db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.conversation_id'])
    .where('messages.channel', '=', filter.channel)
    .where('messages.direction', '=', 'out')
    .where('messages.status', 'in', lower);
  if (filter.externalIds?.length) {
    const ids = filter.externalIds;
    q = q.where((eb) => eb.or([eb('messages.external_id', 'in', ids), eb('messages.id', 'in', ids)]));
  } else if (filter.externalUserId && filter.before) {
    q = q.where('conversations.external_user_id', '=', filter.externalUserId).where('messages.created_at', '<=', filter.before);
  } else return [];
  const rows = await q.execute();
  if (!rows.length) return [];
  await db.updateTable('messages').set({ status }).where('id', 'in', rows.map((r) => r.id)).execute();
  return rows.map((r) => `${r.conversation_id}:${r.id}`);
}
