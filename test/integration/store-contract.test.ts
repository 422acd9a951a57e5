/** Every repository, the same assertions, on SQLite and on PostgreSQL (invariant 5: one SQL code path). */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { audit, listAudit } from '../../src/store/audit';
import { ETagConflictError, readStates, writeState } from '../../src/store/botState';
import { resolveContact, getContact } from '../../src/store/contacts';
import { findOpenConversation, listActive, openConversation, raiseUrgency, setConversationState } from '../../src/store/conversations';
import { migrate, openDatabase, readiness, type DbHandle } from '../../src/store/db';
import { getValue, setValue } from '../../src/store/kv';
import { findInbound, insertMessage, listUnprocessed, markProcessed, raiseOutboundStatus } from '../../src/store/messages';
import { claimDue, enqueue, markFailed, markRetry, markSent } from '../../src/store/outbox';
import { createPgDatabase, pgUrl } from '../support/postgres';

const T0 = '2021-08-20T01:00:00.000Z';
const T1 = '2021-08-20T01:05:00.000Z';

type Target = { name: string; open(): Promise<{ handle: DbHandle; cleanup(): Promise<void> }> };
const targets: Target[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hotline1022-contract-'));
      const handle = openDatabase({ dataDir: dir });
      return { handle, cleanup: async () => handle.close() };
    },
  },
];
if (pgUrl) {
  targets.push({
    name: 'postgres',
    async open() {
      const pg = await createPgDatabase();
      const handle = openDatabase({ databaseUrl: pg.url, dataDir: os.tmpdir() });
      return { handle, cleanup: async () => { await handle.close(); await pg.drop(); } };
    },
  });
}

