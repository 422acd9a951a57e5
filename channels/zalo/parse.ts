/**
 * A Zalo OA webhook event → a citizen message to store, a receipt to apply, or nothing.
 * All ids and the timestamp (epoch ms) are strings. One POST carries one event.
 */
import type { Attachment, DeliveryUpdate, InboundMessage } from '../types';
import { decodeChoicePayload } from './format';

export interface ZaloEnvelope {
  appId: string;
  timestamp: string;
  body: Record<string, unknown>;
}

/** The JSON body and the two fields the signature needs. */
export function readEnvelope(raw: Buffer): { ok: true; envelope: ZaloEnvelope } | { ok: false; reason: string } {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  if (!isRecord(json)) return { ok: false, reason: 'body: expected a JSON object' };
  const appId = idString(json.app_id);
  const timestamp = idString(json.timestamp);
  if (!appId || !timestamp) return { ok: false, reason: 'app_id and timestamp are required' };
  return { ok: true, envelope: { appId, timestamp, body: json } };
}

export type ZaloEvent =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'receipt'; update: DeliveryUpdate }
  | { kind: 'ignored'; reason: string };

/** Events whose payload is an attachment; the bot reads text, so only a caption reaches it as text. */
const ATTACHMENT_EVENTS: Record<string, string> = {
  user_send_image: 'image',
  user_send_sticker: 'sticker',
  user_send_gif: 'gif',
  user_send_audio: 'audio',
  user_send_video: 'video',
  user_send_file: 'file',
  user_send_location: 'location',
  user_send_link: 'link',
  user_send_business_card: 'business_card',
};
/** Attachment kinds whose message.text is the citizen's own caption (kept as text: triage must see it). */
const CAPTIONED = new Set(['image', 'gif', 'video', 'file']);

export function interpretZaloEvent({ body, timestamp }: ZaloEnvelope): { ok: true; event: ZaloEvent } | { ok: false; reason: string } {
  const name = typeof body.event_name === 'string' ? body.event_name : '';
  if (!name) return { ok: false, reason: 'event_name is required' };
  const message = isRecord(body.message) ? body.message : {};
  const senderId = isRecord(body.sender) ? idString(body.sender.id) : undefined;
  const recipientId = isRecord(body.recipient) ? idString(body.recipient.id) : undefined;
  const receivedAt = toDate(timestamp);
  const meta = {
    ...(idString(body.user_id_by_app) && { userIdByApp: idString(body.user_id_by_app) }),
    ...(recipientId && { oaId: recipientId }),
  };

  if (name === 'user_send_text' || ATTACHMENT_EVENTS[name]) {
    const msgId = idString(message.msg_id);
    if (!senderId || !msgId) return { ok: false, reason: `${name}: sender.id and message.msg_id are required` };
    const caption = typeof message.text === 'string' ? message.text : '';
    const quoted = idString(message.quote_msg_id);
    const base = { channel: 'zalo' as const, externalId: msgId, externalUserId: senderId, ...(receivedAt && { receivedAt }) };
    if (name === 'user_send_text') {
      // A tapped button (oa.query.hide) comes back as a text whose content is the payload we gave it.
      const choice = decodeChoicePayload(caption);
      return {
        ok: true,
        event: {
          kind: 'message',
          message: choice
            ? { ...base, text: choice.title, choice: choice.payload, meta: { ...meta, button: true } }
            : { ...base, text: caption, meta: { ...meta, ...(quoted && { quoteMsgId: quoted }) } },
        },
      };
    }
    const type = ATTACHMENT_EVENTS[name];
    const attachments = toAttachments(type, message);
    return {
      ok: true,
      event: {
        kind: 'message',
        message: {
          ...base,
          text: CAPTIONED.has(type) ? caption : '',
          attachments,
          meta: { ...meta, event: name, ...(caption && { caption }), ...(quoted && { quoteMsgId: quoted }) },
        },
      },
    };
  }

  if (name === 'follow') {
    const follower = isRecord(body.follower) ? idString(body.follower.id) : undefined;
    if (!follower) return { ok: false, reason: 'follow: follower.id is required' };
    return {
      ok: true,
      event: {
        kind: 'message',
        // A follow has no msg_id; follower + timestamp is the same on every retry of this event.
        message: { channel: 'zalo', externalId: `follow:${follower}:${timestamp}`, externalUserId: follower, text: '', kind: 'follow', meta: { event: name, ...(typeof body.source === 'string' && { source: body.source }) }, ...(receivedAt && { receivedAt }) },
      },
    };
  }

  if (name === 'user_received_message') {
    const msgId = idString(message.msg_id);
    if (!msgId) return { ok: true, event: { kind: 'ignored', reason: 'receipt without msg_id' } };
    return { ok: true, event: { kind: 'receipt', update: { channel: 'zalo', status: 'delivered', externalIds: [msgId], ...(recipientId && { externalUserId: recipientId }) } } };
  }
  if (name === 'user_seen_message') {
    const ids = (Array.isArray(message.msg_ids) ? message.msg_ids : [message.msg_id]).map(idString).filter((v): v is string => !!v);
    if (!ids.length) return { ok: true, event: { kind: 'ignored', reason: 'seen receipt without msg_ids' } };
    return { ok: true, event: { kind: 'receipt', update: { channel: 'zalo', status: 'read', externalIds: ids, ...(recipientId && { externalUserId: recipientId }) } } };
  }
  if (name === 'unfollow') return { ok: true, event: { kind: 'ignored', reason: 'unfollow' } };
  if (name.startsWith('oa_send_')) return { ok: true, event: { kind: 'ignored', reason: 'echo of an OA message' } };
  return { ok: true, event: { kind: 'ignored', reason: `event ${name} not handled` } };
}

function toAttachments(type: string, message: Record<string, unknown>): Attachment[] {
  const list = Array.isArray(message.attachments) ? message.attachments.filter(isRecord) : [];
  // One documented variant of user_send_location carries message.location instead of an attachment.
  if (!list.length && type === 'location' && isRecord(message.location)) list.push({ type: 'location', payload: { coordinates: message.location } });
  if (!list.length) return [{ type }];
  return list.map((a) => {
    const payload = isRecord(a.payload) ? a.payload : {};
    const kind = typeof a.type === 'string' && a.type ? a.type : type;
    const url = typeof payload.url === 'string' && payload.url ? payload.url : undefined;
    if (kind === 'location') {
      const c = isRecord(payload.coordinates) ? payload.coordinates : payload;
      return { type: 'location', meta: { latitude: c.latitude, longitude: c.longitude } };
    }
    const { url: _url, name, size, ...rest } = payload;
    const bytes = Number(size);
    return {
      type: kind,
      ...(url && { url }),
      ...(typeof name === 'string' && name && { name }),
      ...(size !== undefined && Number.isFinite(bytes) && { size: bytes }),
      ...(Object.keys(rest).length && { meta: rest }),
    };
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function idString(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function toDate(ms: string): Date | undefined {
  const n = Number(ms);
  return Number.isFinite(n) && n > 0 ? new Date(n) : undefined;
}
