/** Row type of the declarations table (migration 004). Import this file for its side effect where the table is used. */
import '../store/schema';

export interface DeclarationRow {
  id: string;
  contact_id: string;
  conversation_id: string | null;
  channel: string;
  full_name: string | null;
  birth_year: number | null;
  phone: string | null;
  district: string | null;
  commune: string | null;
  address: string | null;
  symptoms: string;
  contact_with_f0: number | null;
  travel_14_days: string | null;
  created_at: string;
  raw: string;
}

declare module '../store/schema' {
  interface Database {
    declarations: DeclarationRow;
  }
}
