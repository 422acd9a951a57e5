/** Row type of the durable outgoing notifications (table created by migration 002). */
import '../store/schema';

export interface NotificationRow {
  id: string; case_id: string | null; kind: string; recipients: string; subject: string; body: string; status: string;
  attempts: number; next_attempt_at: string; claimed_by: string | null; claimed_until: string | null;
  last_error: string | null; created_at: string; sent_at: string | null;
}

declare module '../store/schema' {
  interface Database {
    notifications: NotificationRow;
  }
}
