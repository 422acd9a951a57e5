/** The signed-in user of this tab, and signing in/out. */
import { ApiError, del, get, post, setCsrfToken } from './api';
import type { ConsoleUser } from './types';

interface SessionResponse {
  user: ConsoleUser;
  csrfToken: string;
}

/** The session of this browser, if any. */
export async function loadSession(): Promise<ConsoleUser | undefined> {
  try {
    const s = await get<SessionResponse>('/api/session');
    setCsrfToken(s.csrfToken);
    return s.user;
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) {
      return undefined;
    }
    throw err;
  }
}

export async function signIn(username: string, password: string): Promise<ConsoleUser> {
  const s = await post<SessionResponse>('/api/session', { username, password });
  setCsrfToken(s.csrfToken);
  return s.user;
}

export async function signOut(): Promise<void> {
  await del('/api/session').catch(() => undefined);
  setCsrfToken('');
}

export async function signOutEverywhere(): Promise<void> {
  await post('/api/session/everywhere');
  setCsrfToken('');
}
