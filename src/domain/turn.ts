/** The contract between the pipeline and the dialog engine: one citizen message in, replies and effects out. */
import type { Attachment, ChannelName, ConversationState, QuickReply, TriageVerdict } from './types';

export interface TurnRequest {
  conversation: { id: string; channel: ChannelName; state: ConversationState; contactId: string; externalUserId: string };
  message: { id: string; text: string; choice: string | null; attachments: Attachment[]; kind: 'message' | 'follow' };
  triage: TriageVerdict;
  /** ISO time of the turn (the platform's clock). */
  now: string;
  /** Facts the platform looked up for this turn (operators on shift…), read in the turn's transaction. */
  context?: Record<string, unknown>;
  /** Channel facts the connector told (meta of the inbound message: noReply, transcript confidence…). */
  meta?: Record<string, unknown>;
}

export interface BotReply {
  text: string;
  quickReplies?: QuickReply[];
  meta?: Record<string, unknown>;
}

/** Side effects a turn asks for; the pipeline applies them in the turn's transaction. */
export type TurnEffect =
  | { type: 'handoff'; reason: 'requested' | 'fallback' | 'urgent' }
  | { type: 'feedback'; entryId: string; helpful: boolean }
  | { type: 'answered'; entryId: string | null; decision: 'answer' | 'suggest' | 'fallback'; confidence: number; question: string; matches: Array<{ id: string; score: number }> }
  | { type: 'questionLeft'; question: string }
  | { type: 'urgentCase'; level: 'urgent' | 'emergency'; symptoms: string[]; details: Record<string, string | undefined>; complete: boolean }
  | { type: 'declaration'; data: Record<string, unknown> }
  | { type: string; [key: string]: unknown };

export interface TurnResult {
  replies: BotReply[];
  effects: TurnEffect[];
}

/** Durable state for the engine, bound to the turn's transaction. */
export interface StateStore {
  read(keys: string[]): Promise<Record<string, { data: Record<string, unknown>; etag: string }>>;
  write(key: string, data: Record<string, unknown>, etag: string | undefined): Promise<string>;
  delete(keys: string[]): Promise<void>;
}

export interface TurnEngine {
  turn(state: StateStore, request: TurnRequest): Promise<TurnResult>;
}
