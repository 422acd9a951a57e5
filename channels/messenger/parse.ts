/**
 * A Messenger webhook batch → the citizen messages to store and the receipts to apply.
 * One POST may carry several entries, each with several messaging items; every one is handled. Items we cannot use
 * (echoes of what the page sent, handover events, unknown shapes) are skipped, never stored as citizen messages.
 */
import { z } from 'zod';
import type { Attachment, DeliveryUpdate, InboundMessage } from '../types';

/** The Page Inbox app: echoes from it are replies a person typed in Meta Business Suite. */
export const PAGE_INBOX_APP_ID = '263902037430900';

const idOf = z.object({ id: z.union([z.string().min(1), z.number()]).transform(String) });
const record = z.record(z.string(), z.unknown());

const attachmentShape = z.object({
  type: z.string(),
  payload: record.nullish(),
  title: z.string().optional(),
  url: z.string().optional(),
});

const messageShape = z.object({
  mid: z.string().min(1),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  app_id: z.union([z.string(), z.number()]).optional(),
  metadata: z.string().optional(),
  quick_reply: z.object({ payload: z.string() }).optional(),
  attachments: z.array(attachmentShape).optional(),
  reply_to: z.object({ mid: z.string() }).optional(),
  sticker_id: z.union([z.string(), z.number()]).optional(),
});

const itemShape = z.object({
  sender: idOf.optional(),
  recipient: idOf.optional(),
  timestamp: z.number().optional(),
  message: messageShape.optional(),
  postback: z.object({ title: z.string().optional(), payload: z.string().optional(), mid: z.string().optional() }).optional(),
  delivery: z.object({ mids: z.array(z.string()).optional(), watermark: z.number() }).optional(),
  read: z.object({ watermark: z.number() }).optional(),
});

const envelopeShape = z.object({
  object: z.literal('page'),
  entry: z.array(z.object({ id: z.union([z.string(), z.number()]).transform(String).optional(), time: z.number().optional(), messaging: z.array(z.unknown()).optional() })),
});

export interface MessengerBatch {
  messages: InboundMessage[];
  updates: DeliveryUpdate[];
  /** Items that carried nothing for us (echoes, handover events, unknown or incomplete shapes). */
  skipped: Array<{ reason: string }>;
}

export type MessengerParseResult = { ok: true; batch: MessengerBatch } | { ok: false; reason: string };

export interface ParseOptions {
  /** The postback payload of the page's Get Started button: it becomes a follow (the bot's welcome). */
  getStartedPayload: string;
}

export function parseMessengerWebhook(raw: Buffer, options: ParseOptions): MessengerParseResult {
  let json: unknown;
  try {
    json = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, reason: 'body is not valid JSON' };
  }
  const envelope = envelopeShape.safeParse(json);
  if (!envelope.success) {
    const issue = envelope.error.issues[0];
    return { ok: false, reason: `${issue.path.join('.') || 'body'}: ${issue.message}` };
  }
  const batch: MessengerBatch = { messages: [], updates: [], skipped: [] };
  for (const entry of envelope.data.entry) {
    for (const rawItem of entry.messaging ?? []) {
      const item = itemShape.safeParse(rawItem);
      if (!item.success) {
        batch.skipped.push({ reason: `unusable messaging item: ${item.error.issues[0]?.message}` });
        continue;
      }
      handleItem(item.data, entry.id, options, batch);
    }
  }
  return { ok: true, batch };
}

type Item = z.infer<typeof itemShape>;

function handleItem(item: Item, pageId: string | undefined, options: ParseOptions, batch: MessengerBatch): void {
  const psid = item.sender?.id;
  const at = item.timestamp ? new Date(item.timestamp) : undefined;
  if (item.message?.is_echo) {
    // Our own sends come back with their outbox id as metadata; replies typed in the Page Inbox are not ours either way.
    const fromInbox = String(item.message.app_id ?? '') === PAGE_INBOX_APP_ID;
    batch.skipped.push({ reason: fromInbox ? 'echo of a Page Inbox reply' : 'echo of our message' });
    return;
  }
  if (!psid) {
    batch.skipped.push({ reason: 'messaging item without sender.id' });
    return;
  }
  const meta = { ...(pageId && { pageId }) };
  if (item.message) {
    const m = item.message;
    const attachments = (m.attachments ?? []).map((a) => toAttachment(a, m.sticker_id));
    batch.messages.push({
      channel: 'messenger',
      externalId: m.mid,
      externalUserId: psid,
      text: m.text ?? '',
      ...(m.quick_reply && { choice: m.quick_reply.payload }),
      ...(attachments.length && { attachments }),
      meta: { ...meta, ...(m.reply_to && { replyToMid: m.reply_to.mid }) },
      ...(at && { receivedAt: at }),
    });
    return;
  }
  if (item.postback) {
    const p = item.postback;
    const follow = p.payload === options.getStartedPayload;
    batch.messages.push({
      channel: 'messenger',
      // Older postbacks carry no mid; sender + timestamp is stable across Meta's retries of the same event.
      externalId: p.mid ?? `postback:${psid}:${item.timestamp ?? ''}:${p.payload ?? ''}`,
      externalUserId: psid,
      text: follow ? '' : (p.title ?? ''),
      ...(follow ? { kind: 'follow' as const } : p.payload !== undefined && { choice: p.payload }),
      meta: { ...meta, postbackTitle: p.title },
      ...(at && { receivedAt: at }),
    });
    return;
  }
  if (item.delivery) {
    const watermark = new Date(item.delivery.watermark);
    const mids = item.delivery.mids ?? [];
    if (mids.length) batch.updates.push({ channel: 'messenger', status: 'delivered', externalIds: mids });
    batch.updates.push({ channel: 'messenger', status: 'delivered', externalUserId: psid, watermark });
    return;
  }
  if (item.read) {
    batch.updates.push({ channel: 'messenger', status: 'read', externalUserId: psid, watermark: new Date(item.read.watermark) });
    return;
  }
  batch.skipped.push({ reason: `messaging item without message, postback, delivery or read (${Object.keys(item).join(', ')})` });
}

function toAttachment(a: z.infer<typeof attachmentShape>, stickerId: string | number | undefined): Attachment {
  const payload = a.payload ?? {};
  const url = typeof payload.url === 'string' ? payload.url : a.url;
  if (a.type === 'location') {
    const c = (payload.coordinates ?? {}) as { lat?: unknown; long?: unknown };
    return { type: 'location', ...(url && { url }), meta: { latitude: c.lat, longitude: c.long, ...(a.title && { title: a.title }) } };
  }
  if (payload.sticker_id !== undefined || (stickerId !== undefined && a.type === 'image')) {
    return { type: 'sticker', ...(url && { url }), meta: { stickerId: payload.sticker_id ?? stickerId } };
  }
  if (a.type === 'fallback') return { type: 'link', ...(url && { url }), ...(a.title && { meta: { title: a.title } }) };
  return { type: a.type, ...(url && { url }), ...(a.title && { name: a.title }) };
}
