/**
 * What the email connector remembers across restarts, through a small key-value store the platform gives it
 * (main.ts adapts the kv table): the last processed UID per mailbox and UIDVALIDITY, the last mail of each
 * thread (for In-Reply-To/References), and the bot replies sent to each address (rate limit).
 */
import { parseJson } from '../../src/store/ids';

export interface MailStateStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string): Promise<void>;
}

export interface UidMark {
  uidValidity: string;
  lastUid: number;
}

export async function readUidMark(state: MailStateStore, account: string): Promise<UidMark | undefined> {
  const mark = parseJson<UidMark | undefined>(await state.get(`uid:${account}`), undefined);
  return mark && typeof mark.lastUid === 'number' && typeof mark.uidValidity === 'string' ? mark : undefined;
}

export async function writeUidMark(state: MailStateStore, account: string, mark: UidMark): Promise<void> {
  await state.set(`uid:${account}`, JSON.stringify(mark));
}

export async function readJson<T>(state: MailStateStore, key: string): Promise<T | undefined> {
  return parseJson<T | undefined>(await state.get(key), undefined);
}

/**
 * At most `limit` bot replies per address per hour. Durable (a restart does not reset it) and serialised per
 * address inside this process, so concurrent deliveries cannot both slip under the limit.
 */
export class ReplyRateLimiter {
  private chains = new Map<string, Promise<unknown>>();

  constructor(
    private state: MailStateStore,
    private limit: number,
    private now: () => Date,
    private windowMs = 3600_000,
  ) {}

  /** Runs `send` when the address is under the limit and records it when `send` reports success. */
  async run<T>(address: string, send: () => Promise<{ sent: boolean; value: T }>): Promise<{ limited: true } | { limited: false; value: T }> {
    const key = address.toLowerCase();
    const previous = this.chains.get(key) ?? Promise.resolve();
    const task = previous.then(async () => {
      const stored = (await readJson<string[]>(this.state, `rate:${key}`)) ?? [];
      const since = this.now().getTime() - this.windowMs;
      const recent = stored.filter((t) => Date.parse(t) > since);
      if (recent.length >= this.limit) return { limited: true as const };
      const result = await send();
      if (result.sent) await this.state.set(`rate:${key}`, JSON.stringify([...recent, this.now().toISOString()]));
      return { limited: false as const, value: result.value };
    });
    const settled = task.catch(() => undefined);
    this.chains.set(key, settled);
    void settled.then(() => {
      if (this.chains.get(key) === settled) this.chains.delete(key);
    });
    return task;
  }
}
