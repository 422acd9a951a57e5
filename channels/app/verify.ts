import { createHmac, timingSafeEqual } from 'node:crypto';

/** Constant-time comparison of two secrets. */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The X-Signature header of a callback: sha256=<hex HMAC-SHA256 of the raw body>. */
export function callbackSignature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
