/** What the bot remembers about a conversation between turns (kept in the conversation state). */
export interface FaqMemory {
  /** The entry last answered ("nhắc lại" repeats it). */
  lastAnswerId?: string;
  /** The entry whose "was it helpful?" is pending: a plain "có"/"không" answers it. */
  feedbackFor?: string;
  /** The last question without a curated answer (offered to be left for an operator). */
  unansweredQuestion?: string;
}
