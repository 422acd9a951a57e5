/** Row types of the content workspace's tables (migration 007). */
import '../store/schema';

export interface KbDraftRow { entry_id: string; version: number; status: string; data: string; updated_at: string; updated_by: string | null }
export interface KbDocumentRow {
  id: string; title: string; number: string; issuer: string; issued_on: string; kind: string; file_name: string;
  size: number; sha256: string; text: string; created_at: string; created_by: string | null; removed_at: string | null;
}
export interface QuestionMarkRow { item_id: string; action: string; entry_id: string | null; actor_id: string | null; at: string }
export interface TextRulesRow { name: string; content: string; version: number; updated_at: string; updated_by: string | null }
export interface ImportJobRow {
  id: string; status: string; file_name: string; done: number; total: number; entries: string; result: string;
  created_by: string | null; created_at: string; updated_at: string;
}

declare module '../store/schema' {
  interface Database {
    kb_drafts: KbDraftRow;
    kb_documents: KbDocumentRow;
    content_question_marks: QuestionMarkRow;
    content_text_rules: TextRulesRow;
    content_import_jobs: ImportJobRow;
  }
}
