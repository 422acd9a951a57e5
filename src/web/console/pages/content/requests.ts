/** Calls the JSON helper of the console cannot make: file uploads (raw or multipart) and downloads. */
import { ApiError, send } from '../../api';

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
