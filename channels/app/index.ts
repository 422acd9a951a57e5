/**
 * The app channel ("Bình Phước Today" and other integrations): messages in by an authenticated POST,
 * replies out by a signed callback POST.
 */
import type { Request, Response, Router } from 'express';
import type { ChannelConnector, ChannelContext, OutboundMessage, SendResult } from '../types';
import { postWithTimeout, resultFromStatus, sameSecret } from '../http';
import { parseAppMessage } from './parse';
import { callbackSignature } from './verify';

export interface AppChannelSettings {
  token: string;
  callbackUrl?: string;
  callbackSecret?: string;
  timeoutMs: number;
}

export function createAppConnector(settings: AppChannelSettings): ChannelConnector {
  return {
    name: 'app',
    capabilities: { maxTextLength: 4000, maxQuickReplies: 10, speech: false, typingIndicator: false },

    mount(router: Router, ctx: ChannelContext) {
      router.post('/api/v1/app/messages', async (req: Request, res: Response) => {
        const auth = req.get('authorization') ?? '';
        const token = auth.startsWith('Bearer ') ? auth.slice(7) : '';
        if (!token || !sameSecret(token, settings.token)) {
          res.status(401).json({ error: 'missing or wrong bearer token' });
          return;
        }
        const parsed = parseAppMessage(Buffer.isBuffer(req.body) ? req.body : undefined);
        if (!parsed.ok) {
          res.status(parsed.status).json({ error: parsed.reason });
          return;
        }
        try {
          const result = await ctx.receive(parsed.message);
          res.status(202).json({ conversationId: result.conversationId });
        } catch (err) {
          ctx.log.error({ err }, 'app message not stored');
          res.status(503).json({ error: 'message not stored, try again' });
        }
      });
    },

    async send(message: OutboundMessage): Promise<SendResult> {
      if (!settings.callbackUrl) return { ok: false, retryable: false, reason: 'APP_CALLBACK_URL is not set' };
      const body = JSON.stringify({
        userId: message.externalUserId,
        messageId: message.outboxId,
        conversationId: message.conversationId,
        text: message.text,
        ...(message.quickReplies?.length && { quickReplies: message.quickReplies.map((q) => ({ title: q.title, payload: q.payload })) }),
      });
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (settings.callbackSecret) headers['x-signature'] = callbackSignature(body, settings.callbackSecret);
      const response = await postWithTimeout(settings.callbackUrl, { headers, body }, settings.timeoutMs);
      if (!(response instanceof Response)) return response;
      await response.arrayBuffer().catch(() => undefined);
      return resultFromStatus(response, `callback answered HTTP ${response.status}`);
    },
  };
}
