/**
 * Work that must wait until a pipeline turn has committed (publishing case events, waking the notifier).
 * Pipeline hooks run inside the turn's transaction and have no commit callback; the pipeline publishes
 * `message.created` for the inbound message right after the commit, so actions are keyed by that message id.
 * A rolled-back turn publishes nothing: its actions are dropped after a while (the retried turn queues its own).
 */
import type { EventBus } from '../pipeline/events';

const STALE_MS = 10 * 60_000;

export class AfterTurn {
  private pending = new Map<string, { since: number; actions: Array<() => void> }>();
  private unsubscribe: () => void;

  constructor(bus: EventBus, private onError: (err: unknown) => void = () => undefined) {
    this.unsubscribe = bus.subscribe((event) => {
      if (event.type === 'message.created' && event.direction === 'in' && typeof event.messageId === 'string') this.flush(event.messageId);
    });
  }

  /** Runs `action` once the turn of `messageId` has committed. */
  add(messageId: string, action: () => void): void {
    const now = Date.now();
    for (const [id, entry] of this.pending) if (now - entry.since > STALE_MS) this.pending.delete(id);
    const entry = this.pending.get(messageId) ?? { since: now, actions: [] };
    entry.actions.push(action);
    this.pending.set(messageId, entry);
  }

  private flush(messageId: string): void {
    const entry = this.pending.get(messageId);
    if (!entry) return;
    this.pending.delete(messageId);
    for (const action of entry.actions) {
      try {
        action();
      } catch (err) {
        this.onError(err);
      }
    }
  }

  close(): void {
    this.unsubscribe();
    this.pending.clear();
  }
}
