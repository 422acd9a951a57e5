/** Small HTTP facts shared by connectors: calling a channel's API over fetch, and checking webhook secrets. */
import { timingSafeEqual } from 'node:crypto';
import type { SendResult } from './types';

/** Constant-time comparison of two secrets (tokens, signatures). */
export function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Retry-After in seconds or as an HTTP date, in milliseconds. */
export function retryAfterMs(value: string | null): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** POSTs and maps transport failures (network, timeout) to a retryable SendResult. */
export async function postWithTimeout(url: string, init: RequestInit, timeoutMs: number): Promise<Response | SendResult> {
  try {
    return await fetch(url, { method: 'POST', ...init, signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    const name = (err as Error)?.name;
    return { ok: false, retryable: true, reason: name === 'TimeoutError' ? `timeout after ${timeoutMs} ms` : `unreachable: ${(err as Error)?.message}` };
  }
}

/** A transport failure of postWithTimeout, told in Vietnamese for operators, naming the service. */
export function transportFailure(service: string, result: SendResult): SendResult {
  const detail = result.ok ? '' : result.reason;
  return { ok: false, retryable: true, reason: detail.startsWith('timeout') ? `${service} không phản hồi (${detail})` : `Không kết nối được tới ${service} (${detail})` };
}

/** HTTP status → SendResult for APIs that report errors by status: 5xx, 408, 429 retry; other 4xx are permanent. */
export function resultFromStatus(response: Response, reason: string): SendResult {
  if (response.ok) return { ok: true };
  if (response.status >= 500 || response.status === 429 || response.status === 408) {
    return { ok: false, retryable: true, reason, retryAfterMs: retryAfterMs(response.headers.get('retry-after')) };
  }
  return { ok: false, retryable: false, reason };
}
