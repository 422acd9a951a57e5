/**
 * Our OutboundMessage → Send API request bodies: the text split under Messenger's limit on sentence boundaries,
 * quick replies within Messenger's limits, and the messaging_type (or HUMAN_AGENT tag) the 24-hour window allows.
 * splitText and layoutChoices are channel-neutral and also used by the Zalo connector.
 */
import type { OutboundMessage, QuickReply } from '../types';

/** The Send API reference: text "< 2000 characters". */
export const MESSENGER_MAX_TEXT = 1999;
export const MESSENGER_MAX_QUICK_REPLIES = 13;
/** Longer titles are cut by Messenger after 20 characters. */
export const MESSENGER_MAX_QUICK_REPLY_TITLE = 20;
const MAX_PAYLOAD = 1000;
const HOUR = 3600_000;
export const STANDARD_WINDOW_MS = 24 * HOUR;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * HOUR;

// A boundary after sentence-ending punctuation (with closing quotes/brackets) and spaces, or after a line break.
const SENTENCE_BOUNDARY = /(?<=[.!?…]["”’')\]]*\s+|\n\s*)(?=\S)/u;

/**
 * Splits a text into parts of at most `limit` UTF-16 units, cutting between sentences where possible, then between
 * words, and only as a last resort inside a word (never inside a surrogate pair).
 */
export function splitText(text: string, limit: number): string[] {
  const clean = text.trim();
  if (!clean) return [];
  if (clean.length <= limit) return [clean];
  const pieces = clean.split(SENTENCE_BOUNDARY).flatMap((s) => (s.length <= limit ? [s] : splitLong(s, limit)));
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && (current + piece).trimEnd().length > limit) {
      parts.push(current.trim());
      current = '';
    }
    current += piece;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** A sentence longer than the limit: cut between words, then inside over-long words. */
function splitLong(sentence: string, limit: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of sentence.split(/(?<=\s)(?=\S)/u)) {
    if (word.trimEnd().length > limit) {
      if (current) out.push(current);
      current = '';
      let chunk = '';
      for (const ch of word) {
        if ((chunk + ch).length > limit) {
          out.push(chunk);
          chunk = '';
        }
        chunk += ch;
      }
      current = chunk;
      continue;
    }
    if (current && (current + word).trimEnd().length > limit) {
      out.push(current);
      current = '';
    }
    current += word;
  }
  if (current) out.push(current);
  return out;
}

export interface ChoiceLimits {
  maxCount: number;
  maxTitle: number;
}

/**
 * Fits quick-reply options into a channel's limits. When every option fits, they stay as they are. Otherwise the
 * options are written into the text as a numbered list (unless the text already shows each of them) and the
 * buttons become "1", "2"… with the same payloads, as many as the channel shows.
 */
export function layoutChoices(text: string, options: readonly QuickReply[], limits: ChoiceLimits): { text: string; choices: QuickReply[] } {
  const usable = options.filter((o) => o.title.trim() && o.payload);
  if (!usable.length) return { text, choices: [] };
  const fits = usable.length <= limits.maxCount && usable.every((o) => o.title.trim().length <= limits.maxTitle);
  if (fits) return { text, choices: usable.map((o) => ({ title: o.title.trim(), payload: o.payload.slice(0, MAX_PAYLOAD) })) };
  const alreadyListed = usable.every((o) => text.includes(o.title.trim()));
  const list = usable.map((o, i) => `${i + 1}. ${o.title.trim()}`).join('\n');
  return {
    text: alreadyListed ? text : [text.trim(), list].filter(Boolean).join('\n\n'),
    choices: usable.slice(0, limits.maxCount).map((o, i) => ({ title: String(i + 1), payload: o.payload.slice(0, MAX_PAYLOAD) })),
  };
}

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
