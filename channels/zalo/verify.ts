/**
 * The X-ZEvent-Signature of Zalo OA webhooks: `mac=` + lowercase hex SHA-256 (a plain hash, not an HMAC) of
 * app_id + raw body + timestamp + OA Secret Key, where app_id and timestamp are read from the body.
 */
import { createHash } from 'node:crypto';
import { sameSecret } from '../http';

export function zaloEventMac(appId: string, rawBody: Buffer | string, timestamp: string, oaSecretKey: string): string {
  return createHash('sha256').update(appId).update(rawBody).update(timestamp).update(oaSecretKey).digest('hex');
}

/** Accepts the header with or without the `mac=` prefix, hex in any case; constant-time. */
export function validZaloSignature(header: string | undefined, appId: string, rawBody: Buffer, timestamp: string, oaSecretKey: string): boolean {
  if (!header || !oaSecretKey) return false;
  const given = header.trim().toLowerCase().replace(/^mac=/, '');
  return sameSecret(given, zaloEventMac(appId, rawBody, timestamp, oaSecretKey));
}
