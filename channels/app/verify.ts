import { createHmac } from 'node:crypto';

/** The X-Signature header of a callback: sha256=<hex HMAC-SHA256 of the raw body>. */
export function callbackSignature(body: string | Buffer, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}
