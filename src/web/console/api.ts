/** Calls to the console API: JSON in and out, the CSRF token on every change, refusals as ApiError with a message. */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly body: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => undefined;

export function setCsrfToken(token: string): void {
  csrfToken = token;
}

/** What to do when the server says the session is gone (show the sign-in page). */
export function whenSignedOut(handler: () => void): void {
  onSignedOut = handler;
}

/** Sends a request with the CSRF token on every change; answers the JSON body, a refusal as ApiError. */
export async function send<T = unknown>(path: string, init: Omit<RequestInit, 'headers'> & { headers?: Record<string, string> } = {}): Promise<T> {
  const method = init.method ?? 'GET';
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers };
  if (method !== 'GET' && method !== 'HEAD') headers['x-csrf-token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(path, { ...init, headers, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng.');
  }
  if (res.status === 204) return undefined as T;
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/session') onSignedOut();
    const message = typeof data.message === 'string' ? data.message : `Lỗi ${res.status}`;
    throw new ApiError(res.status, message, data);
  }
  return data as T;
}

export function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  if (body === undefined) return send<T>(path, { method });
  return send<T>(path, { method, body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body: unknown = {}) => api<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = <T>(path: string) => api<T>('DELETE', path);
