/**
 * Channel-neutral text layout for connectors: long replies split on sentence boundaries under a channel's limit, and
 * quick-reply options fitted into a channel's button limits.
 */
import type { QuickReply } from './types';

const MAX_PAYLOAD = 1000;

// A boundary after sentence-ending punctuation (with closing quotes/brackets) and spaces, or after a line break.
const SENTENCE_BOUNDARY = /(?<=[.!?…]["”’')\]]*\s+|\n\s*)(?=\S)/u;

/**
 * Splits a text into parts of at most `limit` UTF-16 units, cutting between sentences where possible, then between
 * words, and only as a last resort inside a word (never inside a surrogate pair).
 */
export function splitText(text: string, limit: number): string[] {
  const clean = text.trim();
  if (!clean) return [];
  if (clean.length <= limit) return [clean];
  const pieces = clean.split(SENTENCE_BOUNDARY).flatMap((s) => (s.length <= limit ? [s] : splitLong(s, limit)));
  const parts: string[] = [];
  let current = '';
  for (const piece of pieces) {
    if (current && (current + piece).trimEnd().length > limit) {
      parts.push(current.trim());
      current = '';
    }
    current += piece;
  }
  if (current.trim()) parts.push(current.trim());
  return parts;
}

/** A sentence longer than the limit: cut between words, then inside over-long words. */
function splitLong(sentence: string, limit: number): string[] {
  const out: string[] = [];
  let current = '';
  for (const word of sentence.split(/(?<=\s)(?=\S)/u)) {
    if (word.trimEnd().length > limit) {
      if (current) out.push(current);
      current = '';
      let chunk = '';
      for (const ch of word) {
        if ((chunk + ch).length > limit) {
          out.push(chunk);
          chunk = '';
        }
        chunk += ch;
      }
      current = chunk;
      continue;
    }
    if (current && (current + word).trimEnd().length > limit) {
      out.push(current);
      current = '';
    }
    current += word;
  }
  if (current) out.push(current);
  return out;
}

export interface ChoiceLimits {
  maxCount: number;
  maxTitle: number;
}

/**
 * Fits quick-reply options into a channel's limits. When every option fits, they stay as they are. Otherwise the
 * options are written into the text as a numbered list (unless the text already shows each of them) and the
 * buttons become "1", "2"… with the same payloads, as many as the channel shows.
 */
export function layoutChoices(text: string, options: readonly QuickReply[], limits: ChoiceLimits): { text: string; choices: QuickReply[] } {
  const usable = options.filter((o) => o.title.trim() && o.payload);
  if (!usable.length) return { text, choices: [] };
  const fits = usable.length <= limits.maxCount && usable.every((o) => o.title.trim().length <= limits.maxTitle);
  if (fits) return { text, choices: usable.map((o) => ({ title: o.title.trim(), payload: o.payload.slice(0, MAX_PAYLOAD) })) };
  const alreadyListed = usable.every((o) => text.includes(o.title.trim()));
  const list = usable.map((o, i) => `${i + 1}. ${o.title.trim()}`).join('\n');
  return {
    text: alreadyListed ? text : [text.trim(), list].filter(Boolean).join('\n\n'),
    choices: usable.slice(0, limits.maxCount).map((o, i) => ({ title: String(i + 1), payload: o.payload.slice(0, MAX_PAYLOAD) })),
  };
}
