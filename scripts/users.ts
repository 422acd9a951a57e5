/**
 * Console accounts from the command line (the first admin is created this way):
 *   npm run users -- add <username> --role <operator|supervisor|editor|admin> [--name "Họ tên"] [--email addr]
 *   npm run users -- passwd <username>
 *   npm run users -- disable <username>      (ends its sessions everywhere)
 *   npm run users -- enable <username>
 *   npm run users -- list
 * The password is read from stdin when piped (first line), or prompted twice without echo on a terminal.
 * Uses the same DATA_DIR / DATABASE_URL settings as the platform, and applies migrations first.
 */
import { loadConfig } from '../src/config';
import { ROLES } from '../src/domain/types';
import { migrate, openDatabase, type DbHandle } from '../src/store/db';
import { findUserByUsername, listUsers } from '../src/store/users';
import { AccountError, addAccount, changePassword, isRole, updateAccount } from '../src/web/auth/accounts';

const USAGE = `Cách dùng:
  npm run users -- add <tên đăng nhập> --role <${ROLES.join('|')}> [--name "Họ tên"] [--email địa-chỉ]
  npm run users -- passwd <tên đăng nhập>
  npm run users -- disable <tên đăng nhập>
  npm run users -- enable <tên đăng nhập>
  npm run users -- list
Mật khẩu đọc từ stdin (dòng đầu) khi được chuyển vào bằng ống, hoặc hỏi (không hiện ký tự) trên terminal.`;

class UsageError extends Error {}

export function parseArgs(argv: string[]): { command: string; positional: string[]; options: Record<string, string> } {
  const [command = '', ...rest] = argv;
  const positional: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) options[arg.slice(2, eq)] = arg.slice(eq + 1);
      else {
        const value = rest[i + 1];
        if (value === undefined || value.startsWith('--')) throw new UsageError(`Thiếu giá trị cho ${arg}.`);
        options[arg.slice(2)] = value;
        i++;
      }
    } else positional.push(arg);
  }
  return { command, positional, options };
}

async function readAllStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads one line from the terminal without echoing it. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin;
    process.stderr.write(question);
    stdin.setRawMode(true);
    stdin.resume();
    stdin.setEncoding('utf8');
    let value = '';
    const done = (err?: Error) => {
      stdin.setRawMode(false);
      stdin.pause();
      stdin.off('data', onData);
      process.stderr.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\u0003') return done(new UsageError('Đã hủy.'));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}

async function readPassword(): Promise<string> {
  if (!process.stdin.isTTY) {
    const line = (await readAllStdin()).split(/\r?\n/)[0] ?? '';
    if (!line) throw new UsageError('Không đọc được mật khẩu từ stdin.');
    return line;
  }
  const first = await promptHidden('Mật khẩu: ');
  const second = await promptHidden('Nhập lại mật khẩu: ');
  if (first !== second) throw new UsageError('Hai lần nhập mật khẩu không khớp.');
  return first;
}

async function requireUser(store: DbHandle, username: string | undefined) {
  if (!username) throw new UsageError('Thiếu tên đăng nhập.');
  const user = await findUserByUsername(store.db, username);
  if (!user) throw new UsageError(`Không có tài khoản "${username}".`);
  return user;
}

export async function run(argv: string[], store: DbHandle, out: (line: string) => void, readSecret = readPassword): Promise<void> {
  const { command, positional, options } = parseArgs(argv);
  const at = new Date().toISOString();
  switch (command) {
    case 'add': {
      const username = positional[0];
      if (!username) throw new UsageError('Thiếu tên đăng nhập.');
      if (!isRole(options.role)) throw new UsageError(`--role phải là một trong: ${ROLES.join(', ')}.`);
      const user = await addAccount(store.db, { username, role: options.role, displayName: options.name, email: options.email ?? null, password: await readSecret() }, null, at);
      out(`Đã tạo tài khoản ${user.username} (${user.role}).`);
      return;
    }
    case 'passwd': {
      const user = await requireUser(store, positional[0]);
      await changePassword(store.db, user.id, await readSecret(), null, at);
      out(`Đã đổi mật khẩu của ${user.username}; mọi phiên đăng nhập của tài khoản đã kết thúc.`);
      return;
    }
    case 'disable':
    case 'enable': {
      const user = await requireUser(store, positional[0]);
      await updateAccount(store.db, user.id, { disabled: command === 'disable' }, null, at);
      out(command === 'disable' ? `Đã khóa ${user.username} và kết thúc mọi phiên đăng nhập.` : `Đã mở khóa ${user.username}.`);
      return;
    }
    case 'list': {
      const users = await listUsers(store.db, { includeDisabled: true });
      if (!users.length) out('Chưa có tài khoản nào. Tạo quản trị viên đầu tiên: npm run users -- add admin --role admin');
      for (const u of users) out([u.username.padEnd(20), u.role.padEnd(11), u.disabled ? 'đã khóa' : u.presence.padEnd(7), u.displayName].join('  '));
      return;
    }
    default:
      throw new UsageError(command ? `Lệnh không rõ: ${command}.` : 'Thiếu lệnh.');
  }
}

async function main(): Promise<void> {
  const config = loadConfig();
  const store = openDatabase({ databaseUrl: config.DATABASE_URL, dataDir: config.DATA_DIR, poolSize: 2 });
  try {
    await migrate(store.db);
    await run(process.argv.slice(2), store, (line) => console.log(line));
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(err.message);
      console.error(USAGE);
      process.exitCode = 2;
    } else if (err instanceof AccountError) {
      console.error(err.message);
      process.exitCode = 1;
    } else {
      console.error((err as Error).message);
      process.exitCode = 1;
    }
  } finally {
    await store.close();
  }
}

if (require.main === module) void main();
