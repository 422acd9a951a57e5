/** Messenger webhook checks: the subscription handshake and the X-Hub-Signature-256 over the raw body. */
import { createHmac } from 'node:crypto';
import { sameSecret } from '../http';

/** `sha256=<lowercase hex HMAC-SHA256(app secret, raw body)>`, the value Meta puts in X-Hub-Signature-256. */
export function hubSignature(rawBody: Buffer | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(rawBody).digest('hex')}`;
}

/** True when the header carries the HMAC of exactly these bytes (constant-time; hex case ignored). */
export function validHubSignature(rawBody: Buffer, header: string | undefined, appSecret: string): boolean {
  if (!header || !appSecret) return false;
  const given = header.trim().toLowerCase();
  if (!given.startsWith('sha256=')) return false;
  return sameSecret(given, hubSignature(rawBody, appSecret));
}

/**
 * The GET handshake: `hub.mode=subscribe` with our verify token is answered with the raw `hub.challenge`;
 * anything else gets undefined (the caller answers 403).
 */
export function handshakeChallenge(query: Record<string, unknown>, verifyToken: string | undefined): string | undefined {
  const mode = query['hub.mode'];
  const token = query['hub.verify_token'];
  const challenge = query['hub.challenge'];
  if (!verifyToken || mode !== 'subscribe' || typeof token !== 'string' || typeof challenge !== 'string') return undefined;
  return sameSecret(token, verifyToken) ? challenge : undefined;
}
