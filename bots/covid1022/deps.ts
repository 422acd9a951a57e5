/** What the 1022 bot needs from the platform; main.ts provides it. */
import type { Decision, KbEntry, Match } from '../../src/domain/kb';
import type { CaseDetails } from '../../src/domain/types';

/** A fixed text from knowledge-base/templates.yaml with its placeholders filled. */
export type Texts = (key: string, vars?: Record<string, string | number>) => string;

export interface FaqResult {
  matches: Match[];
  confidence: number;
  decision: Decision;
  /** The entries to offer when the decision is 'suggest'. */
  options: Match[];
}

export interface FaqSearch {
  search(text: string): FaqResult;
  entry(id: string): KbEntry | undefined;
}

export type { CaseDetails };

export interface BotDeps {
  texts: Texts;
  faq: FaqSearch;
  intent(text: string): Intent | undefined;
  /** Pulls case details out of free text. */
  details(text: string): CaseDetails;
  /** The agency an urgent report goes to, for the safety reply. */
  agencyFor(level: 'urgent' | 'emergency', district?: string): { name: string; phone?: string } | undefined;
}

export type Intent = 'handoff' | 'declaration' | 'greeting' | 'thanks' | 'bye' | 'repeat' | 'yes' | 'no';
