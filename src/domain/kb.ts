/** A curated question-and-answer entry, as the content team writes it and the bot answers with it. */

export type EntryStatus = 'draft' | 'review' | 'published' | 'archived';

export interface EntrySource {
  /** Issuing body: "Bộ Y tế", "UBND tỉnh Bình Phước"… */
  issuer: string;
  /** Document number: "Quyết định 4038/QĐ-BYT"… */
  document: string;
  /** Date of the document, YYYY-MM-DD. */
  date: string;
  url?: string;
}

export interface KbEntry {
  id: string;
  topic: string;
  question: string;
  /** Other phrasings, at least one the way citizens type (no diacritics, teencode). */
  alternatives: string[];
  keywords: string[];
  answer: string;
  source: EntrySource;
  /** Last review, YYYY-MM-DD. */
  reviewedAt: string;
  validFrom?: string;
  validTo?: string;
  status?: EntryStatus;
}

export type Decision = 'answer' | 'suggest' | 'fallback';

export interface Match {
  id: string;
  score: number;
}
