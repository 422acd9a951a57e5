/** The TurnEngine the pipeline calls: runs a botbuilder bot on one message and returns its replies and effects. */
import { ActivityTypes, type Activity, type CardAction } from 'botbuilder-core';
import type { BotReply, StateStore, TurnEffect, TurnEngine, TurnRequest } from '../domain/turn';
import { PipelineAdapter } from './adapter';
import { ConversationState, type TurnContext, UserState } from './dialogs';
import { TransactionStorage } from './storage';

const REQUEST = 'hotline.request';
const EFFECTS = 'hotline.effects';
const CONVERSATION_STATE = 'hotline.conversationState';
const USER_STATE = 'hotline.userState';

/** What a bot implements: one turn, with the states bound to this turn's storage. */
export type BotLogic = (context: TurnContext, states: { conversation: ConversationState; user: UserState }) => Promise<void>;

export function createBotEngine(bot: BotLogic, options: { onTurnError?: (err: unknown) => void } = {}): TurnEngine {
  const adapter = new PipelineAdapter();
  adapter.onTurnError = async (_context, err) => {
    options.onTurnError?.(err);
    throw err; // the pipeline rolls the turn back and retries the message later
  };
  return {
    async turn(state: StateStore, request: TurnRequest) {
      const storage = new TransactionStorage(state);
      const conversation = new ConversationState(storage);
      const user = new UserState(storage);
      const effects: TurnEffect[] = [];
      const activities = await adapter.run(toActivity(request), async (context) => {
        await bot(context, { conversation, user });
        await conversation.saveChanges(context);
        await user.saveChanges(context);
      }, { [REQUEST]: request, [EFFECTS]: effects, [CONVERSATION_STATE]: conversation, [USER_STATE]: user });
      return { replies: activities.map(toReply).filter((r) => r.text), effects };
    },
  };
}

function toActivity(request: TurnRequest): Activity {
  const { conversation, message } = request;
  return {
    type: message.kind === 'follow' ? ActivityTypes.ConversationUpdate : ActivityTypes.Message,
    id: message.id,
    timestamp: new Date(request.now),
    channelId: conversation.channel,
    conversation: { id: conversation.id, isGroup: false, conversationType: 'personal', name: '' },
    from: { id: conversation.contactId, name: '' },
    recipient: { id: 'tong-dai-1022', name: 'Tổng đài 1022' },
    text: message.text,
    value: message.choice ?? undefined,
    locale: 'vi-VN',
    serviceUrl: '',
    ...(message.kind === 'follow' && { membersAdded: [{ id: conversation.contactId, name: '' }] }),
  } as Activity;
}

function toReply(activity: Partial<Activity>): BotReply {
  const actions = (activity.suggestedActions?.actions ?? []) as CardAction[];
  return {
    text: activity.text ?? '',
    ...(actions.length && { quickReplies: actions.map((a) => ({ title: String(a.title), payload: String(a.value ?? a.title) })) }),
    ...(activity.channelData && { meta: activity.channelData as Record<string, unknown> }),
  };
}

/** The pipeline's request of this turn (channel, triage verdict, choice…). */
export function turnRequest(context: TurnContext): TurnRequest {
  return context.turnState.get(REQUEST) as TurnRequest;
}

/** Asks the pipeline for a side effect, applied in the turn's transaction. */
export function emitEffect(context: TurnContext, effect: TurnEffect): void {
  (context.turnState.get(EFFECTS) as TurnEffect[]).push(effect);
}

/** Sends a reply with optional quick replies and channel hints. */
export async function sendReply(context: TurnContext, reply: BotReply): Promise<void> {
  await context.sendActivity({
    type: ActivityTypes.Message,
    text: reply.text,
    ...(reply.quickReplies?.length && {
      suggestedActions: { to: [], actions: reply.quickReplies.map((q) => ({ type: 'imBack', title: q.title, value: q.payload })) },
    }),
    ...(reply.meta && { channelData: reply.meta }),
  });
}
