/** What a widget shows after a reload or in a new tab: the session's messages and its conversation's state. */
import type { Executor } from '../../src/store/executor';
import { parseJson } from '../../src/store/ids';
import type { WidgetAuthor, WidgetConversationState, WidgetMessage, WidgetQuickReply, WidgetStateView } from './protocol';

const HISTORY_LIMIT = 100;

/** The prefix of our externalIds: `<sessionId>:<clientId>` keeps one session's ids apart from another's. */
export const externalIdOf = (sessionId: string, clientId: string): string => `${sessionId}:${clientId}`;
const clientIdOf = (externalId: string | null): string | undefined => externalId?.slice(externalId.indexOf(':') + 1) || undefined;

export interface ConversationView {
  conversationId: string | null;
  state: WidgetStateView;
}

const INITIAL: WidgetStateView = { state: 'bot', operatorName: null, urgency: 'none' };

/** The latest conversation of a session (any state), with the name of the operator holding it. */
export async function conversationOfSession(db: Executor, sessionId: string): Promise<ConversationView> {
  const row = await db
    .selectFrom('conversations')
    .leftJoin('users', 'users.id', 'conversations.assignee_id')
    .select(['conversations.id', 'conversations.state', 'conversations.urgency', 'users.display_name'])
    .where('conversations.channel', '=', 'webchat')
    .where('conversations.external_thread_id', '=', sessionId)
    .orderBy('conversations.created_at', 'desc')
    .executeTakeFirst();
  if (!row) return { conversationId: null, state: INITIAL };
  return { conversationId: row.id, state: viewOf(row.state, row.display_name, row.urgency) };
}

/** The session a webchat conversation belongs to, and its current state; undefined for other channels. */
export async function sessionOfConversation(db: Executor, conversationId: string): Promise<{ sessionId: string; state: WidgetStateView } | undefined> {
  const row = await db
    .selectFrom('conversations')
    .leftJoin('users', 'users.id', 'conversations.assignee_id')
    .select(['conversations.channel', 'conversations.external_thread_id', 'conversations.state', 'conversations.urgency', 'users.display_name'])
    .where('conversations.id', '=', conversationId)
    .executeTakeFirst();
  if (!row || row.channel !== 'webchat') return undefined;
  return { sessionId: row.external_thread_id, state: viewOf(row.state, row.display_name, row.urgency) };
}

function viewOf(state: string, operatorName: string | null, urgency: string): WidgetStateView {
  return { state: state as WidgetConversationState, operatorName: state === 'human' ? operatorName : null, urgency };
}

/** The last messages of every conversation of the session, oldest first; internal notes are never included. */
export async function historyOfSession(db: Executor, sessionId: string): Promise<WidgetMessage[]> {
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select(['messages.id', 'messages.author', 'messages.author_name', 'messages.text', 'messages.quick_replies', 'messages.external_id', 'messages.direction', 'messages.created_at'])
    .where('conversations.channel', '=', 'webchat')
    .where('conversations.external_thread_id', '=', sessionId)
    .where('messages.internal', '=', 0)
    .orderBy('messages.created_at', 'desc')
    // Ties (one turn's replies share a time): the question before its answers…
    .orderBy('messages.direction', 'desc')
    // …and the answers in the order they were written (ids are time-ordered).
    .orderBy('messages.id', 'desc')
    .limit(HISTORY_LIMIT)
    .execute();
  return rows.reverse().map((row) => {
    const quickReplies = parseJson<WidgetQuickReply[]>(row.quick_replies, []);
    return {
      id: row.id,
      ...(row.direction === 'in' && { clientId: clientIdOf(row.external_id) }),
      author: row.author as WidgetAuthor,
      authorName: row.direction === 'in' ? null : row.author_name,
      text: row.text,
      ...(quickReplies.length > 0 && { quickReplies }),
      at: row.created_at,
    };
  });
}

/** The ids among `ids` that are outbound messages of this session's conversations (receipts of someone else's are ignored). */
export async function ownOutboundIds(db: Executor, sessionId: string, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db
    .selectFrom('messages')
    .innerJoin('conversations', 'conversations.id', 'messages.conversation_id')
    .select('messages.id')
    .where('conversations.channel', '=', 'webchat')
    .where('conversations.external_thread_id', '=', sessionId)
    .where('messages.direction', '=', 'out')
    .where('messages.id', 'in', ids)
    .execute();
  return rows.map((r) => r.id);
}
