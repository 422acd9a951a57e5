/**
 * Our OutboundMessage → Send API request bodies: the text split under Messenger's limit on sentence boundaries,
 * quick replies within Messenger's limits, and the messaging_type (or HUMAN_AGENT tag) the 24-hour window allows.
 */
import { layoutChoices, splitText } from '../text';
import type { OutboundMessage } from '../types';

export { layoutChoices, splitText };

/** The Send API reference: text "< 2000 characters". */
export const MESSENGER_MAX_TEXT = 1999;
export const MESSENGER_MAX_QUICK_REPLIES = 13;
/** Longer titles are cut by Messenger after 20 characters. */
export const MESSENGER_MAX_QUICK_REPLY_TITLE = 20;
const HOUR = 3600_000;
export const STANDARD_WINDOW_MS = 24 * HOUR;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

export type MessagingPolicy =
  | { ok: true; messagingType: 'RESPONSE' | 'MESSAGE_TAG'; tag?: 'HUMAN_AGENT' }
  | { ok: false; reason: string };

/** Reasons operators read when Messenger's windows forbid a send. */
export const WINDOW_REASONS = {
  botAfter24h:
    'Không gửi được qua Messenger: đã quá 24 giờ kể từ tin nhắn cuối của người dân. Sau 24 giờ, chỉ tổng đài viên được trả lời (trong 7 ngày).',
  operatorAfter7d:
    'Không gửi được qua Messenger: đã quá 7 ngày kể từ tin nhắn cuối của người dân. Vui lòng liên hệ người dân qua kênh khác (điện thoại, Zalo, email).',
};

/**
 * RESPONSE inside 24 h of the citizen's last message; after that only an operator may write, with the HUMAN_AGENT
 * tag, up to 7 days. The time comes from meta.lastCitizenMessageAt (written by the pipeline); without it the send is
 * tried as RESPONSE and Messenger's own window error decides.
 */
export function messagingPolicy(message: Pick<OutboundMessage, 'author' | 'meta'>, now: Date): MessagingPolicy {
  const last = lastCitizenMessageAt(message.meta);
  if (!last) return { ok: true, messagingType: 'RESPONSE' };
  const age = now.getTime() - last.getTime();
  if (age < STANDARD_WINDOW_MS) return { ok: true, messagingType: 'RESPONSE' };
  if (message.author !== 'operator') return { ok: false, reason: WINDOW_REASONS.botAfter24h };
  if (age < HUMAN_AGENT_WINDOW_MS) return { ok: true, messagingType: 'MESSAGE_TAG', tag: 'HUMAN_AGENT' };
  return { ok: false, reason: WINDOW_REASONS.operatorAfter7d };
}

export function lastCitizenMessageAt(meta: Record<string, unknown> | undefined): Date | undefined {
  const value = meta?.lastCitizenMessageAt;
  if (typeof value !== 'string' || !value) return undefined;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? undefined : at;
}

export interface SendApiMessage {
  text: string;
  quick_replies?: Array<{ content_type: 'text'; title: string; payload: string }>;
  metadata: string;
}

export interface SendApiBody {
  recipient: { id: string };
  messaging_type: 'RESPONSE' | 'MESSAGE_TAG';
  tag?: 'HUMAN_AGENT';
  message: SendApiMessage;
}

/**
 * The Send API bodies for one outbound message, in order: long texts become several messages, the quick replies go
 * with the last one, and every message carries the outbox id as metadata (echoed back by Messenger).
 */
export function toSendApiBodies(message: OutboundMessage, policy: Extract<MessagingPolicy, { ok: true }>): SendApiBody[] {
  const { text, choices } = layoutChoices(message.text, message.quickReplies ?? [], {
    maxCount: MESSENGER_MAX_QUICK_REPLIES,
    maxTitle: MESSENGER_MAX_QUICK_REPLY_TITLE,
  });
  const parts = splitText(text, MESSENGER_MAX_TEXT);
  return parts.map((part, i) => ({
    recipient: { id: message.externalUserId },
    messaging_type: policy.messagingType,
    ...(policy.tag && { tag: policy.tag }),
    message: {
      text: part,
      ...(i === parts.length - 1 && choices.length && { quick_replies: choices.map((c) => ({ content_type: 'text' as const, title: c.title, payload: c.payload })) }),
      metadata: message.outboxId,
    },
  }));
}
