/** Row types of the tables of migration 006 (shifts, phone calls, levels, reports). */
import '../store/schema';

export interface ShiftRow {
  id: string; user_id: string; starts_at: string; ends_at: string; kind: string; phone_line: number;
  note: string | null; created_by: string | null; created_at: string;
}
export interface PhoneCallRow {
  id: string; at: string; operator_id: string; caller_number: string; topic: string; urgency: string; note: string;
  outcome: string; conversation_id: string; case_id: string | null;
}
export interface LevelStateRow { id: string; current_level: number; projected_level: number; version: number; updated_at: string }
export interface LevelNoticeRow {
  id: string; at: string; day: string; kind: string; level: number; previous_level: number; count_day: number;
  count_24h: number; projected: number | null; detail: string; text: string;
}
export interface ReportJobRow {
  day: string; status: string; claimed_by: string | null; claimed_until: string | null; attempts: number;
  next_attempt_at: string; report_id: string | null; last_error: string | null; created_at: string; sent_at: string | null;
}
export interface ReportRow {
  id: string; day: string; trigger: string; generated_at: string; generated_by: string | null; summary: string;
  xlsx: string; pdf: string; html: string; sent_at: string | null; sent_to: string | null; send_count: number; last_error: string | null;
}

declare module '../store/schema' {
  interface Database {
    shifts: ShiftRow;
    phone_calls: PhoneCallRow;
    level_state: LevelStateRow;
    level_notices: LevelNoticeRow;
    report_jobs: ReportJobRow;
    reports: ReportRow;
  }
}
