/** The app's inbound payload → InboundMessage, with the reason when it is refused. */
import { z } from 'zod';
import type { InboundMessage } from '../types';

export const MAX_APP_TEXT = 4000;

const body = z.object({
  userId: z.string().trim().min(1).max(200),
  messageId: z.string().trim().min(1).max(200),
  text: z.string(),
  name: z.string().trim().max(200).optional(),
  phone: z.string().trim().max(30).optional(),
  /** The payload of a quick reply the citizen tapped (text is then its title). */
  payload: z.string().trim().min(1).max(1000).optional(),
});

export type ParseResult = { ok: true; message: InboundMessage } | { ok: false; status: 400 | 413; reason: string };

export function parseAppMessage(raw: Buffer | undefined): ParseResult {
  let json: unknown;
  try {
    json = JSON.parse((raw ?? Buffer.alloc(0)).toString('utf8'));
  } catch {
    return { ok: false, status: 400, reason: 'body is not valid JSON' };
  }
  const parsed = body.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, status: 400, reason: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const { userId, messageId, text, name, phone, payload } = parsed.data;
  if ([...text].length > MAX_APP_TEXT) return { ok: false, status: 413, reason: `text longer than ${MAX_APP_TEXT} characters` };
  if (!text.trim()) return { ok: false, status: 400, reason: 'text: must not be empty' };
  return {
    ok: true,
    message: { channel: 'app', externalId: messageId, externalUserId: userId, text, ...(payload && { choice: payload }), profile: { ...(name && { name }), ...(phone && { phone }) } },
  };
}
