/**
 * A private Dovecot IMAP server per test file: a scratch folder, a passwd-file user, a free port on 127.0.0.1.
 * Needs the Debian package dovecot-imapd and root (Dovecot drops to the vmail user for the mail store).
 * Without it the email tests are skipped with one line; in CI (CI=true) they fail instead.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ImapFlow } from 'imapflow';

const INSTALL_HINT = 'apt-get install -y --no-install-recommends dovecot-imapd';

function findDovecot(): string | undefined {
  for (const candidate of ['/usr/sbin/dovecot', '/usr/local/sbin/dovecot']) if (fs.existsSync(candidate)) return candidate;
  return undefined;
}

const dovecotBinary = findDovecot();

/** Why Dovecot tests cannot run here, or undefined when they can. */
export const dovecotUnavailable: string | undefined = !dovecotBinary
  ? `Dovecot is not installed (${INSTALL_HINT})`
  : typeof process.getuid === 'function' && process.getuid() !== 0
    ? 'Dovecot tests need root (the mail store belongs to the vmail user)'
    : undefined;

const inCi = process.env.CI === 'true';
if (dovecotUnavailable && !inCi) console.log(`[hotline1022] ${dovecotUnavailable}: email tests are skipped.`);

/** describe() when Dovecot can run (always in CI, where a missing Dovecot fails the tests), describe.skip() otherwise. */
export const describeDovecot: jest.Describe = dovecotUnavailable && !inCi ? describe.skip : describe;

export interface DovecotServer {
  host: string;
  port: number;
  user: string;
  password: string;
  dir: string;
  /** IMAP env settings for the platform. */
  env: Record<string, string>;
  /** Appends a raw RFC 5322 message to the mailbox (like a delivery), returns its UID. */
  append(raw: string | Buffer, flags?: string[]): Promise<number>;
  /** UIDs and flags of every message in the mailbox. */
  flags(): Promise<Array<{ uid: number; flags: string[] }>>;
  stop(): Promise<void>;
  /** Starts the stopped server again on the same port and mail store. */
  restart(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, timeoutMs: number, logFile: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('data', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline) {
      const log = fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8').slice(-2000) : '(no log)';
      throw new Error(`Dovecot did not start on port ${port}:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

function ensureVmailUser(): void {
  try {
    execFileSync('id', ['-u', 'vmail'], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', 'vmail'], { stdio: 'ignore' });
  }
}

export async function startDovecot(): Promise<DovecotServer> {
  if (dovecotUnavailable) throw new Error(`${dovecotUnavailable}${inCi ? ' — required in CI' : ''}`);
  ensureVmailUser();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dovecot-'));
  // Dovecot's imap process runs as vmail and must traverse the scratch folder to reach the mail store.
  fs.chmodSync(dir, 0o755);
  fs.mkdirSync(path.join(dir, 'mail'));
  fs.mkdirSync(path.join(dir, 'run'));
  execFileSync('chown', ['vmail:vmail', path.join(dir, 'mail')]);
  const user = 'helpdesk@example.test';
  const password = 'secret123';
  fs.writeFileSync(path.join(dir, 'users'), `${user}:{PLAIN}${password}::::::\n`);
  const port = await freePort();
  const conf = path.join(dir, 'dovecot.conf');
  const logFile = path.join(dir, 'dovecot.log');
  fs.writeFileSync(
    conf,
    [
      'protocols = imap',
      'listen = 127.0.0.1',
      `base_dir = ${dir}/run`,
      `log_path = ${logFile}`,
      'ssl = no',
      'disable_plaintext_auth = no',
      'auth_mechanisms = plain login',
      'mail_location = maildir:~/Maildir',
      'passdb {',
      '  driver = passwd-file',
      `  args = scheme=PLAIN username_format=%u ${dir}/users`,
      '}',
      'userdb {',
      '  driver = static',
      `  args = uid=vmail gid=vmail home=${dir}/mail/%u`,
      '}',
      'service imap-login {',
      '  inet_listener imap {',
      '    address = 127.0.0.1',
      `    port = ${port}`,
      '  }',
      '  inet_listener imaps {',
      '    port = 0',
      '  }',
      '}',
      '',
    ].join('\n'),
  );

  let child: ChildProcess | undefined;
  const launch = async () => {
    // Foreground (-F) so the child is ours and stopping it stops every Dovecot process of this test.
    child = spawn(dovecotBinary as string, ['-F', '-c', conf], { stdio: 'ignore' });
    await waitForPort(port, 10_000, logFile);
  };
  const halt = async () => {
    const running = child;
    if (!running || running.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => running.once('exit', () => resolve()));
    running.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 5000)))]);
    clearTimeout(timer);
    if (running.exitCode === null) running.kill('SIGKILL');
    child = undefined;
  };
  await launch();

  const withClient = async <T>(fn: (client: ImapFlow) => Promise<T>): Promise<T> => {
    const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, auth: { user, pass: password }, logger: false });
    await client.connect();
    try {
      return await fn(client);
    } finally {
      await client.logout().catch(() => undefined);
    }
  };

  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    dir,
    env: { IMAP_HOST: '127.0.0.1', IMAP_PORT: String(port), IMAP_SECURE: 'false', IMAP_USER: user, IMAP_PASSWORD: password, IMAP_MAILBOX: 'INBOX' },
    append: (raw, flags = []) =>
      withClient(async (client) => {
        const result = await client.append('INBOX', raw, flags);
        if (!result || !result.uid) throw new Error('APPEND returned no UID');
        return result.uid;
      }),
    flags: () =>
      withClient(async (client) => {
        const lock = await client.getMailboxLock('INBOX');
        try {
          const out: Array<{ uid: number; flags: string[] }> = [];
          if (!client.mailbox || !client.mailbox.exists) return out;
          for await (const msg of client.fetch('1:*', { uid: true, flags: true })) out.push({ uid: msg.uid, flags: [...(msg.flags ?? [])] });
          return out;
        } finally {
          lock.release();
        }
      }),
    stop: async () => {
      await halt();
      fs.rmSync(dir, { recursive: true, force: true });
    },
    restart: async () => {
      await halt();
      await launch();
    },
  };
}
