/**
 * The Facebook fanpage "1022 Bình Phước" (Messenger Platform): the webhook handshake and signed event batches in,
 * the Send API out, with the 24-hour/HUMAN_AGENT windows, quick replies and typing indicator.
 */
import type { Request, Response as ExpressResponse, Router } from 'express';
import type { ChannelConnector, ChannelContext, OutboundMessage, SendResult } from '../types';
import { GraphClient } from './client';
import { messagingPolicy, MESSENGER_MAX_QUICK_REPLIES, MESSENGER_MAX_TEXT, toSendApiBodies } from './format';
import { parseMessengerWebhook } from './parse';
import { handshakeChallenge, validHubSignature } from './verify';

export interface MessengerSettings {
  appSecret: string;
  verifyToken?: string;
  pageAccessToken?: string;
  /** Graph API base URL with its version (GRAPH_API_URL). */
  graphApiUrl: string;
  timeoutMs: number;
  /** Payload of the page's Get Started button (a follow). */
  getStartedPayload?: string;
  /** Show "typing…" to the citizen as soon as a message is stored, while the bot works. Default true. */
  typingOnReceive?: boolean;
}

export interface MessengerDeps {
  now(): Date;
}

export const WEBHOOK_PATH = '/webhooks/messenger';

export function createMessengerConnector(settings: MessengerSettings, deps: MessengerDeps): ChannelConnector {
  const client = new GraphClient({ graphApiUrl: settings.graphApiUrl, pageAccessToken: settings.pageAccessToken ?? '', timeoutMs: settings.timeoutMs });
  const getStartedPayload = settings.getStartedPayload ?? 'GET_STARTED';
  // Parts of a split answer already delivered, so a retry does not repeat them (kept in memory, bounded).
  const progress = new Map<string, { sent: number; lastMid?: string }>();
  let log: ChannelContext['log'] | undefined;

  const connector: ChannelConnector = {
    name: 'messenger',
    capabilities: { maxTextLength: MESSENGER_MAX_TEXT, maxQuickReplies: MESSENGER_MAX_QUICK_REPLIES, speech: false, typingIndicator: true },

    mount(router: Router, ctx: ChannelContext) {
      log = ctx.log;
      router.get(WEBHOOK_PATH, (req: Request, res: ExpressResponse) => {
        const challenge = handshakeChallenge(req.query as Record<string, unknown>, settings.verifyToken);
        if (challenge === undefined) {
          res.status(403).type('text/plain').send('verification failed');
          return;
        }
        res.status(200).type('text/plain').send(challenge);
      });

      router.post(WEBHOOK_PATH, async (req: Request, res: ExpressResponse) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!validHubSignature(raw, req.get('x-hub-signature-256'), settings.appSecret)) {
          res.status(403).json({ error: 'missing or wrong X-Hub-Signature-256' });
          return;
        }
        const parsed = parseMessengerWebhook(raw, { getStartedPayload });
        if (!parsed.ok) {
          res.status(400).json({ error: parsed.reason });
          return;
        }
        const { messages, updates, skipped } = parsed.batch;
        if (skipped.length) ctx.log.debug({ skipped }, 'messenger items skipped');
        const typingFor = new Set<string>();
        try {
          // In order: a citizen's messages of one batch keep their sequence.
          for (const message of messages) {
            const result = await ctx.receive(message);
            if (!result.duplicate && message.kind !== 'follow') typingFor.add(message.externalUserId);
          }
        } catch (err) {
          // Not acknowledged: Meta retries the batch, and what was stored is dropped as a repeat.
          ctx.log.error({ err }, 'messenger event not stored');
          res.status(500).json({ error: 'event not stored, try again' });
          return;
        }
        for (const update of updates) {
          await ctx.updateDelivery(update).catch((err) => ctx.log.warn({ err }, 'messenger receipt not applied'));
        }
        res.status(200).type('text/plain').send('EVENT_RECEIVED');
        if (settings.typingOnReceive !== false) for (const psid of typingFor) void connector.typing?.(psid, true);
      });
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      if (!settings.pageAccessToken) return { ok: false, retryable: false, reason: 'Chưa cấu hình mã truy cập Trang (MESSENGER_PAGE_ACCESS_TOKEN)' };
      const policy = messagingPolicy(message, deps.now());
      if (!policy.ok) return { ok: false, retryable: false, reason: policy.reason };
      const bodies = toSendApiBodies(message, policy);
      if (!bodies.length) return { ok: false, retryable: false, reason: 'Tin nhắn trống, không có nội dung để gửi' };
      const done = progress.get(message.outboxId) ?? { sent: 0 };
      for (let i = done.sent; i < bodies.length; i++) {
        const outcome = await client.sendMessage(bodies[i]);
        if (!outcome.ok) {
          if (done.sent > 0) remember(progress, message.outboxId, done);
          return outcome.result;
        }
        done.sent = i + 1;
        done.lastMid = outcome.messageId ?? done.lastMid;
      }
      progress.delete(message.outboxId);
      // The last part's mid: when it is delivered, the whole answer is.
      return { ok: true, ...(done.lastMid && { externalId: done.lastMid }) };
    },

    async typing(psid: string, on: boolean): Promise<void> {
      if (!settings.pageAccessToken) return;
      const outcome = await client.senderAction(psid, on ? 'typing_on' : 'typing_off');
      if (!outcome.ok && !outcome.result.ok) log?.debug({ reason: outcome.result.reason }, 'messenger typing indicator not shown');
    },
  };
  return connector;
}

const MAX_REMEMBERED = 1000;

function remember<V>(map: Map<string, V>, key: string, value: V): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > MAX_REMEMBERED) map.delete(map.keys().next().value as string);
}
