/**
 * A botbuilder adapter for our pipeline: a TurnRequest becomes an Activity, and what the bot sends is collected
 * (not sent): the pipeline writes it to the outbox in the turn's transaction.
 */
import { ActivityTypes, BotAdapter, TurnContext, type Activity, type ConversationReference, type ResourceResponse } from 'botbuilder-core';

export const COLLECTED = Symbol('collectedActivities');

export class PipelineAdapter extends BotAdapter {
  async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const collected = context.turnState.get(COLLECTED) as Partial<Activity>[];
    return activities.map((activity, i) => {
      if (activity.type === ActivityTypes.Message || activity.type === undefined) collected.push(activity);
      return { id: `${context.activity.id}-${collected.length}-${i}` };
    });
  }

  async updateActivity(): Promise<void> {
    throw new Error('sent messages cannot be edited on these channels');
  }

  async deleteActivity(): Promise<void> {
    throw new Error('sent messages cannot be deleted on these channels');
  }

  async continueConversation(reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const activity = TurnContext.applyConversationReference({ type: ActivityTypes.Event, name: 'continue' }, reference, true);
    await this.run(activity as Activity, logic);
  }

  /** Runs one turn through the middleware and the bot; returns the activities the bot sent. */
  async run(activity: Activity, logic: (context: TurnContext) => Promise<void>, turnState: Record<symbol | string, unknown> = {}): Promise<Partial<Activity>[]> {
    const context = new TurnContext(this, activity);
    const collected: Partial<Activity>[] = [];
    context.turnState.set(COLLECTED, collected);
    for (const key of Reflect.ownKeys(turnState)) context.turnState.set(key, turnState[key as string]);
    await this.runMiddleware(context, logic);
    return collected;
  }
}
