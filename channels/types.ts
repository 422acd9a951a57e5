/**
 * The contract every channel connector implements. A connector turns its channel's payloads into
 * InboundMessages (handed to ChannelContext.receive, which stores them before the connector acknowledges),
 * and sends OutboundMessages taken from the outbox by the delivery worker.
 */
import type { Router } from 'express';
import type { Attachment, ChannelName, QuickReply } from '../src/domain/types';

export type { Attachment, ChannelName, QuickReply };

export interface InboundMessage {
  channel: ChannelName;
  /** The channel's id of this message (Zalo msg_id, Messenger mid, email Message-ID…): the dedupe key. */
  externalId: string;
  /** The channel's id of the citizen (PSID, Zalo user id, email address, app userId…). */
  externalUserId: string;
  /** A thread inside the channel (an email thread root); one thread = one conversation. Defaults to the user. */
  externalThreadId?: string;
  /** What the bot reads (for email: without quotes and signatures). May be empty for attachments or events. */
  text: string;
  /** A quick-reply payload or postback: the bot treats it as a choice. */
  choice?: string;
  attachments?: Attachment[];
  /** What the channel tells about the citizen; phone and email link identities across channels. */
  profile?: { name?: string; phone?: string; email?: string };
  /** follow: a citizen subscribed (Zalo follow, Messenger get started) — the bot sends its welcome. */
  kind?: 'message' | 'follow';
  /** Channel-specific data kept for operators (full email, subject, headers…). */
  meta?: Record<string, unknown>;
  receivedAt?: Date;
}

export interface ReceiveResult {
  conversationId: string;
  messageId: string;
  /** True when this externalId was already stored: nothing new was stored or processed. */
  duplicate: boolean;
}

export interface OutboundMessage {
  /** The outbox row id: every payload carries it so a receiver can drop a repeat. */
  outboxId: string;
  conversationId: string;
  channel: ChannelName;
  externalUserId: string;
  externalThreadId?: string;
  text: string;
  quickReplies?: QuickReply[];
  author: 'bot' | 'operator' | 'system';
  /** Display name of the author (operator's name, or the bot's). */
  authorName?: string;
  /** Channel-specific hints (email subject and references, Messenger tag…). */
  meta?: Record<string, unknown>;
  /** How many times delivery was already tried (0 on the first try). */
  attempt: number;
}

export type SendResult =
  | { ok: true; externalId?: string }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number };

export interface ChannelCapabilities {
  /** Longest text one message may carry; longer replies are split by the connector's format step. */
  maxTextLength: number;
  /** How many quick replies the channel shows (0: none; the text lists the options instead). */
  maxQuickReplies: number;
  /** Replies are spoken: no links, markdown or emoji. */
  speech: boolean;
  typingIndicator: boolean;
}

/** Delivery/read receipts reported by a channel. */
export interface DeliveryUpdate {
  channel: ChannelName;
  status: 'delivered' | 'read';
  /** Our outbox ids or the channel's ids of our outbound messages. */
  externalIds?: string[];
  externalUserId?: string;
  /** Messenger's watermark: everything sent to this user before it. */
  watermark?: Date;
}

export interface Logger {
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  debug(obj: object | string, msg?: string): void;
}

/** What the platform gives a connector. */
export interface ChannelContext {
  /** Stores the message durably (deduped) and schedules its processing. Acknowledge only after it resolves. */
  receive(message: InboundMessage): Promise<ReceiveResult>;
  /**
   * Stores the message and runs its turn at once, returning the replies the turn produced; the caller
   * delivers them in its HTTP response (synchronous channels such as a voice gateway) and they are marked sent.
   */
  receiveAndReply?(message: InboundMessage): Promise<ReceiveResult & { replies: OutboundMessage[] }>;
  updateDelivery(update: DeliveryUpdate): Promise<void>;
  log: Logger;
}

export interface ChannelConnector {
  readonly name: ChannelName;
  readonly capabilities: ChannelCapabilities;
  /** Mount webhooks. The router sees raw bodies: req.body is a Buffer (verify signatures over it). */
  mount?(router: Router, ctx: ChannelContext): void;
  /** Start pollers (IMAP…). */
  start?(ctx: ChannelContext): Promise<void>;
  stop?(): Promise<void>;
  send(message: OutboundMessage): Promise<SendResult>;
  /** Optional typing indicator while the bot works. */
  typing?(externalUserId: string, on: boolean): Promise<void>;
}
