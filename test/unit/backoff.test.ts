/** Retry delays: exponential with jitter, capped, and never shorter than the channel's Retry-After. */
import { retryDelayMs } from '../../src/pipeline/backoff';

describe('retry delay', () => {
  const opts = { baseMs: 1000, maxMs: 60_000 };

  it('doubles with each attempt, jittered within the upper half', () => {
    for (const [attempt, ceiling] of [[0, 1000], [1, 2000], [3, 8000]] as const) {
      expect(retryDelayMs(attempt, { ...opts, random: () => 0 })).toBe(ceiling / 2);
      expect(retryDelayMs(attempt, { ...opts, random: () => 1 })).toBe(ceiling);
    }
  });

  it('is capped at the longest delay', () => {
    expect(retryDelayMs(20, { ...opts, random: () => 1 })).toBe(60_000);
  });

  it('waits at least as long as the channel asked with Retry-After', () => {
    expect(retryDelayMs(0, { ...opts, random: () => 0, retryAfterMs: 30_000 })).toBe(30_000);
    expect(retryDelayMs(5, { ...opts, random: () => 1, retryAfterMs: 10 })).toBe(32_000);
  });
});
