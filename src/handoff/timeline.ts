/**
 * Conversation timeline events (claimed, transferred, released, closed…): stored as internal system messages so
 * operators read them in the conversation and transcripts keep them. Citizens never see internal messages.
 */
import type { Conversation } from '../store/conversations';
import type { Executor } from '../store/executor';
import { insertMessage, type Message } from '../store/messages';

export type TimelineEvent =
  | { event: 'queued'; reason: string }
  | { event: 'assigned'; toName: string; toId: string; auto: boolean }
  | { event: 'claimed'; byName: string; byId: string; fromName?: string }
  | { event: 'transferred'; byName: string; byId: string; toName: string; toId: string }
  | { event: 'released'; byName: string; byId: string }
  | { event: 'closed'; byName: string; byId: string; reason: string };

const REASONS: Record<string, string> = {
  requested: 'công dân yêu cầu gặp tổng đài viên',
  fallback: 'trợ lý tự động chưa trả lời được',
  urgent: 'tin nhắn có dấu hiệu khẩn cấp',
};

/** Operator-facing wording of an event (kept here so transcripts and the console agree). */
export function timelineText(e: TimelineEvent): string {
  switch (e.event) {
    case 'queued':
      return `Chuyển vào hàng chờ: ${REASONS[e.reason] ?? e.reason}.`;
    case 'assigned':
      return e.auto ? `Tự động giao cho ${e.toName}.` : `Giao cho ${e.toName}.`;
    case 'claimed':
      return e.fromName ? `${e.byName} đã nhận lại từ ${e.fromName}.` : `${e.byName} đã nhận cuộc trò chuyện.`;
    case 'transferred':
      return `${e.byName} đã chuyển cho ${e.toName}.`;
    case 'released':
      return `${e.byName} đã trả lại cho trợ lý tự động.`;
    case 'closed':
      return `${e.byName} đã kết thúc: ${e.reason}.`;
  }
}

export async function recordTimeline(tx: Executor, conversation: Conversation, e: TimelineEvent, at: string): Promise<Message> {
  return insertMessage(tx, {
    conversationId: conversation.id,
    channel: conversation.channel,
    direction: 'out',
    author: 'system',
    text: timelineText(e),
    status: 'sent',
    internal: true,
    meta: { ...e },
    at,
    processed: true,
  });
}
