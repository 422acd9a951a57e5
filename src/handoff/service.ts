/**
 * The operators' queue and assignment: a conversation the bot hands over becomes 'queued'; an operator claims it (or
 * auto-assignment gives it to the least-loaded operator on shift) and it becomes 'human' — the bot stays silent —
 * until it is transferred, released back to the bot, or closed with a reason. Every change is one transaction
 * (the conversation row locked on PostgreSQL, so two operators or instances never both win), is written to the
 * conversation's timeline and the audit log, and is announced on the event bus after commit.
 */
import { sql } from 'kysely';
import type { TurnEffect } from '../domain/turn';
import type { ChannelName, Role } from '../domain/types';
import type { EventBus, PlatformEvent } from '../pipeline/events';
import { writeOutbound, type WrittenOutbound } from '../pipeline/outbound';
import type { TurnContextInfo } from '../pipeline/pipeline';
import { audit } from '../store/audit';
import type { Clock } from '../store/clock';
import { getConversation, setConversationState, setTags, type Conversation } from '../store/conversations';
import type { DbHandle } from '../store/db';
import type { Executor } from '../store/executor';
import { getUser, setPresence, type Presence } from '../store/users';
import { operatorsOnShift } from './shift';
import { recordTimeline, type TimelineEvent } from './timeline';

export interface Actor {
  id: string;
  displayName: string;
  role: Role;
}

/** A refused action, with the HTTP status and a Vietnamese message for the operator. */
export class HandoffError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface HandoffDeps {
  store: DbHandle;
  bus: EventBus;
  clock: Clock;
  log: { warn(o: object, m?: string): void; error(o: object, m?: string): void };
  autoAssign: boolean;
  /** Fixed citizen texts from knowledge-base/templates.yaml (handoff.joined, handoff.released, handoff.closed). */
  template?: (key: string, vars: Record<string, string>) => string | undefined;
  /** New outbox rows after commit (the delivery worker starts at once). */
  onOutbound?: (rows: WrittenOutbound[]) => void;
}

/** Channels where a short "operator X is with you" notice makes sense (not email threads or phone calls). */
const NOTICE_CHANNELS = new Set<ChannelName>(['app', 'messenger', 'zalo', 'webchat']);
const SUPERVISING: ReadonlySet<Role> = new Set<Role>(['supervisor', 'admin']);
export const MAX_REPLY_LENGTH = 4000;

interface TxResult<T> {
  value: T;
  events: PlatformEvent[];
  written: WrittenOutbound[];
}

export class HandoffService {
  constructor(private deps: HandoffDeps) {}

  /**
   * The `handoff` TurnEffect: the bot already told the citizen (handoff.queued or handoff.offHours); the conversation
   * waits for an operator, or goes straight to one when auto-assignment is on and someone is on shift.
   * Runs in the turn's transaction; the pipeline's message.created event (after commit) refreshes the consoles.
   */
  readonly applyHandoffEffect = async (tx: Executor, effect: TurnEffect, info: TurnContextInfo): Promise<void> => {
    const given = (effect as { reason?: unknown }).reason;
    const reason = typeof given === 'string' ? given : 'requested';
    const conversation = (await getConversation(tx, info.conversation.id)) ?? info.conversation;
    if (conversation.state === 'queued' || conversation.state === 'human') return;
    await this.enqueue(tx, conversation, reason, info.now);
    const events: PlatformEvent[] = [this.updated(conversation.id, 'queued', null, conversation.urgency)];
    if (this.deps.autoAssign) {
      const out = await this.assignOne(tx, { ...conversation, state: 'queued' }, info.now);
      if (out) {
        info.written.push(...out.written);
        events.push(...out.events.filter((e) => e.type !== 'message.created'));
      }
    }
    // Published after commit when the pipeline offers `info.events`; otherwise the pipeline's own message.created
    // event (after commit) is what refreshes the consoles.
    const after = (info as TurnContextInfo & { events?: PlatformEvent[] }).events;
    if (Array.isArray(after)) after.push(...events);
  };

