import { randomUUID } from 'node:crypto';

/** Random ids (UUID v4). Ordering never relies on ids: every table has its own time columns. */
export const newId = (): string => randomUUID();

export const json = (value: unknown): string => JSON.stringify(value ?? null);
export function parseJson<T>(text: string | null | undefined, fallback: T): T {
  if (!text) return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
}
