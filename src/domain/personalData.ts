/** How personal contact data looks in free text: logs, the content team's question log and agency mails mask it. */

/** Vietnamese phone numbers (0xxx…, +84…, 84…) with optional spaces, dots or dashes. */
export const PHONE_PATTERN = /(?<![\p{L}\p{N}])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\p{N}])/gu;
export const EMAIL_PATTERN = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;

/** Replaces email addresses, then phone numbers, with the given marks. */
export function maskContactData(text: string, marks: { email: string; phone: string }): string {
  return text.replace(EMAIL_PATTERN, marks.email).replace(PHONE_PATTERN, marks.phone);
}
