/**
 * A sliding one-minute window per key (session, IP), kept in memory: each instance limits what it receives.
 * Behind a load balancer with sticky sessions that is the per-citizen limit; without, a citizen gets at most
 * the limit per instance.
 */
import type { Clock } from '../../src/store/clock';

const WINDOW_MS = 60_000;

export class RateLimiter {
  private hits = new Map<string, number[]>();
  private lastSweep = 0;

  constructor(private clock: Clock) {}

  /** Counts a hit on every key when each is under its limit; otherwise counts nothing and says how long to wait. */
  take(limits: Array<{ key: string; limit: number }>): { ok: true } | { ok: false; retryAfterMs: number } {
    const now = this.clock.now().getTime();
    this.sweep(now);
    const windows = limits.map(({ key, limit }) => {
      const recent = (this.hits.get(key) ?? []).filter((t) => t > now - WINDOW_MS);
      this.hits.set(key, recent);
      return { recent, limit };
    });
    const full = windows.filter((w) => w.recent.length >= w.limit);
    if (full.length) return { ok: false, retryAfterMs: Math.max(1, ...full.map((w) => w.recent[w.recent.length - w.limit] + WINDOW_MS - now)) };
    for (const w of windows) w.recent.push(now);
    return { ok: true };
  }

  /** Drops keys with no hit in the window, so memory follows the active citizens only. */
  private sweep(now: number): void {
    if (now - this.lastSweep < WINDOW_MS) return;
    this.lastSweep = now;
    for (const [key, times] of this.hits) if (!times.length || times[times.length - 1] <= now - WINDOW_MS) this.hits.delete(key);
  }
}
