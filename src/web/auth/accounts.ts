/**
 * Managing console accounts (used by `npm run users` and the admin page): validation, hashing, audit.
 * Disabling an account or changing its password ends its sessions everywhere.
 */
import { ROLES, type Role } from '../../domain/types';
import { audit } from '../../store/audit';
import type { Executor } from '../../store/executor';
import { bumpSessionVersion, createUser, findUserByUsername, getUser, normalizeUsername, setPasswordHash, setPresence, updateUser, type User } from '../../store/users';
import { hashPassword, passwordProblem } from './passwords';

export class AccountError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const USERNAME = /^[a-z0-9][a-z0-9._-]{2,31}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export interface NewAccount {
  username: string;
  role: Role;
  displayName?: string;
  email?: string | null;
  password: string;
}

export async function addAccount(db: Executor, input: NewAccount, actorId: string | null, at: string): Promise<User> {
  const username = normalizeUsername(input.username ?? '');
  if (!USERNAME.test(username)) throw new AccountError(400, 'Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch dưới hoặc gạch ngang.');
  if (!isRole(input.role)) throw new AccountError(400, `Vai trò phải là một trong: ${ROLES.join(', ')}.`);
  if (input.email && !EMAIL.test(input.email.trim())) throw new AccountError(400, 'Địa chỉ email không hợp lệ.');
  const problem = passwordProblem(input.password ?? '', username);
  if (problem) throw new AccountError(400, problem);
  if (await findUserByUsername(db, username)) throw new AccountError(409, `Tên đăng nhập "${username}" đã có.`);
  const displayName = (input.displayName ?? '').trim() || username;
  const user = await createUser(db, { username, displayName, role: input.role, email: input.email?.trim() || null, passwordHash: await hashPassword(input.password), at });
  await audit(db, { actorId, action: 'user.create', targetType: 'user', targetId: user.id, detail: { username, role: user.role }, at });
  return user;
}

export async function changePassword(db: Executor, userId: string, password: string, actorId: string | null, at: string): Promise<void> {
  const user = await getUser(db, userId);
  if (!user) throw new AccountError(404, 'Không tìm thấy tài khoản.');
  const problem = passwordProblem(password ?? '', user.username);
  if (problem) throw new AccountError(400, problem);
  await setPasswordHash(db, userId, await hashPassword(password));
  await bumpSessionVersion(db, userId);
  await audit(db, { actorId, action: 'user.password', targetType: 'user', targetId: userId, at });
}

export async function updateAccount(
  db: Executor,
  userId: string,
  patch: { displayName?: string; role?: Role; email?: string | null; disabled?: boolean },
  actorId: string | null,
  at: string,
): Promise<User> {
  const user = await getUser(db, userId);
  if (!user) throw new AccountError(404, 'Không tìm thấy tài khoản.');
  if (patch.role !== undefined && !isRole(patch.role)) throw new AccountError(400, `Vai trò phải là một trong: ${ROLES.join(', ')}.`);
  if (patch.email && !EMAIL.test(patch.email.trim())) throw new AccountError(400, 'Địa chỉ email không hợp lệ.');
  if (patch.displayName !== undefined && !patch.displayName.trim()) throw new AccountError(400, 'Họ tên không được để trống.');
  if (actorId === userId && (patch.disabled || (patch.role && patch.role !== user.role))) {
    throw new AccountError(400, 'Không thể tự khóa hoặc tự đổi vai trò của chính mình.');
  }
  await updateUser(db, userId, { ...patch, displayName: patch.displayName?.trim() });
  // A disabled account or a changed role must not keep sessions opened under the old rights.
  if (patch.disabled === true || (patch.role && patch.role !== user.role)) {
    await bumpSessionVersion(db, userId);
    await setPresence(db, userId, 'offline');
  }
  await audit(db, { actorId, action: 'user.update', targetType: 'user', targetId: userId, detail: { ...patch }, at });
  return (await getUser(db, userId))!;
}

/** What the admin page and the CLI show of an account (never the hash). */
export function publicAccount(u: User) {
  return { id: u.id, username: u.username, displayName: u.displayName, role: u.role, email: u.email, presence: u.presence, disabled: u.disabled, lockedUntil: u.lockedUntil, createdAt: u.createdAt };
}