  private async enqueue(tx: Executor, conversation: Conversation, reason: string, at: string): Promise<void> {
    await setConversationState(tx, conversation.id, 'queued', at, { assigneeId: null });
    const tags = conversation.tags.filter((t) => !t.startsWith('handoff:'));
    await setTags(tx, conversation.id, [...tags, `handoff:${reason}`], at);
    await recordTimeline(tx, conversation, { event: 'queued', reason }, at);
  }

  /** Queues a conversation by hand (an operator takes it out of the bot's hands without claiming it). */
  async queue(conversationId: string, reason: string): Promise<Conversation> {
    return this.run(async (tx, at, out) => {
      const conversation = await this.load(tx, conversationId);
      if (conversation.state === 'queued' || conversation.state === 'human') return conversation;
      if (conversation.state === 'closed') throw new HandoffError(409, 'closed', 'Cuộc trò chuyện đã kết thúc.');
      await this.enqueue(tx, conversation, reason, at);
      out.events.push(this.updated(conversation.id, 'queued', null, conversation.urgency));
      if (this.deps.autoAssign) {
        const assigned = await this.assignOne(tx, { ...conversation, state: 'queued' }, at);
        if (assigned) {
          out.events.push(...assigned.events);
          out.written.push(...assigned.written);
        }
      }
      return (await getConversation(tx, conversationId))!;
    });
  }

  async claim(conversationId: string, actor: Actor): Promise<Conversation> {
    return this.run(async (tx, at, out) => {
      const conversation = await this.load(tx, conversationId);
      if (conversation.state === 'closed') throw new HandoffError(409, 'closed', 'Cuộc trò chuyện đã kết thúc.');
      if (conversation.state === 'human' && conversation.assigneeId === actor.id) return conversation;
      let fromName: string | undefined;
      if (conversation.state === 'human' && conversation.assigneeId) {
        const holder = await getUser(tx, conversation.assigneeId);
        if (!SUPERVISING.has(actor.role)) {
          throw new HandoffError(409, 'taken', `Cuộc trò chuyện đã được ${holder?.displayName ?? 'tổng đài viên khác'} nhận.`);
        }
        fromName = holder?.displayName;
      }
      await setConversationState(tx, conversation.id, 'human', at, { assigneeId: actor.id });
      await recordTimeline(tx, conversation, { event: 'claimed', byId: actor.id, byName: actor.displayName, ...(fromName && { fromName }) }, at);
      await audit(tx, { actorId: actor.id, action: 'conversation.claim', targetType: 'conversation', targetId: conversation.id, at });
      await this.notice(tx, conversation, 'handoff.joined', { operatorName: actor.displayName }, at, out);
      out.events.push(this.updated(conversation.id, 'human', actor.id, conversation.urgency));
      return (await getConversation(tx, conversationId))!;
    });
  }

  async transfer(conversationId: string, toUserId: string, actor: Actor): Promise<Conversation> {
    return this.run(async (tx, at, out) => {
      const conversation = await this.load(tx, conversationId);
      if (conversation.state !== 'human' && conversation.state !== 'queued') throw new HandoffError(409, 'state', 'Chỉ chuyển được cuộc trò chuyện đang chờ hoặc đang xử lý.');
      this.mustHoldOrSupervise(conversation, actor);
      const target = await getUser(tx, toUserId);
      if (!target || target.disabled || (target.role !== 'operator' && target.role !== 'supervisor')) {
        throw new HandoffError(400, 'target', 'Người nhận không phải tổng đài viên đang hoạt động.');
      }
      if (target.presence === 'offline') throw new HandoffError(409, 'offline', `${target.displayName} đang ngoại tuyến.`);
      if (conversation.assigneeId === target.id) return conversation;
      await setConversationState(tx, conversation.id, 'human', at, { assigneeId: target.id });
      await recordTimeline(tx, conversation, { event: 'transferred', byId: actor.id, byName: actor.displayName, toId: target.id, toName: target.displayName }, at);
      await audit(tx, { actorId: actor.id, action: 'conversation.transfer', targetType: 'conversation', targetId: conversation.id, detail: { to: target.id }, at });
      await this.notice(tx, conversation, 'handoff.joined', { operatorName: target.displayName }, at, out);
      out.events.push(this.updated(conversation.id, 'human', target.id, conversation.urgency));
      out.events.push({ type: 'conversation.assigned', conversationId: conversation.id, assigneeId: target.id, byId: actor.id });
      return (await getConversation(tx, conversationId))!;
    });
  }

