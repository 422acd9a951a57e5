/**
 * The console across two instances on PostgreSQL: an operator connected to instance B sees, live and once, a citizen
 * who writes to instance A; two operators claiming at once on different instances → exactly one wins; the winner's
 * reply reaches the citizen once.
 */
import { io as connect, type Socket } from 'socket.io-client';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';
import { createPgDatabase, describePg } from '../support/postgres';

const TOKEN = 'app-token-console-pg';

describePg('console on two PostgreSQL instances', () => {
  let database: Awaited<ReturnType<typeof createPgDatabase>>;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let a: TestPlatform;
  let b: TestPlatform;
  let socket: Socket | undefined;

  beforeAll(async () => {
    database = await createPgDatabase();
    callback = await startRecordingServer();
    const env = { DATABASE_URL: database.url, SESSION_SECRET: 'shared-secret-console-pg', APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-pg-1' };
    a = await startTestPlatform({ ...env, INSTANCE_ID: 'a' });
    b = await startTestPlatform({ ...env, INSTANCE_ID: 'b' });
    await createTestUser(a.store.db, 'pg.op1', 'operator', 'Hoàng Văn Một');
    await createTestUser(a.store.db, 'pg.op2', 'operator', 'Đỗ Thị Hai');
  }, 60_000);
  afterAll(async () => {
    socket?.close();
    await a?.stop();
    await b?.stop();
    await callback?.close();
    await database?.drop();
  });

  it('shows a citizen writing to one instance to an operator on the other, once; one claim wins', async () => {
    const onB = await signInAs(b.url, 'pg.op1');
    const onA = await signInAs(a.url, 'pg.op2');
    // A session made on one instance is valid on the other (same database).
    expect((await (await fetch(`${a.url}/api/session`, { headers: { cookie: onB.cookie } })).json()).user.username).toBe('pg.op1');

    const events: Array<{ type: string; conversationId?: string; messageId?: string; state?: string }> = [];
    socket = connect(`${b.url}/console`, { path: '/socket.io', transports: ['websocket'], extraHeaders: { cookie: onB.cookie }, reconnection: false });
    for (const type of ['message.created', 'conversation.updated', 'presence.updated']) socket.on(type, (e) => events.push({ type, ...e }));
    await new Promise<void>((resolve, reject) => {
      socket!.once('connect', () => resolve());
      socket!.once('connect_error', reject);
    });
    // Opening the console puts the operator online.
    await waitFor(() => events.find((e) => e.type === 'presence.updated'), 5000, 'presence online');

    const res = await fetch(`${a.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId: 'pg-citizen', messageId: 'pg-m1', text: 'gặp tổng đài viên', name: 'Vũ Thị Dân' }),
    });
    const { conversationId } = (await res.json()) as { conversationId: string };
    const inbound = await waitFor(() => events.find((e) => e.type === 'message.created' && e.conversationId === conversationId), 10_000, 'event on instance B');
    await waitFor(async () => {
      const q = (await (await onB.request('GET', '/api/console/queue')).json()) as { items: Array<{ id: string; state: string }> };
      return q.items.find((i) => i.id === conversationId && i.state === 'queued');
    }, 10_000, 'queued in B’s queue');
    await new Promise((r) => setTimeout(r, 300));
    expect(events.filter((e) => e.type === 'message.created' && e.messageId === inbound.messageId)).toHaveLength(1);

    const claims = await Promise.all([onB.request('POST', `/api/console/conversations/${conversationId}/claim`), onA.request('POST', `/api/console/conversations/${conversationId}/claim`)]);
    expect(claims.map((r) => r.status).sort()).toEqual([200, 409]);
    const winner: StaffClient = claims[0].status === 200 ? onB : onA;
    const row = await b.store.db.selectFrom('conversations').selectAll().where('id', '=', conversationId).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ state: 'human', assignee_id: winner.user.id });
    await waitFor(() => events.find((e) => e.type === 'conversation.updated' && e.conversationId === conversationId && e.state === 'human'), 5000, 'claim event on B');

    const text = 'Dạ, tổng đài viên đã nhận câu hỏi ạ.';
    expect((await winner.request('POST', `/api/console/conversations/${conversationId}/reply`, { text })).status).toBe(202);
    await waitFor(() => callback.received.find((r) => r.json?.text === text), 10_000, 'reply at the callback');
    await a.settle();
    await b.settle();
    expect(callback.received.filter((r) => r.json?.text === text)).toHaveLength(1);
  });
});
