/**
 * The Zalo Official Account "IOC Bình Phước": signed webhook events in, customer-service messages out through the
 * OA OpenAPI, with the OA access token kept fresh by its single-use refresh token.
 * Zalo's send API has no metadata field, so the outbox id cannot travel with the message: the message_id Zalo
 * returns is recorded on our message instead (SendResult.externalId), and receipts name it.
 */
import type { Request, Response as ExpressResponse, Router } from 'express';
import type { ChannelConnector, ChannelContext, Logger, OutboundMessage, SendResult } from '../types';
import { TOKEN_ERRORS, ZaloApi, ZaloOAuth, type CsSendOutcome } from './client';
import { toCsBodies, ZALO_MAX_BUTTONS, ZALO_MAX_TEXT, type CsMessageBody } from './format';
import { interpretZaloEvent, readEnvelope } from './parse';
import { ZaloTokenKeeper, type ZaloTokenStore } from './tokens';
import { validZaloSignature } from './verify';

export { zaloTokenStoreOver, type ZaloTokenStore, type ZaloTokens } from './tokens';

export interface ZaloSettings {
  appId?: string;
  /** App Secret Key: token requests. */
  appSecret?: string;
  /** OA Secret Key: the webhook MAC. */
  oaSecretKey: string;
  accessToken?: string;
  refreshToken?: string;
  apiUrl: string;
  oauthUrl: string;
  timeoutMs: number;
  /** Refresh when less than this is left (default 1 h). */
  refreshBeforeMs?: number;
  /** How often the token's expiry is checked in the background (default 5 min). */
  refreshCheckMs?: number;
}

export interface ZaloDeps {
  tokenStore: ZaloTokenStore;
  now(): Date;
  log?: Logger;
}

export const WEBHOOK_PATH = '/webhooks/zalo';

export function createZaloConnector(settings: ZaloSettings, deps: ZaloDeps): ChannelConnector {
  const api = new ZaloApi({ apiUrl: settings.apiUrl, timeoutMs: settings.timeoutMs });
  const oauth = new ZaloOAuth({ oauthUrl: settings.oauthUrl, appId: settings.appId, appSecret: settings.appSecret, timeoutMs: settings.timeoutMs });
  const keeper = new ZaloTokenKeeper({
    store: deps.tokenStore,
    refresh: (token) => oauth.refresh(token),
    now: deps.now,
    initial: { accessToken: settings.accessToken, refreshToken: settings.refreshToken },
    refreshBeforeMs: settings.refreshBeforeMs,
    log: deps.log,
  });
  // Parts of a split answer already sent, so a retry does not repeat them (in memory, bounded).
  const progress = new Map<string, { sent: number; lastId?: string }>();
  let timer: NodeJS.Timeout | undefined;

  /** One CS message: on an invalid/expired token, refresh once and resend. */
  async function sendOne(body: CsMessageBody): Promise<CsSendOutcome> {
    const token = await keeper.accessToken();
    if (!token.ok) return { ok: false, result: { ok: false, retryable: token.retryable, reason: token.reason } };
    const first = await api.sendCs(token.token, body);
    if (first.ok || first.code === undefined || !TOKEN_ERRORS.has(first.code)) return first;
    const fresh = await keeper.afterRejection(token.token);
    if (!fresh.ok) return { ok: false, result: { ok: false, retryable: fresh.retryable, reason: fresh.reason } };
    return api.sendCs(fresh.token, body);
  }

  return {
    name: 'zalo',
    capabilities: { maxTextLength: ZALO_MAX_TEXT, maxQuickReplies: ZALO_MAX_BUTTONS, speech: false, typingIndicator: false },

    mount(router: Router, ctx: ChannelContext) {
      // The "Check" button of the Zalo dashboard may send a GET or an empty POST.
      router.get(WEBHOOK_PATH, (_req: Request, res: ExpressResponse) => {
        res.status(200).json({ ok: true });
      });
      router.post(WEBHOOK_PATH, async (req: Request, res: ExpressResponse) => {
        const raw = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        if (!raw.toString('utf8').trim()) {
          res.status(200).json({ ok: true });
          return;
        }
        const read = readEnvelope(raw);
        if (!read.ok) {
          res.status(400).json({ error: read.reason });
          return;
        }
        const { envelope } = read;
        if (!validZaloSignature(req.get('x-zevent-signature'), envelope.appId, raw, envelope.timestamp, settings.oaSecretKey)) {
          res.status(403).json({ error: 'missing or wrong X-ZEvent-Signature' });
          return;
        }
        const interpreted = interpretZaloEvent(envelope);
        if (!interpreted.ok) {
          res.status(400).json({ error: interpreted.reason });
          return;
        }
        const { event } = interpreted;
        if (event.kind === 'message') {
          try {
            await ctx.receive(event.message);
          } catch (err) {
            // Not acknowledged: Zalo retries, and what was stored is dropped as a repeat (msg_id).
            ctx.log.error({ err }, 'zalo event not stored');
            res.status(500).json({ error: 'event not stored, try again' });
            return;
          }
        } else if (event.kind === 'receipt') {
          await ctx.updateDelivery(event.update).catch((err) => ctx.log.warn({ err }, 'zalo receipt not applied'));
        } else {
          ctx.log.debug({ reason: event.reason }, 'zalo event ignored');
        }
        res.status(200).json({ ok: true });
      });
    },

    async start() {
      const every = settings.refreshCheckMs ?? 5 * 60_000;
      timer = setInterval(() => void keeper.refreshIfDue().catch((err) => deps.log?.warn({ err }, 'zalo token check failed')), every);
      timer.unref();
    },

    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      const bodies = toCsBodies(message);
      if (!bodies.length) return { ok: false, retryable: false, reason: 'Tin nhắn trống, không có nội dung để gửi' };
      const done = progress.get(message.outboxId) ?? { sent: 0 };
      for (let i = done.sent; i < bodies.length; i++) {
        const outcome = await sendOne(bodies[i]);
        if (!outcome.ok) {
          if (done.sent > 0) {
            progress.delete(message.outboxId);
            progress.set(message.outboxId, done);
            if (progress.size > 1000) progress.delete(progress.keys().next().value as string);
          }
          return outcome.result;
        }
        done.sent = i + 1;
        done.lastId = outcome.messageId ?? done.lastId;
      }
      progress.delete(message.outboxId);
      // Zalo's message_id of the last part: receipts (user_received_message, user_seen_message) name it.
      return { ok: true, ...(done.lastId && { externalId: done.lastId }) };
    },
  };
}
