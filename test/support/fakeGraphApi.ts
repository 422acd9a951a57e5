/**
 * A local stand-in for the Messenger Send API (POST /<version>/me/messages?access_token=…), speaking its documented
 * format: success `{ recipient_id, message_id }`, errors as HTTP 4xx/5xx with
 * `{ error: { message, type, code, error_subcode, fbtrace_id } }`. It validates what the real API refuses (wrong token,
 * message + sender_action together, MESSAGE_TAG without tag, text over the limit, more than 13 quick replies) and can be
 * scripted per test. Also builds signed webhook batches shaped like Meta's.
 */
import { createHmac, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface GraphRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: any;
  at: number;
}

export interface GraphAnswer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** A script sees every request first; returning undefined lets the fake answer as the real API would. */
export type GraphScript = (req: GraphRequest) => GraphAnswer | undefined;

export function graphError(status: number, code: number, subcode: number | undefined, message: string, type = 'OAuthException', extra: Record<string, unknown> = {}): GraphAnswer {
  return {
    status,
    body: { error: { message, type, code, ...(subcode !== undefined && { error_subcode: subcode }), fbtrace_id: randomBytes(8).toString('base64url'), ...extra } },
  };
}

/** The errors the Send API documents, ready to script. */
export const GRAPH_ERRORS = {
  outsideWindow: () => graphError(400, 10, 2018278, '(#10) This message is sent outside of allowed window.'),
  userUnavailable: () => graphError(400, 551, 1545041, 'This person isn\'t available right now.'),
  blocked: () => graphError(400, 10, 2018108, 'This person isn\'t receiving messages from you right now.'),
  rateLimited: () => graphError(400, 613, undefined, 'Calls to this api have exceeded the rate limit.'),
  temporary: () => graphError(503, 2, undefined, 'An unexpected error has occurred. Please retry your request later.', 'OAuthException', { is_transient: true }),
  serverError: () => ({ status: 500, body: { error: { message: 'An unknown error has occurred.', type: 'OAuthException', code: 1, fbtrace_id: 'x' } } }),
};

const TEXT_LIMIT = 2000;

