/**
 * Reads the mailbox with imapflow: IDLE for new mail, a periodic check as fallback, reconnect with backoff
 * (imapflow never reconnects by itself). Mails are handed over in UID order; the last handled UID is persisted
 * with the mailbox's UIDVALIDITY after each one, so a restart neither skips nor repeats a mail. A mail is flagged
 * (\Seen and the $Hotline1022 keyword where the server allows keywords) only after the handler stored it.
 */
import { ImapFlow } from 'imapflow';
import type { Logger } from '../types';
import { readUidMark, writeUidMark, type MailStateStore } from './state';

export const PROCESSED_KEYWORD = '$Hotline1022';
const BATCH = 20;
const MAX_BACKOFF_MS = 60_000;

export interface ImapSettings {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  password: string;
  mailbox: string;
  pollSeconds: number;
}

export interface FetchedMail {
  uid: number;
  uidValidity: string;
  mailbox: string;
  source: Buffer;
}

export interface PollerDeps {
  state: MailStateStore;
  /** Stores the mail; resolves only when it is durably stored. A throw stops this round: the mail is tried again. */
  handle(mail: FetchedMail): Promise<void>;
  log: Logger;
}

export class MailboxPoller {
  private client?: ImapFlow;
  private stopped = false;
  private failures = 0;
  private reconnectTimer?: NodeJS.Timeout;
  private pollTimer?: NodeJS.Timeout;
  private checking?: Promise<void>;
  private again = false;
  private connecting?: Promise<void>;
  /** Checks completed (tests and health). */
  checks = 0;

  constructor(
    private settings: ImapSettings,
    private deps: PollerDeps,
  ) {}

  private get account(): string {
    return `${this.settings.user}@${this.settings.host}/${this.settings.mailbox}`;
  }

  /** Connects (or schedules the reconnect when the server is down) and starts the periodic check. */
  async start(): Promise<void> {
    this.stopped = false;
    this.pollTimer = setInterval(() => this.requestCheck(), this.settings.pollSeconds * 1000);
    this.pollTimer.unref();
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer) clearInterval(this.pollTimer);
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    await this.connecting?.catch(() => undefined);
    await this.checking?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    if (client) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([client.logout().catch(() => undefined), new Promise((r) => (timer = setTimeout(r, 2000)))]);
      clearTimeout(timer);
      client.close();
    }
  }

  private connect(): Promise<void> {
    this.connecting = this.open().finally(() => {
      this.connecting = undefined;
    });
    return this.connecting;
  }

  private async open(): Promise<void> {
    if (this.stopped) return;
    const client = new ImapFlow({
      host: this.settings.host,
      port: this.settings.port,
      secure: this.settings.secure,
      auth: { user: this.settings.user, pass: this.settings.password },
      logger: false,
      // Start IDLE soon after each command, so new mail is noticed at once.
      autoIdleDelay: 1000,
      // Restart IDLE regularly: some servers and NATs drop a silent connection.
      maxIdleTime: 5 * 60_000,
      connectionTimeout: 30_000,
      greetingTimeout: 15_000,
    });
    client.on('exists', () => this.requestCheck());
    client.on('error', (err: Error) => this.deps.log.warn({ err: err.message }, 'imap connection error'));
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
      if (!this.stopped) this.scheduleReconnect();
    });
    try {
      await client.connect();
      await client.mailboxOpen(this.settings.mailbox);
    } catch (err) {
      this.deps.log.warn({ err: (err as Error).message, host: this.settings.host }, 'imap connect failed');
      client.close();
      if (!this.stopped) this.scheduleReconnect();
      return;
    }
    if (this.stopped) {
      await client.logout().catch(() => undefined);
      return;
    }
    this.client = client;
    this.failures = 0;
    this.deps.log.info({ mailbox: this.settings.mailbox }, 'imap connected');
    this.requestCheck();
  }

  private scheduleReconnect(): void {
    if (this.reconnectTimer || this.stopped) return;
    const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** this.failures) * (0.75 + Math.random() * 0.5);
    this.failures++;
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (!this.client && !this.connecting) void this.connect();
    }, delay);
    this.reconnectTimer.unref();
  }

  /** Asks for a check; coalesces requests arriving while one runs into one more round. */
  requestCheck(): void {
    if (this.stopped) return;
    if (this.checking) {
      this.again = true;
      return;
    }
    this.checking = (async () => {
      do {
        this.again = false;
        await this.check().catch((err) => this.deps.log.warn({ err: (err as Error).message }, 'imap check failed; will retry'));
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.checking = undefined;
    });
  }

  /** Resolves when no check is running (tests). */
  async idle(): Promise<void> {
    while (this.checking) await this.checking;
  }

  private async check(): Promise<void> {
    const client = this.client;
    if (!client || !client.usable) return;
    if (client.mailbox === false || client.mailbox?.path !== this.settings.mailbox) await client.mailboxOpen(this.settings.mailbox);
    const box = client.mailbox;
    if (!box) return;
    const uidValidity = String(box.uidValidity);
    const keywords = box.permanentFlags?.has('\\*') ?? false;
    const mark = await readUidMark(this.deps.state, this.account);
    let uids: number[];
    if (mark && mark.uidValidity === uidValidity) {
      const found = await client.search({ uid: `${mark.lastUid + 1}:*` }, { uid: true });
      // "n:*" always matches the last message, even below n.
      uids = (found || []).filter((u) => u > mark.lastUid);
    } else {
      // First run, or the server renumbered the mailbox (UIDVALIDITY changed): every stored UID is void.
      // Take what is not flagged as processed yet; the Message-ID dedupe protects against storing a mail twice.
      if (mark) this.deps.log.warn({ was: mark.uidValidity, now: uidValidity }, 'imap UIDVALIDITY changed; rescanning unprocessed mail');
      const found = await client.search(keywords ? { seen: false, unKeyword: PROCESSED_KEYWORD } : { seen: false }, { uid: true });
      uids = found || [];
      if (!uids.length) await writeUidMark(this.deps.state, this.account, { uidValidity, lastUid: Math.max(0, Number(box.uidNext ?? 1) - 1) });
    }
    uids.sort((a, b) => a - b);
    for (let i = 0; i < uids.length && !this.stopped; i += BATCH) {
      const batch = uids.slice(i, i + BATCH);
      const mails: FetchedMail[] = [];
      // Collect first: no other IMAP command may run inside the fetch iterator.
      for await (const msg of client.fetch(batch.join(','), { uid: true, source: true, flags: true }, { uid: true })) {
        if (msg.source) mails.push({ uid: msg.uid, uidValidity, mailbox: this.settings.mailbox, source: msg.source });
      }
      mails.sort((a, b) => a.uid - b.uid);
      for (const mail of mails) {
        if (this.stopped) return;
        await this.deps.handle(mail);
        await client.messageFlagsAdd(String(mail.uid), keywords ? ['\\Seen', PROCESSED_KEYWORD] : ['\\Seen'], { uid: true });
        await writeUidMark(this.deps.state, this.account, { uidValidity, lastUid: mail.uid });
      }
      // A UID that vanished between search and fetch (expunged) is passed over.
      const last = batch[batch.length - 1];
      if (!mails.some((m) => m.uid === last) && !this.stopped) await writeUidMark(this.deps.state, this.account, { uidValidity, lastUid: last });
    }
    this.checks++;
  }
}
