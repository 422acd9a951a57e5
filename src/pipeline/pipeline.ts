/**
 * The message pipeline: receive (store, dedupe, acknowledge) → process (triage, route, bot turn, outbox) → deliver.
 * Receiving commits before a connector acknowledges; processing is idempotent (a message is processed once, marked in
 * the same transaction as the replies it produced), so a crash at any point loses nothing and repeats nothing.
 */
import { sql } from 'kysely';
import type { InboundMessage, OutboundMessage, ReceiveResult } from '../../channels/types';
import type { TurnEffect, TurnEngine } from '../domain/turn';
import type { TriageVerdict } from '../domain/types';
import { cleanText } from '../nlp/normalize';
import { readStates, writeState, deleteStates } from '../store/botState';
import type { Clock } from '../store/clock';
import { findOpenConversation, getConversation, openConversation, raiseUrgency, touchConversation, type Conversation } from '../store/conversations';
import { resolveContact } from '../store/contacts';
import type { DbHandle } from '../store/db';
import type { Executor } from '../store/executor';
import { findInbound, getMessage, insertMessage, listUnprocessed, markProcessed, type Message } from '../store/messages';
import type { EventBus, PlatformEvent } from './events';
import { KeyedQueue } from './keyedQueue';
import { writeOutbound, type WrittenOutbound } from './outbound';

export interface TurnContextInfo {
  conversation: Conversation;
  message: Message;
  verdict: TriageVerdict;
  now: string;
  /** Outbound messages written so far in this transaction (effects may add more). */
  written: WrittenOutbound[];
  /** Events to publish once the transaction has committed (effects add theirs here; the pipeline always gives it). */
  events?: PlatformEvent[];
}

export interface PipelineHooks {
  /** Every citizen message with an urgent or emergency verdict, in the turn's transaction, bot or operator mode. */
  onUrgent?(tx: Executor, info: TurnContextInfo): Promise<void>;
  /** Facts for the bot, looked up in the turn's transaction (operators on shift…). */
  turnContext?(tx: Executor, info: TurnContextInfo): Promise<Record<string, unknown>>;
  /** Applies a turn effect in the turn's transaction. Unknown effects are logged and skipped. */
  effects?: Record<string, (tx: Executor, effect: TurnEffect, info: TurnContextInfo) => Promise<void>>;
}

export interface PipelineDeps {
  store: DbHandle;
  clock: Clock;
  engine: TurnEngine;
  triage: (text: string) => TriageVerdict;
  bus: EventBus;
  log: { warn(o: object, m?: string): void; error(o: object, m?: string): void; info(o: object, m?: string): void };
  hooks?: PipelineHooks;
  /** Called when the bot starts working on a conversation (typing indicators). */
  onBotTurn?(conversation: Conversation): void;
  /** Called after a commit with the new outbox rows, so delivery starts without waiting for a poll. */
  onOutbound?(rows: WrittenOutbound[]): void;
}

export class InvalidMessageError extends Error {}

interface ProcessOptions {
  /** The turn's replies go back in the HTTP response of a synchronous channel (voice). */
  spoken?: boolean;
}

const MAX_TEXT = 20_000;

export class Pipeline {
  private queue = new KeyedQueue();
  private stopped = false;

  constructor(private deps: PipelineDeps) {}

  /** Stores an inbound message once (dedupe on channel + external id). Resolve means durably stored. */
  async receive(input: InboundMessage): Promise<ReceiveResult> {
    const stored = await this.store(input);
    if (!stored.duplicate) void this.schedule(stored.conversationId, stored.messageId);
    return stored;
  }

  /** Stores and processes at once; returns the replies of this turn (for synchronous channels such as voice). */
  async receiveAndReply(input: InboundMessage): Promise<ReceiveResult & { replies: OutboundMessage[] }> {
    const stored = await this.store(input);
    const written = stored.duplicate ? [] : await this.schedule(stored.conversationId, stored.messageId, { spoken: true });
    return { ...stored, replies: written.map((w) => ({ ...w.message, outboxId: w.outboxId, attempt: 0 })) };
  }

  private async store(input: InboundMessage): Promise<ReceiveResult> {
    if (!input.externalId || !input.externalUserId) throw new InvalidMessageError('externalId and externalUserId are required');
    const text = cleanText(input.text ?? '');
    if (text.length > MAX_TEXT) throw new InvalidMessageError(`text longer than ${MAX_TEXT} characters`);
    const { db } = this.deps.store;
    const at = this.deps.clock.now().toISOString();
    const threadId = input.externalThreadId || input.externalUserId;
    try {
      return await db.transaction().execute(async (tx) => {
        const existing = await findInbound(tx, input.channel, input.externalId);
        if (existing) return { conversationId: existing.conversationId, messageId: existing.id, duplicate: true };
        const contactId = await resolveContact(tx, input.channel, input.externalUserId, input.profile ?? {}, at);
        const conversation =
          (await findOpenConversation(tx, input.channel, threadId)) ??
          (await openConversation(tx, { contactId, channel: input.channel, externalUserId: input.externalUserId, externalThreadId: threadId, subject: input.meta?.subject as string | undefined, at }));
        const message = await insertMessage(tx, {
          conversationId: conversation.id,
          channel: input.channel,
          direction: 'in',
          author: 'citizen',
          authorName: input.profile?.name ?? null,
          text,
          choice: input.choice ?? null,
          attachments: input.attachments,
          externalId: input.externalId,
          status: 'received',
          meta: { ...input.meta, ...(input.kind === 'follow' && { kind: 'follow' }) },
          at: input.receivedAt?.toISOString() ?? at,
        });
        await touchConversation(tx, conversation.id, at, true);
        return { conversationId: conversation.id, messageId: message.id, duplicate: false };
      });
    } catch (err) {
      // Two deliveries of the same message raced: the unique index kept one; answer as a repeat.
      const existing = await findInbound(db, input.channel, input.externalId).catch(() => undefined);
      if (existing) return { conversationId: existing.conversationId, messageId: existing.id, duplicate: true };
      throw err;
    }
  }