  async release(conversationId: string, actor: Actor): Promise<Conversation> {
    return this.run(async (tx, at, out) => {
      const conversation = await this.load(tx, conversationId);
      if (conversation.state !== 'human' && conversation.state !== 'queued') throw new HandoffError(409, 'state', 'Cuộc trò chuyện không ở chỗ tổng đài viên.');
      this.mustHoldOrSupervise(conversation, actor);
      await setConversationState(tx, conversation.id, 'bot', at);
      await setTags(tx, conversation.id, conversation.tags.filter((t) => !t.startsWith('handoff:')), at);
      await recordTimeline(tx, conversation, { event: 'released', byId: actor.id, byName: actor.displayName }, at);
      await audit(tx, { actorId: actor.id, action: 'conversation.release', targetType: 'conversation', targetId: conversation.id, at });
      await this.notice(tx, conversation, 'handoff.released', {}, at, out);
      out.events.push(this.updated(conversation.id, 'bot', null, conversation.urgency));
      return (await getConversation(tx, conversationId))!;
    });
  }

  async close(conversationId: string, reason: string, actor: Actor): Promise<Conversation> {
    const why = reason.trim().normalize('NFC').slice(0, 500);
    if (!why) throw new HandoffError(400, 'reason', 'Cần ghi lý do kết thúc.');
    return this.run(async (tx, at, out) => {
      const conversation = await this.load(tx, conversationId);
      if (conversation.state === 'closed') return conversation;
      if (conversation.state === 'human') this.mustHoldOrSupervise(conversation, actor);
      await recordTimeline(tx, conversation, { event: 'closed', byId: actor.id, byName: actor.displayName, reason: why }, at);
      await audit(tx, { actorId: actor.id, action: 'conversation.close', targetType: 'conversation', targetId: conversation.id, detail: { reason: why }, at });
      if (conversation.state !== 'bot') await this.notice(tx, conversation, 'handoff.closed', {}, at, out);
      await setConversationState(tx, conversation.id, 'closed', at, { closeReason: why });
      out.events.push(this.updated(conversation.id, 'closed', conversation.assigneeId, conversation.urgency));
      return (await getConversation(tx, conversationId))!;
    });
  }

  /** Sets a user's presence; an operator coming online takes waiting conversations when auto-assignment is on. */
  async setPresence(userId: string, presence: Presence): Promise<boolean> {
    const changed = await setPresence(this.deps.store.db, userId, presence);
    if (changed) this.deps.bus.publish({ type: 'presence.updated', userId, presence });
    if (changed && presence === 'online' && this.deps.autoAssign) await this.assignWaiting();
    return changed;
  }

  /** Gives every waiting conversation to the least-loaded operator on shift (auto-assignment). */
  async assignWaiting(): Promise<number> {
    if (!this.deps.autoAssign) return 0;
    const waiting = await this.deps.store.db
      .selectFrom('conversations')
      .select('id')
      .where('state', '=', 'queued')
      .orderBy('priority', 'desc')
      .orderBy('queued_at', 'asc')
      .limit(500)
      .execute();
    let assigned = 0;
    for (const { id } of waiting) {
      const done = await this.run(async (tx, at, out) => {
        const conversation = await this.load(tx, id);
        if (conversation.state !== 'queued') return false;
        const result = await this.assignOne(tx, conversation, at);
        if (!result) return false;
        out.events.push(...result.events);
        out.written.push(...result.written);
        return true;
      }).catch((err) => {
        this.deps.log.warn({ err, conversationId: id }, 'auto-assignment failed');
        return false;
      });
      if (!done) break; // nobody on shift: the rest waits too
      assigned++;
    }
    return assigned;
  }

