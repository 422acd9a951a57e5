/**
 * Sending mail through SMTP (nodemailer, pooled). `createMailer` is also what agency notifications and reports use
 * for plain notification mails; `sendResultFromError` maps SMTP failures to retry or failed-with-reason.
 */
import nodemailer from 'nodemailer';
import type { SendResult } from '../types';

export interface MailToSend {
  to: string | string[];
  subject: string;
  text: string;
  html?: string;
  cc?: string | string[];
  messageId?: string;
  inReplyTo?: string;
  references?: string[];
  headers?: Record<string, string>;
  attachments?: Array<{ filename: string; content: Buffer | string; contentType?: string }>;
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  response: string;
}

export interface Mailer {
  /** The From address in use ("Name <address>"). */
  readonly from: string;
  send(mail: MailToSend): Promise<SentMail>;
  close(): void;
}

export interface MailerOptions {
  /** Connection and greeting timeout (ms). */
  timeoutMs?: number;
}

/** A pooled SMTP mailer for `smtp(s)://user:pass@host:port` sending as `from`. */
export function createMailer(smtpUrl: string, from: string, options: MailerOptions = {}): Mailer {
  const timeout = options.timeoutMs ?? 10_000;
  const transport = nodemailer.createTransport({
    url: smtpUrl,
    pool: true,
    maxConnections: 3,
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout * 3,
  } as Parameters<typeof nodemailer.createTransport>[0]);
  const addressList = (v: unknown): string[] => (Array.isArray(v) ? v.map((a) => (typeof a === 'string' ? a : String((a as { address?: string }).address ?? ''))) : []);
  return {
    from,
    async send(mail) {
      const info = await transport.sendMail({
        from,
        to: mail.to,
        cc: mail.cc,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId: mail.messageId,
        inReplyTo: mail.inReplyTo,
        references: mail.references,
        headers: mail.headers,
        attachments: mail.attachments,
      });
      return { messageId: String(info.messageId ?? ''), accepted: addressList(info.accepted), rejected: addressList(info.rejected), response: String(info.response ?? '') };
    },
    close() {
      transport.close();
    },
  };
}

/** The domain of an address in "Name <user@domain>" or "user@domain" form. */
export function addressOf(from: string): string {
  const match = /<([^>]+)>/.exec(from);
  return (match ? match[1] : from).trim().toLowerCase();
}

/** SMTP 4xx and network failures are retried; 5xx (a refused recipient or message) fail with the server's words. */
export function sendResultFromError(err: unknown): SendResult {
  const e = err as { responseCode?: number; response?: string; code?: string; message?: string };
  const detail = (e.response ?? e.message ?? String(err)).slice(0, 300);
  if (typeof e.responseCode === 'number') {
    if (e.responseCode >= 500) return { ok: false, retryable: false, reason: `máy chủ thư từ chối (SMTP ${e.responseCode}): ${detail}` };
    return { ok: false, retryable: true, reason: `máy chủ thư tạm thời không nhận (SMTP ${e.responseCode}): ${detail}` };
  }
  if (e.code === 'EENVELOPE') return { ok: false, retryable: false, reason: `địa chỉ thư không hợp lệ: ${detail}` };
  return { ok: false, retryable: true, reason: `không kết nối được máy chủ thư: ${detail}` };
}
