/**
 * What the bot reads of an email: the new text, without the quoted earlier mails and the signature
 * (../shared/reference/channels.md §3.5). The untrimmed mail is kept for operators elsewhere.
 */

const MAX_HEADER_BLOCK = 6;

// "On Mon, 23 Aug 2021 at 10:00, Nguyễn A <a@b.vn> wrote:" and Gmail in Vietnamese "Vào ... đã viết:".
const REPLY_HEADER = /^(on|vào|le|am)\s.*\s(wrote|đã viết|a écrit|schrieb)\s*:\s*$/i;
const REPLY_HEADER_START = /^(on|vào)\s.+/i;
const REPLY_HEADER_END = /(^|\s)(wrote|đã viết)\s*:\s*$/i;
const ORIGINAL_MESSAGE = /^-{2,}\s*(original message|thư gốc|tin nhắn gốc|thư ban đầu)\s*-{2,}\s*$/i;
const UNDERSCORE_RULE = /^_{10,}\s*$/;
const FROM_LINE = /^\*?(from|từ|người gửi)\s*:\*?\s*\S/i;
const SENT_LINE = /^\*?(sent|date|đã gửi|ngày gửi|ngày|gửi lúc|thời gian)\s*:\*?\s*\S/i;
const SUBJECT_LINE = /^\*?(subject|chủ đề|tiêu đề)\s*:\*?/i;
const SIGNATURE_DELIMITER = /^--\s?$/;
const MOBILE_SIGNATURE = /^(sent from|sent with|get outlook for|gửi từ|được gửi từ)(\s|$)/i;
const QUOTED = /^\s*>/;

function isOutlookHeaderBlock(lines: string[], i: number): boolean {
  if (!FROM_LINE.test(lines[i].trim())) return false;
  const block = lines.slice(i + 1, i + 1 + MAX_HEADER_BLOCK).map((l) => l.trim());
  return block.some((l) => SENT_LINE.test(l)) && block.some((l) => SUBJECT_LINE.test(l));
}

/** Index of the first line of the quoted part or the signature, or lines.length when there is none. */
function cutIndex(lines: string[]): number {
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (REPLY_HEADER.test(line)) return i;
    // Gmail wraps a long "On … wrote:" header over two lines.
    if (REPLY_HEADER_START.test(line) && i + 1 < lines.length && REPLY_HEADER_END.test(lines[i + 1].trim()) && QUOTED.test(lines[i + 2] ?? '>')) return i;
    if (ORIGINAL_MESSAGE.test(line)) return i;
    if (UNDERSCORE_RULE.test(line)) {
      const next = lines.slice(i + 1).find((l) => l.trim());
      if (next && FROM_LINE.test(next.trim())) return i;
    }
    if (isOutlookHeaderBlock(lines, i)) return i;
    if (SIGNATURE_DELIMITER.test(lines[i])) return i;
    if (MOBILE_SIGNATURE.test(line) && lines.slice(i + 1).every((l) => !l.trim() || QUOTED.test(l))) return i;
  }
  return lines.length;
}

/** The new part of a plain-text mail body. Falls back to the whole text when nothing is left (a mail of quotes only). */
export function stripQuotes(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const kept = lines.slice(0, cutIndex(lines)).filter((l) => !QUOTED.test(l));
  const result = kept
    .join('\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return result || text.trim();
}
