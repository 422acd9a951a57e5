/**
 * botbuilder Storage over our database, bound to the turn's transaction. eTags are enforced: a write whose eTag
 * is not '*' and does not match the stored one is refused (botbuilder's BotState writes '*'; the pipeline serializes
 * turns per conversation and locks the conversation row on PostgreSQL, so last-writer-wins never races there).
 */
import type { Storage, StoreItems } from 'botbuilder-core';
import type { StateStore } from '../domain/turn';

export class TransactionStorage implements Storage {
  constructor(private state: StateStore) {}

  async read(keys: string[]): Promise<StoreItems> {
    const found = await this.state.read(keys);
    const items: StoreItems = {};
    for (const [key, { data, etag }] of Object.entries(found)) items[key] = { ...data, eTag: etag };
    return items;
  }

  async write(changes: StoreItems): Promise<void> {
    for (const [key, item] of Object.entries(changes)) {
      const { eTag, ...data } = (item ?? {}) as Record<string, unknown> & { eTag?: string };
      const next = await this.state.write(key, data, eTag);
      if (item && typeof item === 'object') (item as { eTag?: string }).eTag = next;
    }
  }

  async delete(keys: string[]): Promise<void> {
    await this.state.delete(keys);
  }
}