describe.each(targets)('store contract on $name', (target) => {
  let handle: DbHandle;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ handle, cleanup } = await target.open());
    await migrate(handle.db);
  });
  afterAll(() => cleanup());

  it('is ready once migrated, and migrating again changes nothing', async () => {
    await migrate(handle.db);
    expect(await readiness(handle.db)).toEqual({ database: true, migrations: true });
  });

  it('links identities of one citizen by phone across channels and keeps what was told first', async () => {
    const a = await resolveContact(handle.db, 'zalo', 'z-1', { name: 'Lan', phone: '0912345678' }, T0);
    const b = await resolveContact(handle.db, 'messenger', 'psid-1', { phone: '0912345678', name: 'Lan Nguyen' }, T0);
    expect(b).toBe(a);
    expect(await resolveContact(handle.db, 'zalo', 'z-1', {}, T1)).toBe(a);
    expect((await getContact(handle.db, a))?.name).toBe('Lan');
    const other = await resolveContact(handle.db, 'email', 'x@example.test', { email: 'X@Example.test' }, T0);
    expect(other).not.toBe(a);
    expect(await resolveContact(handle.db, 'app', 'app-9', { email: 'x@example.test' }, T0)).toBe(other);
  });

  it('keeps one open conversation per thread and counts a reopened one as a new request', async () => {
    const contactId = await resolveContact(handle.db, 'app', 'c-1', {}, T0);
    const first = await openConversation(handle.db, { contactId, channel: 'app', externalUserId: 'c-1', externalThreadId: 'c-1', at: T0 });
    expect((await findOpenConversation(handle.db, 'app', 'c-1'))?.id).toBe(first.id);
    await setConversationState(handle.db, first.id, 'closed', T1, { closeReason: 'xong' });
    expect(await findOpenConversation(handle.db, 'app', 'c-1')).toBeUndefined();
    const second = await openConversation(handle.db, { contactId, channel: 'app', externalUserId: 'c-1', externalThreadId: 'c-1', at: T1 });
    const kinds = await handle.db.selectFrom('requests').select('kind').where('conversation_id', 'in', [first.id, second.id]).orderBy('at').execute();
    expect(kinds.map((k) => k.kind)).toEqual(['new_conversation', 'reopened']);
  });

  it('refuses a second inbound message with the same channel id, and lists unprocessed ones', async () => {
    const contactId = await resolveContact(handle.db, 'app', 'c-2', {}, T0);
    const conv = await openConversation(handle.db, { contactId, channel: 'app', externalUserId: 'c-2', externalThreadId: 'c-2', at: T0 });
    const m = await insertMessage(handle.db, { conversationId: conv.id, channel: 'app', direction: 'in', author: 'citizen', text: 'hỏi', externalId: 'ext-1', status: 'received', at: T0 });
    // Checked by message, not instanceof: the SQLite driver's error class may come from another test file's realm.
    await expect(insertMessage(handle.db, { conversationId: conv.id, channel: 'app', direction: 'in', author: 'citizen', text: 'hỏi', externalId: 'ext-1', status: 'received', at: T0 })).rejects.toHaveProperty('message', expect.stringMatching(/unique/i));
    expect((await findInbound(handle.db, 'app', 'ext-1'))?.id).toBe(m.id);
    expect((await listUnprocessed(handle.db, T1)).map((x) => x.id)).toContain(m.id);
    await markProcessed(handle.db, m.id, T1, { level: 'urgent', symptoms: ['sốt'] });
    expect((await listUnprocessed(handle.db, T1)).map((x) => x.id)).not.toContain(m.id);
  });

  it('orders the queue by urgency, then waiting time, and never lowers urgency', async () => {
    const mk = async (user: string, at: string) => {
      const contactId = await resolveContact(handle.db, 'webchat', user, {}, at);
      const c = await openConversation(handle.db, { contactId, channel: 'webchat', externalUserId: user, externalThreadId: user, at });
      await setConversationState(handle.db, c.id, 'queued', at);
      return c.id;
    };
    const early = await mk('q-early', T0);
    const urgent = await mk('q-urgent', T1);
    await raiseUrgency(handle.db, urgent, 'emergency', T1);
    await raiseUrgency(handle.db, urgent, 'urgent', T1);
    const ids = (await listActive(handle.db)).map((c) => c.id).filter((id) => id === early || id === urgent);
    expect(ids).toEqual([urgent, early]);
    expect((await listActive(handle.db)).find((c) => c.id === urgent)?.urgency).toBe('emergency');
  });

  it('claims an outbox row for one worker only, until its lease runs out', async () => {
    const contactId = await resolveContact(handle.db, 'app', 'o-1', {}, T0);
    const conv = await openConversation(handle.db, { contactId, channel: 'app', externalUserId: 'o-1', externalThreadId: 'o-1', at: T0 });
    const msg = await insertMessage(handle.db, { conversationId: conv.id, channel: 'app', direction: 'out', author: 'bot', text: 'trả lời', status: 'pending', at: T0, processed: true });
    const id = await enqueue(handle.db, msg.id, { conversationId: conv.id, channel: 'app', externalUserId: 'o-1', text: 'trả lời', author: 'bot' }, T0);
    const lease = '2021-08-20T01:01:00.000Z';
    const a = await claimDue(handle.db, handle.dialect, { worker: 'a', now: T0, leaseUntil: lease, limit: 10, ids: [id] });
    const b = await claimDue(handle.db, handle.dialect, { worker: 'b', now: T0, leaseUntil: lease, limit: 10, ids: [id] });
    expect(a.map((x) => x.id)).toEqual([id]);
    expect(b).toEqual([]);
    const afterLease = await claimDue(handle.db, handle.dialect, { worker: 'b', now: '2021-08-20T01:02:00.000Z', leaseUntil: T1, limit: 10, ids: [id] });
    expect(afterLease.map((x) => x.id)).toEqual([id]);
    await markRetry(handle.db, id, T1, 'HTTP 503');
    expect(await claimDue(handle.db, handle.dialect, { worker: 'a', now: '2021-08-20T01:03:00.000Z', leaseUntil: T1, limit: 10, ids: [id] })).toEqual([]);
    const due = await claimDue(handle.db, handle.dialect, { worker: 'a', now: T1, leaseUntil: '2021-08-20T01:06:00.000Z', limit: 10, ids: [id] });
    expect(due[0].attempts).toBe(1);
    await markSent(handle.db, id, T1);
    expect(await claimDue(handle.db, handle.dialect, { worker: 'a', now: '2021-08-21T00:00:00.000Z', leaseUntil: '2021-08-21T00:01:00.000Z', limit: 10 })).toEqual([]);
    const failedMsg = await insertMessage(handle.db, { conversationId: conv.id, channel: 'app', direction: 'out', author: 'bot', text: 'x', status: 'pending', at: T0, processed: true });
    const failed = await enqueue(handle.db, failedMsg.id, { conversationId: conv.id, channel: 'app', externalUserId: 'o-1', text: 'x', author: 'bot' }, T0);
    await markFailed(handle.db, failed, 'HTTP 400');
    const row = await handle.db.selectFrom('outbox').selectAll().where('id', '=', failed).executeTakeFirstOrThrow();
    expect(row).toMatchObject({ status: 'failed', last_error: 'HTTP 400', attempts: 1 });
  });

  it('raises delivery status by channel ids or watermark, never lowering it', async () => {
    const contactId = await resolveContact(handle.db, 'messenger', 'psid-9', {}, T0);
    const conv = await openConversation(handle.db, { contactId, channel: 'messenger', externalUserId: 'psid-9', externalThreadId: 'psid-9', at: T0 });
    const m1 = await insertMessage(handle.db, { conversationId: conv.id, channel: 'messenger', direction: 'out', author: 'bot', text: 'a', status: 'sent', externalId: 'mid.1', at: T0, processed: true });
    const m2 = await insertMessage(handle.db, { conversationId: conv.id, channel: 'messenger', direction: 'out', author: 'bot', text: 'b', status: 'sent', at: T1, processed: true });
    expect(await raiseOutboundStatus(handle.db, { channel: 'messenger', externalIds: ['mid.1'] }, 'read')).toHaveLength(1);
    expect(await raiseOutboundStatus(handle.db, { channel: 'messenger', externalUserId: 'psid-9', before: T1 }, 'delivered')).toEqual([`${conv.id}:${m2.id}`]);
    const rows = await handle.db.selectFrom('messages').select(['id', 'status']).where('id', 'in', [m1.id, m2.id]).execute();
    expect(Object.fromEntries(rows.map((r) => [r.id, r.status]))).toEqual({ [m1.id]: 'read', [m2.id]: 'delivered' });
  });

  it('enforces eTags on bot state', async () => {
    const etag = await writeState(handle.db, 'app/conversations/1/', { step: 1 }, undefined, T0);
    const next = await writeState(handle.db, 'app/conversations/1/', { step: 2 }, etag, T0);
    await expect(writeState(handle.db, 'app/conversations/1/', { step: 3 }, etag, T0)).rejects.toBeInstanceOf(ETagConflictError);
    await writeState(handle.db, 'app/conversations/1/', { step: 4 }, '*', T0);
    const state = await readStates(handle.db, ['app/conversations/1/', 'missing']);
    expect(state['app/conversations/1/'].data).toEqual({ step: 4 });
    expect(state['app/conversations/1/'].etag).not.toBe(next);
    expect(state.missing).toBeUndefined();
  });

  it('keeps key-values and the audit log', async () => {
    await setValue(handle.db, 'zalo_tokens', 'a', T0);
    await setValue(handle.db, 'zalo_tokens', 'b', T1);
    expect(await getValue(handle.db, 'zalo_tokens')).toBe('b');
    await audit(handle.db, { actorId: 'u1', action: 'kb.publish', targetType: 'kb_entry', targetId: 'e1', detail: { version: 2 }, at: T0 });
    expect(await listAudit(handle.db, { targetId: 'e1' })).toEqual([expect.objectContaining({ action: 'kb.publish', actorId: 'u1', detail: { version: 2 } })]);
  });
});
