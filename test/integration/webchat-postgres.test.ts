/**
 * The widget across two instances on PostgreSQL: a citizen connected to instance A gets, exactly once, what instance B
 * sends (socket.io rooms through the PostgreSQL adapter) and what B publishes on the bus (LISTEN/NOTIFY).
 */
import type { WidgetMessage } from '../../channels/webchat/protocol';
import { writeOutbound } from '../../src/pipeline/outbound';
import { getConversation, setConversationState } from '../../src/store/conversations';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';
import { connectWidget, type WidgetClient } from '../support/widgetClient';

describePg('web chat widget on two PostgreSQL instances', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let a: TestPlatform;
  let b: TestPlatform;
  const clients: WidgetClient[] = [];

  beforeAll(async () => {
    database = await createPgDatabase();
    const env = { DATABASE_URL: database.url, SESSION_SECRET: 'shared-secret-for-both-instances' };
    a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' });
    b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' });
  }, 60_000);
  afterAll(async () => {
    for (const c of clients) c.close();
    await a?.stop();
    await b?.stop();
    await database?.drop();
  });

  it('delivers replies and events from the other instance once, and the session works on both', async () => {
    const onA = await connectWidget(a.url);
    clients.push(onA);
    const session = await onA.hello();
    const ack = await onA.send({ clientId: 'pg-two-instances-1', text: 'Xin chào tổng đài' });
    if (!ack.ok) throw new Error(`not sent: ${ack.error}`);
    const botReply = await onA.waitForMessage((m) => m.author === 'bot', 10_000);

    // The same citizen opens a new tab that lands on instance B: same conversation, same history.
    const onB = await connectWidget(b.url);
    clients.push(onB);
    const resumed = await onB.hello(session.token);
    expect(resumed.conversationId).toBe(ack.conversationId);
    expect(resumed.history.map((m) => m.id)).toContain(botReply.id);

    // Instance B changes the state and publishes it; both tabs hear it once.
    const now = new Date().toISOString();
    await b.store.db
      .insertInto('users')
      .values({ id: 'op-minh', username: 'minh', display_name: 'Trần Văn Minh', role: 'operator', email: null, password_hash: 'x', failed_logins: 0, locked_until: null, session_version: 0, presence: 'online', disabled: 0, created_at: now })
      .execute();
    await setConversationState(b.store.db, ack.conversationId, 'human', now, { assigneeId: 'op-minh' });
    b.bus.publish({ type: 'conversation.updated', conversationId: ack.conversationId, state: 'human', assigneeId: 'op-minh' });
    expect(await onA.waitForEvent('state', undefined, 10_000)).toMatchObject({ state: 'human', operatorName: 'Trần Văn Minh' });
    await onB.waitForEvent('state', undefined, 10_000);

    // An operator reply written and delivered by instance B reaches the tab on A (and the one on B) once.
    const conversation = await getConversation(b.store.db, ack.conversationId);
    const written = await b.store.db.transaction().execute((tx) =>
      writeOutbound(tx, conversation!, { text: 'Dạ, anh Minh nghe ạ.', author: 'operator', authorId: 'op-minh', authorName: 'Trần Văn Minh' }, now),
    );
    b.worker.kick([written.outboxId]);
    const isReply = (m: WidgetMessage) => m.id === written.messageId;
    await onA.waitForMessage(isReply, 10_000);
    await onB.waitForMessage(isReply, 10_000);
    await new Promise((r) => setTimeout(r, 500)); // time for a doubled copy to show up, if any
    expect(onA.messages.filter(isReply)).toHaveLength(1);
    expect(onB.messages.filter(isReply)).toHaveLength(1);
    expect(onA.events.filter((e) => e.event === 'state')).toHaveLength(1);
    expect(onB.events.filter((e) => e.event === 'state')).toHaveLength(1);
    const row = await waitFor(async () => {
      const r = await a.store.db.selectFrom('outbox').select('status').where('id', '=', written.outboxId).executeTakeFirst();
      return r?.status === 'sent' ? r : undefined;
    }, 5000, 'outbox sent');
    expect(row.status).toBe('sent');
  }, 60_000);
});
