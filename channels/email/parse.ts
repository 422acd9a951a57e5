/**
 * A raw mail (RFC 5322, as fetched from IMAP) → the InboundMessage the pipeline stores.
 * The bot reads the new text only (quotes and signature stripped); operators get the whole mail in meta.
 */
import { createHash } from 'node:crypto';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import type { Attachment, InboundMessage } from '../types';
import { noReplyReason, type NoReplyReason } from './automated';
import { stripQuotes } from './quotes';
import { normalizeId, normalizeReferences, threadRoot } from './threading';

/** Longest text handed to the bot; the full body stays in meta for operators. */
const MAX_BOT_TEXT = 8000;
/** Largest HTML body kept in meta (a newsletter can be megabytes). */
const MAX_HTML = 500_000;

/** What a reply to this mail needs, kept per thread by the connector. */
export interface ThreadRecord {
  /** The last mail received in the thread. */
  messageId: string;
  /** Its References (or In-Reply-To when it had none). */
  references: string[];
  subject: string;
  /** Set when the last mail in the thread must not be answered. */
  noReply?: NoReplyReason;
}

export interface ParsedInbound {
  message: InboundMessage;
  thread: ThreadRecord;
}

export interface MailPosition {
  mailbox: string;
  uidValidity: string;
  uid: number;
}

function firstAddress(obj: AddressObject | AddressObject[] | undefined): { address?: string; name?: string } | undefined {
  const list = Array.isArray(obj) ? obj : obj ? [obj] : [];
  for (const a of list) for (const v of a.value ?? []) if (v.address) return { address: v.address, name: v.name || undefined };
  return undefined;
}

function allAddresses(obj: AddressObject | AddressObject[] | undefined): string[] {
  const list = Array.isArray(obj) ? obj : obj ? [obj] : [];
  return list.flatMap((a) => (a.value ?? []).map((v) => v.address?.toLowerCase()).filter((x): x is string => !!x));
}

/** Strips "Re:", "Fwd:", "TL:"… prefixes (any number, any case). */
export function baseSubject(subject: string | undefined): string {
  let s = (subject ?? '').trim();
  const prefix = /^(re|fw|fwd|tl|tr|ct|aw|sv|vs|antw|r)(\s*\[\d+\])?\s*:\s*/i;
  while (prefix.test(s)) s = s.replace(prefix, '');
  return s.trim();
}

function attachmentsOf(mail: ParsedMail): Attachment[] {
  return (mail.attachments ?? [])
    .filter((a) => a.contentDisposition !== 'inline' || !a.related)
    .map((a) => ({
      type: a.contentType?.startsWith('image/') ? 'image' : 'file',
      name: a.filename ?? undefined,
      size: a.size,
      meta: { contentType: a.contentType, checksum: a.checksum },
    }));
}

/** A stable id for a mail without Message-ID: the same bytes give the same id, so a rescan cannot store it twice. */
function contentId(source: Buffer, domain: string): string {
  return `<sha256.${createHash('sha256').update(source).digest('hex').slice(0, 40)}@${domain}>`;
}

export async function parseMail(source: Buffer, position: MailPosition, ownAddresses: string[] = []): Promise<ParsedInbound> {
  let mail: ParsedMail;
  try {
    mail = await simpleParser(source, { skipTextToHtml: true, skipImageLinks: true });
  } catch (err) {
    // Never lose a mail: store what we can, tell the operators it could not be read, never answer it.
    const messageId = contentId(source, 'unparsed.invalid');
    return {
      message: {
        channel: 'email',
        externalId: messageId,
        externalUserId: 'unknown@unparsed.invalid',
        externalThreadId: messageId,
        text: '',
        meta: { parseError: (err as Error).message, raw: source.toString('utf8').slice(0, 100_000), noReply: true, noReplyReason: 'no-sender', ...position },
      },
      thread: { messageId, references: [], subject: '', noReply: 'no-sender' },
    };
  }
  const from = firstAddress(mail.from);
  const address = from?.address?.toLowerCase() ?? 'unknown@unknown.invalid';
  const messageId = normalizeId(mail.messageId) ?? contentId(source, 'hotline1022.invalid');
  const inReplyTo = normalizeReferences(mail.inReplyTo)[0];
  const references = normalizeReferences(mail.references);
  const root = threadRoot(messageId, inReplyTo, references);
  const reason = noReplyReason(mail, ownAddresses);
  const subject = (mail.subject ?? '').trim();
  const fullText = (mail.text ?? '').trim();
  const html = typeof mail.html === 'string' ? mail.html : null;
  // A citizen often writes the question in the subject only.
  const body = stripQuotes(fullText) || baseSubject(subject);

  const message: InboundMessage = {
    channel: 'email',
    externalId: messageId,
    externalUserId: address,
    externalThreadId: root,
    text: body.slice(0, MAX_BOT_TEXT),
    attachments: attachmentsOf(mail),
    profile: { email: from?.address ? address : undefined, name: from?.name },
    meta: {
      subject,
      from: { address, name: from?.name ?? null },
      to: allAddresses(mail.to),
      cc: allAddresses(mail.cc),
      messageId,
      inReplyTo: inReplyTo ?? null,
      references,
      // The sender's Date header (a claim); the stored time is when we received the mail.
      date: mail.date && !Number.isNaN(mail.date.getTime()) ? mail.date.toISOString() : null,
      text: fullText,
      html: html && html.length > MAX_HTML ? html.slice(0, MAX_HTML) : html,
      ...(html && html.length > MAX_HTML && { htmlTruncated: true }),
      ...(reason && { noReply: true, noReplyReason: reason }),
      ...position,
    },
  };
  return {
    message,
    thread: { messageId, references: references.length ? references : inReplyTo ? [inReplyTo] : [], subject, ...(reason && { noReply: reason }) },
  };
}
