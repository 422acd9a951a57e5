/** Console accounts and signed-in API clients for tests (any staff router guarded by requireRole). */
import type { Role } from '../../src/domain/types';
import type { Executor } from '../../src/store/executor';
import { addAccount } from '../../src/web/auth/accounts';

export const TEST_PASSWORD = 'mat-khau-thu-nghiem-2021';

export async function createTestUser(db: Executor, username: string, role: Role, displayName = username): Promise<{ id: string; username: string }> {
  const user = await addAccount(db, { username, role, displayName, password: TEST_PASSWORD }, null, new Date().toISOString());
  return { id: user.id, username: user.username };
}

export interface StaffClient {
  cookie: string;
  csrfToken: string;
  user: { id: string; username: string; displayName: string; role: Role };
  /** fetch with the session cookie and, on changes, the CSRF header; JSON bodies. */
  request(method: string, path: string, body?: unknown, options?: { csrf?: string | null }): Promise<Response>;
}

export async function signInAs(baseUrl: string, username: string, password = TEST_PASSWORD): Promise<StaffClient> {
  const res = await fetch(`${baseUrl}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
  if (res.status !== 200) throw new Error(`sign-in of ${username} failed: ${res.status} ${await res.text()}`);
  const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
  const { csrfToken, user } = (await res.json()) as { csrfToken: string; user: StaffClient['user'] };
  return {
    cookie,
    csrfToken,
    user,
    request(method, path, body, options = {}) {
      const headers: Record<string, string> = { cookie };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const csrf = options.csrf === undefined ? csrfToken : options.csrf;
      if (method !== 'GET' && csrf !== null) headers['x-csrf-token'] = csrf;
      return fetch(`${baseUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    },
  };
}