  private schedule(conversationId: string, messageId: string, options: ProcessOptions = {}): Promise<WrittenOutbound[]> {
    return this.queue.run(conversationId, () => this.process(messageId, options)).catch((err) => {
      // The message stays unprocessed and is retried by recover(); nothing is lost.
      this.deps.log.error({ err, messageId }, 'processing failed');
      return [];
    });
  }

  /** Triage, route and run the bot's turn for one stored message; a no-op if it was already processed. */
  private async process(messageId: string, options: ProcessOptions): Promise<WrittenOutbound[]> {
    if (this.stopped) return [];
    const { db, dialect } = this.deps.store;
    const events: PlatformEvent[] = [];
    const written = await db.transaction().execute(async (tx) => {
      const message = await getMessage(tx, messageId);
      if (!message || message.processedAt) return [];
      if (dialect === 'postgres') {
        await sql`select id from conversations where id = ${message.conversationId} for update`.execute(tx);
        const again = await getMessage(tx, messageId); // another instance may have processed it while we waited
        if (!again || again.processedAt) return [];
      }
      const conversation = await getConversation(tx, message.conversationId);
      if (!conversation) return [];
      const now = this.deps.clock.now().toISOString();
      // Triage comes first, on every citizen message, whoever holds the conversation.
      const verdict = this.deps.triage(message.text);
      await markProcessed(tx, message.id, now, verdict);
      const info: TurnContextInfo = { conversation, message, verdict, now, written: [], events };
      events.push({ type: 'message.created', conversationId: conversation.id, messageId: message.id, direction: 'in', author: 'citizen' });
      if (verdict.level !== 'none') {
        await raiseUrgency(tx, conversation.id, verdict.level, now);
        await this.deps.hooks?.onUrgent?.(tx, info);
        events.push({ type: 'urgent.alert', conversationId: conversation.id, level: verdict.level, symptoms: verdict.symptoms });
      }
      // Auto-replies and bounces (email) are stored but never answered.
      const answerable = !message.meta.noReply;
      if (answerable && (conversation.state === 'bot' || conversation.state === 'closed')) {
        const context = (await this.deps.hooks?.turnContext?.(tx, info)) ?? {};
        this.deps.onBotTurn?.(conversation);
        const result = await this.deps.engine.turn(stateStore(tx, now), {
          conversation: { id: conversation.id, channel: conversation.channel, state: conversation.state, contactId: conversation.contactId, externalUserId: conversation.externalUserId },
          message: { id: message.id, text: message.text, choice: message.choice, attachments: message.attachments, kind: message.meta.kind === 'follow' ? 'follow' : 'message' },
          triage: verdict,
          now,
          context,
          meta: message.meta,
        });
        for (const reply of result.replies) {
          // Replies of a synchronous turn are delivered in the connector's HTTP response: marked so in the same commit.
          const meta = options.spoken ? { ...reply.meta, spoken: true } : reply.meta;
          info.written.push(await writeOutbound(tx, conversation, { ...reply, meta, author: 'bot', authorName: 'Tổng đài 1022' }, now));
        }
        for (const effect of result.effects) {
          const apply = this.deps.hooks?.effects?.[effect.type];
          if (apply) await apply(tx, effect, info);
          else this.deps.log.warn({ effect: effect.type }, 'no handler for turn effect');
        }
        if (info.written.length) await touchConversation(tx, conversation.id, now, false);
      }
      return info.written;
    });
    for (const w of written) events.push({ type: 'message.created', conversationId: w.message.conversationId, messageId: w.messageId, direction: 'out', author: w.message.author });
    for (const e of events) this.deps.bus.publish(e);
    if (written.length) this.deps.onOutbound?.(written);
    return written;
  }

  /** Processes messages stored but never processed (the process died after acknowledging them). */
  async recover(olderThanMs = 0): Promise<number> {
    const cutoff = new Date(this.deps.clock.now().getTime() - olderThanMs).toISOString();
    let total = 0;
    for (;;) {
      const pending = await listUnprocessed(this.deps.store.db, cutoff, 200);
      if (!pending.length) return total;
      await Promise.all(pending.map((m) => this.schedule(m.conversationId, m.id)));
      total += pending.length;
      if (pending.length < 200) return total;
    }
  }

  /** Waits until every scheduled turn has finished. */
  idle(): Promise<void> {
    return this.queue.idle();
  }

  async stop(): Promise<void> {
    await this.queue.idle();
    this.stopped = true;
  }
}

function stateStore(tx: Executor, now: string) {
  return {
    read: (keys: string[]) => readStates(tx, keys),
    write: (key: string, data: Record<string, unknown>, etag: string | undefined) => writeState(tx, key, data, etag, now),
    delete: (keys: string[]) => deleteStates(tx, keys),
  };
}
