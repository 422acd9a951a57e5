/** Two instances on one PostgreSQL database share the outbox (no row sent by both) and each other's events. */
import { insertMessage } from '../../src/store/messages';
import { resolveContact } from '../../src/store/contacts';
import { openConversation } from '../../src/store/conversations';
import { enqueue } from '../../src/store/outbox';
import { startRecordingServer } from '../support/callbackServer';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';

const TOKEN = 'two-instances-token';

describePg('two instances on PostgreSQL', () => {
  let pg: Awaited<ReturnType<typeof createPgDatabase>>;
  let a: TestPlatform;
  let b: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;

  beforeAll(async () => {
    pg = await createPgDatabase();
    callback = await startRecordingServer();
    const env = { DATABASE_URL: pg.url, APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, DELIVERY_POLL_MS: '20' };
    a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' });
    b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' });
  });
  afterAll(async () => {
    await a?.stop();
    await b?.stop();
    await callback?.close();
    await pg?.drop();
  });

  it('answers citizens writing to either instance, each reply sent once', async () => {
    const posts = Array.from({ length: 60 }, (_, i) =>
      fetch(`${(i % 2 ? a : b).url}/api/v1/app/messages`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify({ userId: `u${i}`, messageId: `m${i}`, text: 'Xin chào' }),
      }),
    );
    expect((await Promise.all(posts)).every((r) => r.status === 202)).toBe(true);
    await waitFor(() => new Set(callback.received.map((r) => r.json?.userId)).size >= 60, 15000, '60 replies');
    const ids = callback.received.map((r) => r.json.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('never sends a row from both workers when both poll the same outbox', async () => {
    const before = callback.received.length;
    const db = a.store.db;
    const at = new Date().toISOString();
    const contactId = await resolveContact(db, 'app', 'bulk', {}, at);
    const conv = await openConversation(db, { contactId, channel: 'app', externalUserId: 'bulk', externalThreadId: 'bulk', at });
    const ids: string[] = [];
    for (let i = 0; i < 200; i++) {
      const m = await insertMessage(db, { conversationId: conv.id, channel: 'app', direction: 'out', author: 'operator', text: `tin ${i}`, status: 'pending', at, processed: true });
      ids.push(await enqueue(db, m.id, { conversationId: conv.id, channel: 'app', externalUserId: 'bulk', text: `tin ${i}`, author: 'operator' }, at));
    }
    await waitFor(() => callback.received.length - before >= 200, 20000, '200 deliveries');
    await new Promise((r) => setTimeout(r, 300));
    const delivered = callback.received.slice(before).map((r) => r.json.messageId);
    expect(delivered.sort()).toEqual([...ids].sort());
    const claimedBy = await db.selectFrom('outbox').select('status').where('id', 'in', ids).execute();
    expect(claimedBy.every((r) => r.status === 'sent')).toBe(true);
  });

  it('carries an event raised on one instance to listeners on the other', async () => {
    const seen: unknown[] = [];
    const off = b.bus.subscribe((e) => seen.push(e));
    a.bus.publish({ type: 'conversation.updated', conversationId: 'c-1', state: 'queued' });
    await waitFor(() => seen.find((e: any) => e.conversationId === 'c-1'), 5000, 'event on instance b');
    off();
  });
});
