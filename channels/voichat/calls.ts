/**
 * What the switchboard remembers about calls in progress, in memory: the rest of a long answer (DTMF 1 reads on),
 * the options offered, a transcript waiting for confirmation, silent turns, and the last answers for retries.
 * A call is short; its state expires an hour after its last turn. Turns of one call run one at a time.
 */
import type { QuickReply } from '../types';

export type VoiceAction =
  | { type: 'say'; text: string }
  | { type: 'gather'; input: Array<'speech' | 'dtmf'>; timeoutSeconds: number }
  | { type: 'transfer'; to: string }
  | { type: 'hangup' };

export interface VoiceResponse {
  actions: VoiceAction[];
}

export interface CallState {
  callId: string;
  /** Turns stored so far by this process (part of the external id when the gateway sends no seq). */
  counter: number;
  /** Silent turns in a row. */
  noInput: number;
  /** Chunks of the last answer not read yet. */
  pending: string[];
  /** Options of the last answer: DTMF n chooses the n-th. */
  options: QuickReply[];
  /** A low-confidence transcript waiting for "phím 1 nếu đúng". */
  confirm?: string;
  /** The last request and its answer, for a retry of the same request. */
  last?: { key: string; response: VoiceResponse; at: number };
  /** Answers by gateway seq (the last few). */
  bySeq: Map<string, VoiceResponse>;
  touchedAt: number;
  /** The turn running now: a call's turns run one after the other. */
  running: Promise<unknown>;
}

const IDLE_MS = 3600_000;
const SEQ_KEPT = 8;

export class CallRegistry {
  private calls = new Map<string, CallState>();
  private sweptAt = 0;

  constructor(private now: () => number) {}

  get(callId: string): CallState | undefined {
    return this.calls.get(callId);
  }

  /** Runs one turn of a call after the previous one finished. */
  run<T>(callId: string, turn: (call: CallState) => Promise<T>): Promise<T> {
    this.sweep();
    let call = this.calls.get(callId);
    if (!call) {
      call = { callId, counter: 0, noInput: 0, pending: [], options: [], bySeq: new Map(), touchedAt: this.now(), running: Promise.resolve() };
      this.calls.set(callId, call);
    }
    const state = call;
    const task = state.running.then(() => {
      state.touchedAt = this.now();
      return turn(state);
    });
    state.running = task.catch(() => undefined);
    return task;
  }

  remember(call: CallState, seq: string | undefined, key: string, response: VoiceResponse): void {
    call.last = { key, response, at: this.now() };
    if (seq !== undefined) {
      call.bySeq.set(seq, response);
      if (call.bySeq.size > SEQ_KEPT) call.bySeq.delete(call.bySeq.keys().next().value as string);
    }
  }

  end(callId: string): void {
    this.calls.delete(callId);
  }

  clear(): void {
    this.calls.clear();
  }

  private sweep(): void {
    const now = this.now();
    if (now - this.sweptAt < 60_000) return;
    this.sweptAt = now;
    for (const [id, call] of this.calls) if (now - call.touchedAt > IDLE_MS) this.calls.delete(id);
  }
}
