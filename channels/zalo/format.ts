/**
 * Our OutboundMessage → Zalo OA customer-service ("tư vấn") message bodies: text split under the length limit on
 * sentence boundaries, quick replies as oa.query.hide buttons on the last part.
 */
import { layoutChoices, splitText } from '../text';
import type { OutboundMessage } from '../types';

/** Not documented by Zalo; 2000 characters is common practice (reference/channels.md §1.3, unconfirmed). */
export const ZALO_MAX_TEXT = 2000;
export const ZALO_MAX_BUTTONS = 5;
export const ZALO_MAX_BUTTON_TITLE = 100;
const MAX_QUERY_PAYLOAD = 1000;

/**
 * A tapped oa.query.hide button is sent back as the user's text holding the payload, so the payload carries our
 * choice and its title in a JSON shape a citizen would not type.
 */
export function encodeChoicePayload(payload: string, title: string): string {
  const full = JSON.stringify({ qr: payload, t: title });
  return full.length <= MAX_QUERY_PAYLOAD ? full : JSON.stringify({ qr: payload.slice(0, MAX_QUERY_PAYLOAD - 12) });
}

export function decodeChoicePayload(text: string): { payload: string; title: string } | undefined {
  if (!text.startsWith('{"qr":')) return undefined;
  try {
    const value = JSON.parse(text) as { qr?: unknown; t?: unknown };
    if (typeof value.qr !== 'string' || !value.qr) return undefined;
    return { payload: value.qr, title: typeof value.t === 'string' ? value.t : '' };
  } catch {
    return undefined;
  }
}

export interface ZaloButton {
  title: string;
  type: 'oa.query.hide';
  payload: string;
}

export interface CsMessageBody {
  recipient: { user_id: string };
  message: {
    text: string;
    attachment?: { type: 'template'; payload: { buttons: ZaloButton[] } };
  };
}

/** The CS message bodies for one outbound message, in order; the buttons go with the last part. */
export function toCsBodies(message: OutboundMessage): CsMessageBody[] {
  const { text, choices } = layoutChoices(message.text, message.quickReplies ?? [], { maxCount: ZALO_MAX_BUTTONS, maxTitle: ZALO_MAX_BUTTON_TITLE });
  // Titles of the original options, so a tapped "1" still shows what the citizen chose.
  const titleOf = new Map((message.quickReplies ?? []).map((q) => [q.payload, q.title.trim()]));
  const parts = splitText(text, ZALO_MAX_TEXT);
  return parts.map((part, i) => ({
    recipient: { user_id: message.externalUserId },
    message: {
      text: part,
      ...(i === parts.length - 1 &&
        choices.length && {
          attachment: {
            type: 'template' as const,
            payload: {
              buttons: choices.map((c) => ({ title: c.title, type: 'oa.query.hide' as const, payload: encodeChoicePayload(c.payload, titleOf.get(c.payload) ?? c.title) })),
            },
          },
        }),
    },
  }));
}
