/** Writes a message we send: the message row and its outbox row, in the caller's transaction. */
import type { OutboundMessage } from '../../channels/types';
import type { QuickReply } from '../domain/types';
import type { Conversation } from '../store/conversations';
import type { Executor } from '../store/executor';
import { insertMessage } from '../store/messages';
import { enqueue } from '../store/outbox';

export interface OutboundDraft {
  text: string;
  quickReplies?: QuickReply[];
  author: 'bot' | 'operator' | 'system';
  authorId?: string | null;
  authorName?: string;
  meta?: Record<string, unknown>;
}

export interface WrittenOutbound {
  messageId: string;
  outboxId: string;
  message: Omit<OutboundMessage, 'outboxId' | 'attempt'>;
}

export async function writeOutbound(db: Executor, conversation: Conversation, draft: OutboundDraft, at: string): Promise<WrittenOutbound> {
  const message = await insertMessage(db, {
    conversationId: conversation.id,
    channel: conversation.channel,
    direction: 'out',
    author: draft.author,
    authorId: draft.authorId ?? null,
    authorName: draft.authorName ?? null,
    text: draft.text,
    quickReplies: draft.quickReplies,
    status: 'pending',
    meta: draft.meta,
    at,
    processed: true,
  });
  const payload: Omit<OutboundMessage, 'outboxId' | 'attempt'> = {
    conversationId: conversation.id,
    channel: conversation.channel,
    externalUserId: conversation.externalUserId,
    externalThreadId: conversation.externalThreadId,
    text: draft.text,
    ...(draft.quickReplies?.length && { quickReplies: draft.quickReplies }),
    author: draft.author,
    ...(draft.authorName && { authorName: draft.authorName }),
    // The connector needs the citizen's last message time for channel windows (Messenger 24 h, Zalo 7 days).
    meta: { ...draft.meta, messageId: message.id, lastCitizenMessageAt: conversation.lastCitizenMessageAt },
  };
  const outboxId = await enqueue(db, message.id, payload, at);
  return { messageId: message.id, outboxId, message: payload };
}
