/** Our reply → a mail in the citizen's thread: "Re: " subject, In-Reply-To/References, plain text and simple HTML. */
import type { OutboundMessage } from '../types';
import type { MailToSend } from './mailer';
import { baseSubject, type ThreadRecord } from './parse';
import { ownMessageId, replyReferences } from './threading';

/** "Re: " + the subject without any earlier reply/forward prefixes, so it never doubles. */
export function replySubject(subject: string | undefined, fallback: string): string {
  const base = baseSubject(subject);
  return `Re: ${base || fallback}`;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const URL = /\bhttps?:\/\/[^\s<>"']+[^\s<>"'.,;:!?)]/g;

/** Paragraphs and line breaks of a plain text, every character escaped; web addresses become links. */
export function textToHtml(text: string): string {
  const paragraphs = text
    .replace(/\r\n?/g, '\n')
    .trim()
    .split(/\n{2,}/)
    .map((p) => {
      const escaped = escapeHtml(p);
      // Links are found in the escaped text: an address cannot smuggle markup in, its &amp; stays escaped in href.
      const linked = escaped.replace(URL, (u) => `<a href="${u}">${u}</a>`);
      return `<p>${linked.replace(/\n/g, '<br>\n')}</p>`;
    });
  return `<!doctype html><html><head><meta charset="utf-8"></head><body style="font-family:Arial,Helvetica,sans-serif;font-size:15px;line-height:1.5;color:#1a1a1a">\n${paragraphs.join('\n')}\n</body></html>`;
}

/** Quick replies cannot be buttons in a mail: they become a numbered list the citizen can answer with. */
function withOptions(message: OutboundMessage): string {
  const options = message.quickReplies ?? [];
  if (!options.length) return message.text;
  return `${message.text}\n\n${options.map((q, i) => `${i + 1}. ${q.title}`).join('\n')}`;
}

export interface ReplySettings {
  /** Domain of our Message-IDs (the MAIL_FROM domain). */
  domain: string;
  /** Subject used when the citizen's mail had none. */
  fallbackSubject: string;
}

export function buildReply(message: OutboundMessage, thread: ThreadRecord | undefined, settings: ReplySettings): MailToSend {
  const root = message.externalThreadId ?? thread?.messageId;
  const parentId = thread?.messageId ?? root;
  const references = root ? replyReferences(parentId, thread?.references ?? [], root) : [];
  const text = withOptions(message);
  const automatic = message.author !== 'operator';
  return {
    to: message.externalUserId,
    subject: replySubject(thread?.subject ?? (message.meta?.subject as string | undefined), settings.fallbackSubject),
    text,
    html: textToHtml(text),
    messageId: ownMessageId(root ?? message.outboxId, message.outboxId, settings.domain),
    ...(parentId && { inReplyTo: parentId }),
    ...(references.length && { references }),
    headers: {
      'X-Hotline-Outbox-Id': message.outboxId,
      // A bot answer is an automatic response (RFC 3834): other responders must not answer it.
      ...(automatic && { 'Auto-Submitted': 'auto-replied', 'X-Auto-Response-Suppress': 'All' }),
    },
  };
}
