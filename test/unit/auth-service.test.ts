/** AuthService on a real SQLite store: argon2id hashes, hashed session tokens, lockout, expiry, sign-out everywhere. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../src/store/clock';
import { migrate, openDatabase, type DbHandle } from '../../src/store/db';
import { addAccount, updateAccount } from '../../src/web/auth/accounts';
import { AuthService, hashToken } from '../../src/web/auth/service';

const PASSWORD = 'mat-khau-rat-dai-2021';

describe('AuthService', () => {
  let store: DbHandle;
  let clock: ManualClock;
  let auth: AuthService;
  let userId: string;

  beforeAll(async () => {
    store = openDatabase({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'auth-')) });
    await migrate(store.db);
    clock = new ManualClock(new Date('2021-08-20T01:00:00Z'));
    auth = new AuthService({ db: store.db, clock, settings: { maxFailures: 3, lockMinutes: 15, sessionTtlHours: 12, secureCookies: false } });
    userId = (await addAccount(store.db, { username: 'Op.One', role: 'operator', displayName: 'Nguyễn Văn Một', password: PASSWORD }, null, clock.now().toISOString())).id;
  });
  afterAll(() => store.close());

  it('stores an argon2id hash, never the password', async () => {
    const row = await store.db.selectFrom('users').selectAll().where('id', '=', userId).executeTakeFirstOrThrow();
    expect(row.username).toBe('op.one');
    expect(row.password_hash).toMatch(/^\$argon2id\$/);
    expect(row.password_hash).not.toContain(PASSWORD);
  });

  it('signs in (username case-insensitive) and keeps only the SHA-256 of the cookie token', async () => {
    const result = await auth.signIn('OP.ONE', PASSWORD);
    if (!result.ok) throw new Error('sign-in refused');
    expect(result.token.length).toBeGreaterThanOrEqual(40);
    const rows = await store.db.selectFrom('sessions').selectAll().execute();
    expect(rows.map((r) => r.id)).toContain(hashToken(result.token));
    expect(rows.map((r) => r.id)).not.toContain(result.token);
    expect((await auth.resolve(result.token))?.user).toEqual({ id: userId, username: 'op.one', displayName: 'Nguyễn Văn Một', role: 'operator' });
    expect(await auth.resolve('forged-token')).toBeUndefined();
  });

  it('ends a session when it expires', async () => {
    const result = await auth.signIn('op.one', PASSWORD);
    if (!result.ok) throw new Error('sign-in refused');
    clock.advance(11 * 3_600_000);
    expect(await auth.resolve(result.token)).toBeDefined();
    clock.advance(2 * 3_600_000);
    expect(await auth.resolve(result.token)).toBeUndefined();
  });

  it('locks after maxFailures wrong passwords, refuses the right one while locked, and unlocks after lockMinutes', async () => {
    expect(await auth.signIn('op.one', 'wrong-1')).toEqual({ ok: false, reason: 'invalid' });
    expect(await auth.signIn('op.one', 'wrong-2')).toEqual({ ok: false, reason: 'invalid' });
    const third = await auth.signIn('op.one', 'wrong-3');
    expect(third).toMatchObject({ ok: false, reason: 'locked' });
    expect(await auth.signIn('op.one', PASSWORD)).toMatchObject({ ok: false, reason: 'locked' });
    clock.advance(15 * 60_000 + 1000);
    expect((await auth.signIn('op.one', PASSWORD)).ok).toBe(true);
    // A success resets the count: two more failures do not lock.
    await auth.signIn('op.one', 'wrong-4');
    await auth.signIn('op.one', 'wrong-5');
    expect((await auth.signIn('op.one', PASSWORD)).ok).toBe(true);
  });

  it('names the cookie __Host-… when it must be Secure (PUBLIC_URL is https)', () => {
    expect(auth.cookieName).toBe('hl1022_session');
    expect(new AuthService({ db: store.db, clock, settings: { maxFailures: 3, lockMinutes: 15, sessionTtlHours: 12, secureCookies: true } }).cookieName).toBe('__Host-hl1022_session');
  });

  it('refuses an unknown user the same way as a wrong password', async () => {
    expect(await auth.signIn('nobody', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('signs out everywhere and refuses disabled accounts', async () => {
    const a = await auth.signIn('op.one', PASSWORD);
    const b = await auth.signIn('op.one', PASSWORD);
    if (!a.ok || !b.ok) throw new Error('sign-in refused');
    await auth.signOutEverywhere(userId, userId);
    expect(await auth.resolve(a.token)).toBeUndefined();
    expect(await auth.resolve(b.token)).toBeUndefined();

    const c = await auth.signIn('op.one', PASSWORD);
    if (!c.ok) throw new Error('sign-in refused');
    await updateAccount(store.db, userId, { disabled: true }, null, clock.now().toISOString());
    expect(await auth.resolve(c.token)).toBeUndefined();
    expect(await auth.signIn('op.one', PASSWORD)).toEqual({ ok: false, reason: 'invalid' });
  });
});
