/** Row types of the case tables added by migration 002 (the core `cases` row gains columns there; notifications: src/notify/schema.ts). */
import '../store/schema';

export interface CaseLinkRow { nonce: string; case_id: string; agency_id: string; expires_at: string; created_at: string; revoked_at: string | null }

declare module '../store/schema' {
  interface CaseRow {
    code: string | null; district_id: string | null; notify_due_at: string | null; notified_at: string | null;
    reminded_at: string | null; created_by: string | null; share_contact: number; answered_at: string | null;
    answered_by: string | null; approved_at: string | null; approved_by: string | null;
  }
  interface Database {
    case_links: CaseLinkRow;
  }
}
