/** Row types of the tables (see migrations). Times are ISO-8601 UTC strings; JSON columns are text. */
import type { Generated } from 'kysely';

export interface ContactRow { id: string; name: string | null; phone: string | null; email: string | null; created_at: string; updated_at: string }
export interface IdentityRow { id: string; contact_id: string; channel: string; external_user_id: string; display_name: string | null; created_at: string }
export interface ConversationRow {
  id: string; contact_id: string; channel: string; external_user_id: string; external_thread_id: string;
  state: string; assignee_id: string | null; priority: number; urgency: string; tags: string; subject: string | null;
  created_at: string; updated_at: string; last_message_at: string; last_citizen_message_at: string | null;
  queued_at: string | null; closed_at: string | null; close_reason: string | null;
}
export interface MessageRow {
  id: string; conversation_id: string; channel: string; direction: string; author: string; author_id: string | null;
  author_name: string | null; text: string; choice: string | null; attachments: string; quick_replies: string;
  external_id: string | null; status: string; status_reason: string | null; internal: number; urgency: string;
  symptoms: string; meta: string; created_at: string; processed_at: string | null;
}
export interface OutboxRow {
  id: string; message_id: string; conversation_id: string; channel: string; payload: string; status: string;
  attempts: number; next_attempt_at: string; claimed_by: string | null; claimed_until: string | null;
  last_error: string | null; created_at: string; sent_at: string | null;
}
export interface BotStateRow { key: string; data: string; etag: string; updated_at: string }
export interface RequestRow { id: string; channel: string; kind: string; conversation_id: string | null; topic: string | null; at: string }
export interface UserRow {
  id: string; username: string; display_name: string; role: string; email: string | null; password_hash: string;
  failed_logins: number; locked_until: string | null; session_version: number; presence: string; disabled: number; created_at: string;
}
export interface SessionRow { id: string; user_id: string; csrf_token: string; session_version: number; created_at: string; expires_at: string }
export interface AuditRow { id: string; at: string; actor_id: string | null; action: string; target_type: string | null; target_id: string | null; detail: string }
export interface CaseRow {
  id: string; kind: string; conversation_id: string | null; contact_id: string | null; channel: string | null; level: string;
  status: string; agency_id: string | null; symptoms: string; details: string; question: string | null; answer: string | null;
  due_at: string | null; acknowledged_at: string | null; acknowledged_by: string | null; escalated_at: string | null;
  created_at: string; updated_at: string; closed_at: string | null;
}
export interface CaseEventRow { id: string; case_id: string; at: string; actor: string; action: string; detail: string }
export interface KbEntryRow { id: string; topic: string; status: string; data: string; version: number; reviewed_at: string | null; updated_at: string; updated_by: string | null }
export interface KbVersionRow { id: string; entry_id: string; version: number; status: string; data: string; author_id: string | null; at: string; note: string | null }
export interface KbFeedbackRow { id: string; entry_id: string; conversation_id: string | null; helpful: number; at: string }
export interface KbAnswerRow { id: string; entry_id: string | null; conversation_id: string | null; channel: string; decision: string; confidence: number; question: string; matches: string; at: string }
export interface KvRow { key: string; value: string; updated_at: string }

export interface Database {
  contacts: ContactRow;
  identities: IdentityRow;
  conversations: ConversationRow;
  messages: MessageRow;
  outbox: OutboxRow;
  bot_state: BotStateRow;
  requests: RequestRow;
  users: UserRow;
  sessions: SessionRow;
  audit_log: AuditRow;
  cases: CaseRow;
  case_events: CaseEventRow;
  kb_entries: KbEntryRow;
  kb_versions: KbVersionRow;
  kb_feedback: KbFeedbackRow;
  kb_answers: KbAnswerRow;
  kv: KvRow;
}
// Generated is re-exported for later tables with generated columns.
export type { Generated };
