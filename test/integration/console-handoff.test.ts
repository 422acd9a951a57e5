/**
 * Handoff and auto-assignment through the pipeline: a citizen asking for an operator when nobody is on shift waits in
 * the queue; the first operator to come online gets it; later ones go to the least-loaded operator on shift, never
 * to one who is away.
 */
import { anyOperatorOnShift, operatorsOnShift } from '../../src/handoff/shift';
import { startRecordingServer } from '../support/callbackServer';
import { createTestUser, signInAs, type StaffClient } from '../support/consoleSession';
import { startTestPlatform, waitFor, type TestPlatform } from '../support/platform';

const TOKEN = 'app-token-handoff';

describe('handoff with auto-assignment', () => {
  let platform: TestPlatform;
  let callback: Awaited<ReturnType<typeof startRecordingServer>>;
  let op1: StaffClient;
  let op2: StaffClient;
  let seq = 0;

  beforeAll(async () => {
    callback = await startRecordingServer();
    platform = await startTestPlatform({ APP_CHANNEL_TOKEN: TOKEN, APP_CALLBACK_URL: `${callback.url}/cb`, APP_CALLBACK_SECRET: 'cb-secret-handoff', AUTO_ASSIGN: 'true' });
    await createTestUser(platform.store.db, 'auto.op1', 'operator', 'Phan Văn Một');
    await createTestUser(platform.store.db, 'auto.op2', 'operator', 'Ngô Thị Hai');
    await createTestUser(platform.store.db, 'auto.sup', 'supervisor', 'Giám Sát');
    op1 = await signInAs(platform.url, 'auto.op1');
    op2 = await signInAs(platform.url, 'auto.op2');
  });
  afterAll(async () => {
    await platform.stop();
    await callback.close();
  });

  const askForOperator = async (userId: string) => {
    const res = await fetch(`${platform.url}/api/v1/app/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` },
      body: JSON.stringify({ userId, messageId: `h-${++seq}`, text: 'cho tôi gặp tổng đài viên', name: `Công dân ${seq}`, phone: `0987${String(seq).padStart(6, '0')}` }),
    });
    const { conversationId } = (await res.json()) as { conversationId: string };
    await platform.settle();
    return conversationId;
  };
  const row = (id: string) => platform.store.db.selectFrom('conversations').selectAll().where('id', '=', id).executeTakeFirstOrThrow();
  const presence = (client: StaffClient, p: string) => client.request('PUT', '/api/console/presence', { presence: p });

  it('queues when nobody is on shift, then assigns to the first operator who comes online', async () => {
    expect(await anyOperatorOnShift(platform.store.db)).toBe(false);
    const id = await askForOperator('auto-c1');
    expect(await row(id)).toMatchObject({ state: 'queued', assignee_id: null });

    expect((await presence(op1, 'online')).status).toBe(200);
    expect(await anyOperatorOnShift(platform.store.db)).toBe(true);
    await waitFor(async () => (await row(id)).state === 'human', 3000, 'assigned');
    expect((await row(id)).assignee_id).toBe(op1.user.id);
    await waitFor(() => callback.received.find((r) => r.json?.userId === 'auto-c1' && /Phan Văn Một đang hỗ trợ/.test(r.json.text)), 5000, 'joined notice');
    const timeline = await platform.store.db.selectFrom('messages').select(['text', 'internal']).where('conversation_id', '=', id).where('author', '=', 'system').execute();
    expect(timeline).toEqual(expect.arrayContaining([{ text: 'Tự động giao cho Phan Văn Một.', internal: 1 }]));
  });

  it('gives new conversations to the least-loaded operator on shift and never to one who is away', async () => {
    expect((await presence(op2, 'online')).status).toBe(200);
    const second = await askForOperator('auto-c2');
    expect(await row(second)).toMatchObject({ state: 'human', assignee_id: op2.user.id });

    expect((await presence(op2, 'away')).status).toBe(200);
    expect((await operatorsOnShift(platform.store.db)).map((o) => o.displayName)).toEqual(['Phan Văn Một']);
    const third = await askForOperator('auto-c3');
    expect(await row(third)).toMatchObject({ state: 'human', assignee_id: op1.user.id });

    expect((await presence(op2, 'online')).status).toBe(200);
    const fourth = await askForOperator('auto-c4');
    // op1 holds 2, op2 holds 1.
    expect(await row(fourth)).toMatchObject({ state: 'human', assignee_id: op2.user.id });
  });

  it('lets a supervisor take over a conversation another operator holds', async () => {
    const id = await askForOperator('auto-c5');
    const held = await row(id);
    expect(held.state).toBe('human');
    const sup = await signInAs(platform.url, 'auto.sup');
    const res = await sup.request('POST', `/api/console/conversations/${id}/claim`);
    expect(res.status).toBe(200);
    expect((await row(id)).assignee_id).toBe(sup.user.id);
    const other = held.assignee_id === op1.user.id ? op1 : op2;
    expect((await other.request('POST', `/api/console/conversations/${id}/reply`, { text: 'muộn rồi' })).status).toBe(409);
  });
});
