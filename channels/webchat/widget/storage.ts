/**
 * What survives a reload, per server: the session token and the messages not yet acknowledged (typed offline).
 * Shared by the tabs of one site; a message sent twice (two tabs, a reconnect) is stored once thanks to its clientId.
 * Falls back to memory where localStorage is unavailable (private browsing, blocked storage).
 */

export interface QueuedMessage {
  clientId: string;
  text: string;
  choice?: string;
  at: string;
}

export class WidgetStorage {
  private memory = new Map<string, string>();

  constructor(private prefix: string) {}

  private read(key: string): string | null {
    try {
      return localStorage.getItem(this.prefix + key);
    } catch {
      return this.memory.get(key) ?? null;
    }
  }

  private write(key: string, value: string | null): void {
    try {
      if (value === null) localStorage.removeItem(this.prefix + key);
      else localStorage.setItem(this.prefix + key, value);
    } catch {
      if (value === null) this.memory.delete(key);
      else this.memory.set(key, value);
    }
  }

  get token(): string | undefined {
    return this.read('token') ?? undefined;
  }

  set token(value: string | undefined) {
    this.write('token', value ?? null);
  }

  queued(): QueuedMessage[] {
    try {
      const list = JSON.parse(this.read('outbox') ?? '[]') as unknown;
      return Array.isArray(list) ? list.filter((m): m is QueuedMessage => typeof m?.clientId === 'string' && typeof m?.text === 'string') : [];
    } catch {
      return [];
    }
  }

  enqueue(message: QueuedMessage): void {
    const list = this.queued().filter((m) => m.clientId !== message.clientId);
    list.push(message);
    this.write('outbox', JSON.stringify(list.slice(-50)));
  }

  remove(clientId: string): void {
    const list = this.queued();
    const left = list.filter((m) => m.clientId !== clientId);
    if (left.length !== list.length) this.write('outbox', left.length ? JSON.stringify(left) : null);
  }
}

/** 24 hex characters from the browser's random generator. */
export function newClientId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}
