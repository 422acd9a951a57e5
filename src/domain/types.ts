/** Core vocabulary of the hotline. Pure types; imports nothing of ours. */

export const CHANNELS = ['app', 'messenger', 'zalo', 'email', 'webchat', 'voichat', 'phone'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** bot: the bot answers; queued: waiting for an operator; human: an operator holds it; closed. */
export type ConversationState = 'bot' | 'queued' | 'human' | 'closed';
export type Author = 'citizen' | 'bot' | 'operator' | 'system';
export type Direction = 'in' | 'out';
/** Inbound messages are 'received'; outbound ones go pending → sent → delivered → read, or failed. */
export type DeliveryStatus = 'received' | 'pending' | 'sent' | 'delivered' | 'read' | 'failed';
export type UrgencyLevel = 'none' | 'urgent' | 'emergency';
export type Role = 'operator' | 'supervisor' | 'editor' | 'admin';
export const ROLES: readonly Role[] = ['operator', 'supervisor', 'editor', 'admin'];

export interface Attachment {
  type: string; // image, sticker, file, audio, video, location, link…
  url?: string;
  name?: string;
  size?: number;
  meta?: Record<string, unknown>;
}

export interface QuickReply {
  title: string;
  payload: string;
}

export interface TriageVerdict {
  level: UrgencyLevel;
  symptoms: string[];
}

/** Priority used to order the operators' queue: emergency first, then urgent, then the rest. */
export function priorityOf(level: UrgencyLevel): number {
  return level === 'emergency' ? 2 : level === 'urgent' ? 1 : 0;
}

/** What a citizen told about the person with symptoms (urgent dialog, cases); free text as written. */
export interface CaseDetails {
  who?: string;
  onset?: string;
  district?: string;
  commune?: string;
  phone?: string;
  address?: string;
}