export async function startFakeGraphApi(options: { pageAccessToken: string; version?: string }) {
  const version = options.version ?? 'v23.0';
  const requests: GraphRequest[] = [];
  const scripts: GraphScript[] = [];
  let sequence = 0;

  const answer = (req: GraphRequest): GraphAnswer => {
    for (const script of scripts) {
      const scripted = script(req);
      if (scripted) return scripted;
    }
    if (req.method !== 'POST' || req.path !== `/${version}/me/messages`) return graphError(404, 803, undefined, 'Unknown path components', 'OAuthException');
    if (req.query.get('access_token') !== options.pageAccessToken) return graphError(400, 190, 463, 'Error validating access token: The session is invalid.');
    const body = req.body;
    if (!body || typeof body !== 'object') return graphError(400, 100, undefined, '(#100) Invalid JSON body', 'OAuthException');
    if (!body.recipient?.id) return graphError(400, 100, undefined, '(#100) The parameter recipient is required');
    if (body.sender_action !== undefined) {
      if (body.message !== undefined) return graphError(400, 100, undefined, '(#100) sender_action cannot be sent with message');
      if (!['typing_on', 'typing_off', 'mark_seen'].includes(body.sender_action)) return graphError(400, 100, undefined, '(#100) Param sender_action must be one of {typing_on, typing_off, mark_seen}');
      return { status: 200, body: { recipient_id: body.recipient.id } };
    }
    if (!body.message) return graphError(400, 100, undefined, '(#100) Must send either message or sender_action');
    if (!['RESPONSE', 'UPDATE', 'MESSAGE_TAG'].includes(body.messaging_type)) return graphError(400, 100, undefined, '(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG}');
    if (body.messaging_type === 'MESSAGE_TAG' && !body.tag) return graphError(400, 100, 2018335, '(#100) Tag is required for MESSAGE_TAG');
    const m = body.message;
    if (typeof m.text !== 'string' && !m.attachment) return graphError(400, 100, undefined, '(#100) Must send either text or attachment');
    if (typeof m.text === 'string' && (m.text.length === 0 || m.text.length >= TEXT_LIMIT)) return graphError(400, 100, undefined, '(#100) Length of param message[text] must be less than or equal to 2000');
    if (m.metadata !== undefined && (typeof m.metadata !== 'string' || m.metadata.length >= 1000)) return graphError(400, 100, undefined, '(#100) Param message[metadata] must be a string of at most 1000 characters');
    if (m.quick_replies !== undefined) {
      if (!Array.isArray(m.quick_replies) || m.quick_replies.length > 13) return graphError(400, 100, 2018032, '(#100) param message[quick_replies] must be an array of at most 13 elements');
      for (const q of m.quick_replies) {
        if (q.content_type === 'text' && (!q.title || !q.payload)) return graphError(400, 100, 2018031, '(#100) Title and payload are required for text quick replies');
      }
    }
    sequence++;
    return { status: 200, body: { recipient_id: body.recipient.id, message_id: `m_${randomBytes(12).toString('base64url')}${sequence}` } };
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown;
      try {
        body = text ? JSON.parse(text) : undefined;
      } catch {
        body = undefined;
      }
      const entry: GraphRequest = { method: req.method ?? '', path: url.pathname, query: url.searchParams, body, at: Date.now() };
      requests.push(entry);
      const a = answer(entry);
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers });
      res.end(JSON.stringify(a.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    /** GRAPH_API_URL for the platform. */
    url: `${base}/${version}`,
    requests,
    /** Requests carrying a message (not sender actions), optionally for one PSID. */
    messages: (psid?: string) => requests.filter((r) => r.body?.message && (!psid || r.body.recipient?.id === psid)),
    senderActions: (psid?: string) => requests.filter((r) => r.body?.sender_action && (!psid || r.body.recipient?.id === psid)),
    /** Adds a script; it stays until removed by the returned function or reset(). */
    script(s: GraphScript): () => void {
      scripts.push(s);
      return () => scripts.splice(scripts.indexOf(s), 1);
    },
    /** Answers the next `times` message sends with `answer`. */
    failNextMessages(times: number, make: () => GraphAnswer) {
      let left = times;
      scripts.push((req) => (req.body?.message && left > 0 ? (left--, make()) : undefined));
    },
    reset() {
      scripts.length = 0;
      requests.length = 0;
    },
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

export type FakeGraphApi = Awaited<ReturnType<typeof startFakeGraphApi>>;

/** X-Hub-Signature-256 of a raw body. */
export function signMessenger(raw: string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/** Builders of webhook batches shaped like Meta's (one entry per call; pass several to batch). */
export const messengerEvents = {
  batch: (...entries: Array<{ id: string; time: number; messaging: unknown[] }>) => ({ object: 'page', entry: entries }),
  entry: (pageId: string, ...messaging: unknown[]) => ({ id: pageId, time: Date.now(), messaging }),
  text: (psid: string, pageId: string, mid: string, text: string, timestamp = Date.now()) => ({
    sender: { id: psid }, recipient: { id: pageId }, timestamp, message: { mid, text },
  }),
  quickReply: (psid: string, pageId: string, mid: string, title: string, payload: string) => ({
    sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid, text: title, quick_reply: { payload } },
  }),
  postback: (psid: string, pageId: string, mid: string, title: string, payload: string) => ({
    sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), postback: { mid, title, payload },
  }),
  image: (psid: string, pageId: string, mid: string, url: string) => ({
    sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), message: { mid, attachments: [{ type: 'image', payload: { url } }] },
  }),
  echo: (psid: string, pageId: string, mid: string, text: string, metadata?: string, appId = 1234567890) => ({
    sender: { id: pageId }, recipient: { id: psid }, timestamp: Date.now(), message: { mid, text, is_echo: true, app_id: appId, ...(metadata && { metadata }) },
  }),
  delivery: (psid: string, pageId: string, mids: string[] | undefined, watermark: number) => ({
    sender: { id: psid }, recipient: { id: pageId }, delivery: { ...(mids && { mids }), watermark },
  }),
  read: (psid: string, pageId: string, watermark: number) => ({
    sender: { id: psid }, recipient: { id: pageId }, timestamp: Date.now(), read: { watermark },
  }),
};