  /** Assigns one queued conversation to the least-loaded operator on shift; undefined when nobody is on shift. */
  private async assignOne(tx: Executor, conversation: Conversation, at: string): Promise<{ events: PlatformEvent[]; written: WrittenOutbound[] } | undefined> {
    const operators = await operatorsOnShift(tx, new Date(at));
    if (!operators.length) return undefined;
    const loads = await tx
      .selectFrom('conversations')
      .select(['assignee_id', (e) => e.fn.countAll().as('n')])
      .where('state', '=', 'human')
      .where('assignee_id', 'in', operators.map((o) => o.id))
      .groupBy('assignee_id')
      .execute();
    const load = new Map(loads.map((l) => [l.assignee_id, Number(l.n)]));
    const chosen = [...operators].sort((a, b) => (load.get(a.id) ?? 0) - (load.get(b.id) ?? 0))[0];
    const out = { events: [] as PlatformEvent[], written: [] as WrittenOutbound[] };
    await setConversationState(tx, conversation.id, 'human', at, { assigneeId: chosen.id });
    const event: TimelineEvent = { event: 'assigned', toId: chosen.id, toName: chosen.displayName, auto: true };
    await recordTimeline(tx, conversation, event, at);
    await audit(tx, { actorId: null, action: 'conversation.auto_assign', targetType: 'conversation', targetId: conversation.id, detail: { to: chosen.id }, at });
    await this.notice(tx, conversation, 'handoff.joined', { operatorName: chosen.displayName }, at, out);
    out.events.push(this.updated(conversation.id, 'human', chosen.id, conversation.urgency));
    out.events.push({ type: 'conversation.assigned', conversationId: conversation.id, assigneeId: chosen.id, byId: null });
    return out;
  }

  // --- helpers

  private mustHoldOrSupervise(conversation: Conversation, actor: Actor): void {
    if (conversation.state === 'human' && conversation.assigneeId !== actor.id && !SUPERVISING.has(actor.role)) {
      throw new HandoffError(403, 'not yours', 'Cuộc trò chuyện do tổng đài viên khác xử lý.');
    }
  }

  private async notice(tx: Executor, conversation: Conversation, key: string, vars: Record<string, string>, at: string, out: { written: WrittenOutbound[]; events: PlatformEvent[] }): Promise<void> {
    if (!NOTICE_CHANNELS.has(conversation.channel)) return;
    const text = this.deps.template?.(key, vars);
    if (!text) return;
    const written = await writeOutbound(tx, conversation, { text, author: 'system', authorName: 'Tổng đài 1022' }, at);
    out.written.push(written);
    out.events.push({ type: 'message.created', conversationId: conversation.id, messageId: written.messageId, direction: 'out', author: 'system' });
  }

  private updated(conversationId: string, state: string, assigneeId: string | null, urgency: string): PlatformEvent {
    return { type: 'conversation.updated', conversationId, state, assigneeId, urgency };
  }

  /** Loads the conversation, locking its row on PostgreSQL for the rest of the transaction. */
  async load(tx: Executor, id: string): Promise<Conversation> {
    if (this.deps.store.dialect === 'postgres') await sql`select id from conversations where id = ${id} for update`.execute(tx);
    const conversation = await getConversation(tx, id);
    if (!conversation) throw new HandoffError(404, 'not found', 'Không tìm thấy cuộc trò chuyện.');
    return conversation;
  }

  /** One transaction; events and deliveries only after commit. */
  async run<T>(work: (tx: Executor, at: string, out: { events: PlatformEvent[]; written: WrittenOutbound[] }) => Promise<T>): Promise<T> {
    const result: TxResult<T> = await this.deps.store.db.transaction().execute(async (tx) => {
      const out = { events: [] as PlatformEvent[], written: [] as WrittenOutbound[] };
      const value = await work(tx, this.deps.clock.now().toISOString(), out);
      return { value, ...out };
    });
    for (const e of result.events) this.deps.bus.publish(e);
    if (result.written.length) this.deps.onOutbound?.(result.written);
    return result.value;
  }
}
