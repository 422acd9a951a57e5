/**
 * A local stand-in for the Zalo OA OpenAPI and OAuth v4, speaking their documented formats: every answer is HTTP 200
 * with an `error` field (0 = success). POST /v3.0/oa/message/cs checks the `access_token` header (-216 when invalid)
 * and the body; POST /v4/oa/access_token takes a form-urlencoded refresh with the `secret_key` header and issues a new
 * pair — the refresh token is single-use — with `expires_in` as a string. Scriptable per test; also signs webhook
 * events shaped like Zalo's.
 */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ZaloRequest {
  method: string;
  path: string;
  headers: http.IncomingHttpHeaders;
  raw: string;
  body: any;
  form?: URLSearchParams;
}

export type ZaloScript = (req: ZaloRequest) => Record<string, unknown> | undefined;

export interface FakeZaloOptions {
  appId: string;
  appSecret: string;
  accessToken: string;
  refreshToken: string;
  /** Seconds announced by refreshes (default 90000 = 25 h). */
  expiresIn?: number;
}

export const zaloError = (error: number, message: string) => ({ error, message });

export async function startFakeZaloApi(options: FakeZaloOptions) {
  const requests: ZaloRequest[] = [];
  const scripts: ZaloScript[] = [];
  const state = {
    accessTokens: new Set([options.accessToken]),
    refreshToken: options.refreshToken as string | undefined,
    expiresIn: options.expiresIn ?? 90000,
    issued: 0,
  };

  const sendCs = (req: ZaloRequest): Record<string, unknown> => {
    const token = req.headers.access_token;
    if (typeof token !== 'string' || !state.accessTokens.has(token)) return zaloError(-216, 'Access token is invalid');
    const body = req.body;
    if (!body?.recipient?.user_id) return zaloError(-201, 'user_id is invalid');
    const m = body.message;
    if (!m || (typeof m.text !== 'string' && !m.attachment)) return zaloError(-201, 'message is invalid');
    if (typeof m.text === 'string' && (m.text.length === 0 || m.text.length > 2000)) return zaloError(-210, 'Text length exceeds the limit');
    const buttons = m.attachment?.payload?.buttons;
    if (buttons !== undefined) {
      if (m.attachment.type !== 'template' || !Array.isArray(buttons) || buttons.length > 5) return zaloError(-201, 'buttons is invalid');
      for (const b of buttons) {
        if (!b.title || b.title.length > 100 || !['oa.query.show', 'oa.query.hide', 'oa.open.url', 'oa.open.phone', 'oa.open.sms'].includes(b.type)) return zaloError(-201, 'button is invalid');
        if (typeof b.payload === 'string' && b.payload.length > 1000) return zaloError(-210, 'payload exceeds the limit');
      }
    }
    return {
      error: 0,
      message: 'Success',
      data: {
        message_id: randomBytes(10).toString('hex'),
        user_id: body.recipient.user_id,
        quota: { quota_type: 'reply', remain: '7', total: '8', expired_date: '2021-09-30 10:00:00', owner_type: 'OA', owner_id: '1646840000000000000' },
      },
    };
  };

  const refresh = (req: ZaloRequest): Record<string, unknown> => {
    const form = req.form ?? new URLSearchParams();
    if (req.headers.secret_key !== options.appSecret) return { error: -14002, error_name: 'Invalid app secret', error_description: 'secret_key is invalid' };
    if (!String(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return { error: -14001, error_name: 'Invalid parameter', error_description: 'content type must be form-urlencoded' };
    if (form.get('app_id') !== options.appId) return { error: -14003, error_name: 'Invalid app_id', error_description: 'app_id is invalid' };
    if (form.get('grant_type') !== 'refresh_token') return { error: -14001, error_name: 'Invalid parameter', error_description: 'grant_type is invalid' };
    if (!state.refreshToken || form.get('refresh_token') !== state.refreshToken) return { error: -14014, error_name: 'Invalid refresh token', error_description: 'Refresh token is invalid or has been used' };
    state.issued++;
    const accessToken = `zat-${state.issued}-${randomBytes(6).toString('hex')}`;
    const refreshToken = `zrt-${state.issued}-${randomBytes(6).toString('hex')}`;
    state.refreshToken = refreshToken; // single-use: the old one is spent
    state.accessTokens.add(accessToken);
    return { access_token: accessToken, refresh_token: refreshToken, expires_in: String(state.expiresIn) };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const raw = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = raw && String(req.headers['content-type']).includes('json') ? JSON.parse(raw) : undefined;
      } catch {
        body = undefined;
      }
      const entry: ZaloRequest = {
        method: req.method ?? '',
        path: url.pathname,
        headers: req.headers,
        raw,
        body,
        ...(String(req.headers['content-type']).includes('x-www-form-urlencoded') && { form: new URLSearchParams(raw) }),
      };
      requests.push(entry);
      let answer: Record<string, unknown> | undefined;
      for (const script of scripts) answer ??= script(entry);
      if (!answer) {
        if (req.method === 'POST' && url.pathname === '/v3.0/oa/message/cs') answer = sendCs(entry);
        else if (req.method === 'POST' && url.pathname === '/v4/oa/access_token') answer = refresh(entry);
        else answer = zaloError(-209, 'API is not supported');
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** ZALO_API_URL and ZALO_OAUTH_URL for the platform (one server plays both hosts). */
    url,
    requests,
    state,
    sends: (userId?: string) => requests.filter((r) => r.path === '/v3.0/oa/message/cs' && (!userId || r.body?.recipient?.user_id === userId)),
    refreshes: () => requests.filter((r) => r.path === '/v4/oa/access_token'),
    /** Makes every access token issued so far invalid (the next send gets -216). */
    invalidateAccessTokens() {
      state.accessTokens.clear();
    },
    script(s: ZaloScript): () => void {
      scripts.push(s);
      return () => scripts.splice(scripts.indexOf(s), 1);
    },
    /** Answers the next `times` CS sends with the given error. */
    failNextSends(times: number, error: number, message: string) {
      let left = times;
      scripts.push((req) => (req.path === '/v3.0/oa/message/cs' && left > 0 ? (left--, zaloError(error, message)) : undefined));
    },
    reset() {
      scripts.length = 0;
      requests.length = 0;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type FakeZaloApi = Awaited<ReturnType<typeof startFakeZaloApi>>;

/** X-ZEvent-Signature: mac= + sha256(app_id + raw body + timestamp + OA secret key). */
export function signZalo(raw: string, appId: string, timestamp: string, oaSecretKey: string): string {
  return `mac=${createHash('sha256').update(appId + raw + timestamp + oaSecretKey).digest('hex')}`;
}

/** Webhook events shaped like Zalo's (ids and timestamp are strings). */
export function zaloEvent(appId: string, oaId: string, eventName: string, fields: Record<string, unknown>, timestamp = String(Date.now())) {
  return { app_id: appId, user_id_by_app: '3216900000000000000', event_name: eventName, timestamp, ...fields, ...(eventName.startsWith('user_send') && { recipient: { id: oaId } }) };
}

export const zaloEvents = {
  text: (appId: string, oaId: string, userId: string, msgId: string, text: string) =>
    zaloEvent(appId, oaId, 'user_send_text', { sender: { id: userId }, message: { msg_id: msgId, text } }),
  image: (appId: string, oaId: string, userId: string, msgId: string, url: string) =>
    zaloEvent(appId, oaId, 'user_send_image', { sender: { id: userId }, message: { msg_id: msgId, text: '', attachments: [{ type: 'image', payload: { url, thumbnail: url } }] } }),
  location: (appId: string, oaId: string, userId: string, msgId: string) =>
    zaloEvent(appId, oaId, 'user_send_location', { sender: { id: userId }, message: { msg_id: msgId, attachments: [{ type: 'location', payload: { coordinates: { latitude: '11.53', longitude: '106.88' } } }] } }),
  follow: (appId: string, oaId: string, userId: string) => zaloEvent(appId, oaId, 'follow', { oa_id: oaId, follower: { id: userId }, source: 'oa_profile' }),
  unfollow: (appId: string, oaId: string, userId: string) => zaloEvent(appId, oaId, 'unfollow', { oa_id: oaId, follower: { id: userId }, source: 'oa_profile' }),
  received: (appId: string, oaId: string, userId: string, msgId: string) =>
    zaloEvent(appId, oaId, 'user_received_message', { sender: { id: oaId }, recipient: { id: userId }, message: { msg_id: msgId } }),
  seen: (appId: string, oaId: string, userId: string, msgIds: string[]) =>
    zaloEvent(appId, oaId, 'user_seen_message', { sender: { id: oaId }, recipient: { id: userId }, message: { msg_ids: msgIds } }),
  oaEcho: (appId: string, oaId: string, userId: string, msgId: string, text: string) =>
    zaloEvent(appId, oaId, 'oa_send_text', { sender: { id: oaId }, recipient: { id: userId }, message: { msg_id: msgId, text } }),
};
