/**
 * The payloads exchanged between the widget (browser bundle) and the server over socket.io namespace /widget.
 * Types only: the browser bundle imports this file too, so it must not import anything at run time.
 */

export type WidgetAuthor = 'citizen' | 'bot' | 'operator' | 'system';
export type WidgetConversationState = 'bot' | 'queued' | 'human' | 'closed';

export interface WidgetQuickReply {
  title: string;
  payload: string;
}

export interface WidgetMessage {
  /** Server id of the message (messages.id); citizen messages also carry their clientId. */
  id: string;
  clientId?: string;
  author: WidgetAuthor;
  authorName: string | null;
  text: string;
  quickReplies?: WidgetQuickReply[];
  /** ISO time. */
  at: string;
}

export interface WidgetStateView {
  state: WidgetConversationState;
  /** Display name of the operator holding the conversation (state 'human'). */
  operatorName: string | null;
  /** none | urgent | emergency: the widget shows a safety notice when not none. */
  urgency: string;
}

export interface WidgetLimits {
  maxText: number;
  messagesPerMinute: number;
}

export interface HelloPayload {
  token?: string;
}

export interface SessionPayload {
  token: string;
  conversationId: string | null;
  state: WidgetStateView;
  history: WidgetMessage[];
  limits: WidgetLimits;
}

export interface CitizenMessagePayload {
  /** Client-generated id (8–64 of A-Z a-z 0-9 _ -): a repeat after a reconnect is stored once. */
  clientId: string;
  text: string;
  /** The payload of a tapped quick reply. */
  choice?: string;
}

export type MessageRefusal = 'invalid' | 'no_session' | 'too_long' | 'rate_limited' | 'unavailable';

export type MessageAck =
  | { ok: true; id: string; duplicate: boolean; conversationId: string }
  | { ok: false; error: MessageRefusal; reason: string; retryAfterMs?: number };

export interface TypingPayload {
  who: 'bot' | 'operator';
  on: boolean;
}

export interface UrgentPayload {
  level: string;
}

export interface SeenPayload {
  ids: string[];
  status: 'delivered' | 'read';
}

/** The texts the widget shows: keys `widget.*` of knowledge-base/templates.yaml, without the prefix. */
export const WIDGET_TEXT_KEYS = [
  'launcher',
  'title',
  'close',
  'input',
  'placeholder',
  'intro',
  'send',
  'log',
  'you',
  'bot',
  'operator',
  'state.bot',
  'state.queued',
  'state.human',
  'state.closed',
  'typing.bot',
  'typing.operator',
  'quickReplies',
  'newMessage',
  'connecting',
  'offline',
  'pending',
  'queued',
  'failed',
  'retry',
  'tooLong',
  'rateLimited',
  'invalid',
  'unavailable',
  'urgent',
  'counter',
] as const;

export type WidgetTextKey = (typeof WIDGET_TEXT_KEYS)[number];
export type WidgetTexts = Record<WidgetTextKey, string>;
