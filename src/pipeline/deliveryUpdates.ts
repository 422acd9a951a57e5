/** Applies delivery/read receipts from a channel to our outbound messages and tells the console. */
import type { DeliveryUpdate } from '../../channels/types';
import type { DbHandle } from '../store/db';
import { raiseOutboundStatus } from '../store/messages';
import type { EventBus } from './events';

export async function applyDeliveryUpdate(store: DbHandle, bus: EventBus, update: DeliveryUpdate): Promise<void> {
  const changed = await raiseOutboundStatus(
    store.db,
    { channel: update.channel, externalIds: update.externalIds, externalUserId: update.externalUserId, before: update.watermark?.toISOString() },
    update.status,
  );
  for (const key of changed) {
    const [conversationId, messageId] = key.split(':');
    bus.publish({ type: 'message.status', conversationId, messageId, status: update.status });
  }
}
