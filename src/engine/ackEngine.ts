/** A turn engine that only acknowledges: used when no bot is wired (benchmarks of the bare pipeline). */
import type { TurnEngine } from '../domain/turn';

export function createAckEngine(text: string): TurnEngine {
  return { turn: async () => ({ replies: [{ text }], effects: [] }) };
}
