/**
 * Signed, expiring links for agencies: token = base64url("<caseId>.<nonce>.<expiry seconds>") + "." + HMAC-SHA256.
 * The signature makes tampering visible; the nonce names a row in case_links (revocable); the expiry is checked
 * against the platform clock. The page's form carries a second HMAC bound to the link's nonce.
 */
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export interface LinkClaims {
  caseId: string;
  nonce: string;
  expiresAt: Date;
}

const mac = (secret: string, purpose: string, data: string) => createHmac('sha256', secret).update(`${purpose}:${data}`).digest('base64url');

export const newNonce = (): string => randomBytes(18).toString('base64url');

export function signLink(secret: string, claims: LinkClaims): string {
  const payload = Buffer.from(`${claims.caseId}.${claims.nonce}.${Math.floor(claims.expiresAt.getTime() / 1000)}`).toString('base64url');
  return `${payload}.${mac(secret, 'case-link', payload)}`;
}

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The claims of a well-signed token (expired or not), or undefined when malformed or tampered. */
export function verifyLink(secret: string, token: string): LinkClaims | undefined {
  if (typeof token !== 'string' || token.length > 400) return undefined;
  const parts = token.split('.');
  if (parts.length !== 2 || !parts[0] || !parts[1]) return undefined;
  const [payload, signature] = parts;
  if (!same(signature, mac(secret, 'case-link', payload))) return undefined;
  const fields = Buffer.from(payload, 'base64url').toString('utf8').split('.');
  if (fields.length !== 3) return undefined;
  const [caseId, nonce, exp] = fields;
  const seconds = Number(exp);
  if (!caseId || !nonce || !Number.isInteger(seconds)) return undefined;
  return { caseId, nonce, expiresAt: new Date(seconds * 1000) };
}

/** The form token of the answer page: only the page rendered for this link carries it. */
export const formToken = (secret: string, nonce: string): string => mac(secret, 'case-form', nonce);

export function formTokenMatches(secret: string, nonce: string, given: unknown): boolean {
  return typeof given === 'string' && same(given, formToken(secret, nonce));
}
