/** Calls the JSON helper of the console cannot make: file uploads (raw or multipart) and downloads. */
import { ApiError, get } from '../../api';

async function csrfToken(): Promise<string> {
  return (await get<{ csrfToken: string }>('/api/session')).csrfToken;
}

async function send<T>(path: string, init: RequestInit): Promise<T> {
  let res: Response;
  try {
    res = await fetch(path, { credentials: 'same-origin', ...init, headers: { accept: 'application/json', 'x-csrf-token': await csrfToken(), ...(init.headers as Record<string, string>) } });
  } catch {
    throw new ApiError(0, 'Không kết nối được máy chủ. Vui lòng kiểm tra mạng.');
  }
  const data = (await res.json().catch(() => ({}))) as Record<string, unknown>;
  if (!res.ok) throw new ApiError(res.status, typeof data.message === 'string' ? data.message : `Lỗi ${res.status}`, data);
  return data as T;
}

/** A file as the raw request body, its name in x-file-name. */
export function uploadRaw<T>(path: string, file: File): Promise<T> {
  return send<T>(path, { method: 'POST', body: file, headers: { 'content-type': 'application/octet-stream', 'x-file-name': encodeURIComponent(file.name) } });
}

/** A multipart form (file and fields). */
export function uploadForm<T>(path: string, form: FormData): Promise<T> {
  return send<T>(path, { method: 'POST', body: form });
}

/** Starts a download of a GET endpoint that answers with a file. */
export function download(path: string): void {
  const a = document.createElement('a');
  a.href = path;
  a.rel = 'noopener';
  document.body.appendChild(a);
  a.click();
  a.remove();
}

/** The message of a refusal, and its itemised problems when the server listed them. */
export function refusal(err: unknown, fallback: string): { message: string; problems: Array<{ field?: string; message: string; line?: number; key?: string; entryId?: string }> } {
  if (err instanceof ApiError) {
    const problems = Array.isArray(err.body.problems) ? (err.body.problems as Array<{ message: string }>) : [];
    return { message: err.message, problems };
  }
  return { message: fallback, problems: [] };
}
