/** Exponential backoff with full jitter, capped; a channel's Retry-After wins when it is longer. */
export function retryDelayMs(attempt: number, opts: { baseMs: number; maxMs: number; retryAfterMs?: number; random?: () => number }): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** Math.min(attempt, 30));
  const jittered = Math.round(ceiling / 2 + (ceiling / 2) * (opts.random ?? Math.random)());
  return Math.max(jittered, Math.min(opts.retryAfterMs ?? 0, opts.maxMs * 4));
}
