/** "Tài khoản" (admin): every console account, adding one, disabling, resetting a password, signing out everywhere. */
import { ApiError, get, patch, post } from '../api';
import { announce, field, formatDateTime, h, replace } from '../dom';
import { definePage } from '../router';
import { PRESENCE_NAMES, ROLE_NAMES } from '../strings';
import type { Role } from '../types';

interface Account {
  id: string;
  username: string;
  displayName: string;
  role: Role;
  email: string | null;
  presence: string;
  disabled: boolean;
  lockedUntil: string | null;
}

const ROLES: Role[] = ['operator', 'supervisor', 'editor', 'admin'];

export default definePage({
  id: 'users',
  title: 'Tài khoản',
  roles: ['admin'],
  order: 90,
  render(root, ctx) {
    const tbody = h('tbody');
    const status = h('p', { role: 'status', class: 'hint' });

    const username = h('input', { autocomplete: 'off', required: true, autocapitalize: 'none' });
    const displayName = h('input', { autocomplete: 'off', required: true });
    const email = h('input', { type: 'email', autocomplete: 'off' });
    const role = h('select', {}, ROLES.map((r) => h('option', { value: r }, ROLE_NAMES[r])));
    const password = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
    const formError = h('p', { class: 'form-error', role: 'alert' });
    const form = h(
      'form',
      { class: 'grid-form', 'aria-labelledby': 'add-user-title' },
      h('h2', { id: 'add-user-title' }, 'Thêm tài khoản'),
      field('Tên đăng nhập', username, 'chữ thường không dấu, số, dấu chấm'),
      field('Họ tên', displayName),
      field('Email (không bắt buộc)', email),
      field('Vai trò', role),
      field('Mật khẩu ban đầu', password, 'ít nhất 10 ký tự'),
      formError,
      h('button', { type: 'submit', class: 'primary' }, 'Thêm tài khoản'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      formError.textContent = '';
      post('/api/console/users', { username: username.value, displayName: displayName.value, email: email.value || null, role: role.value, password: password.value }).then(
        () => {
          announce(`Đã thêm tài khoản ${username.value}.`);
          form.reset();
          void load();
        },
        (err: unknown) => (formError.textContent = err instanceof ApiError ? err.message : 'Không thêm được tài khoản.'),
      );
    });

    const act = (promise: Promise<unknown>, done: string) =>
      promise.then(
        () => {
          announce(done);
          void load();
        },
        (err: unknown) => announce(err instanceof ApiError ? err.message : 'Không thực hiện được.', 'error'),
      );

    function row(a: Account): HTMLTableRowElement {
      const self = a.id === ctx.user.id;
      const toggle = h('button', { type: 'button', class: 'small', disabled: self }, a.disabled ? 'Mở khóa' : 'Khóa');
      toggle.setAttribute('aria-label', `${a.disabled ? 'Mở khóa' : 'Khóa'} ${a.username}`);
      toggle.addEventListener('click', () => act(patch(`/api/console/users/${a.id}`, { disabled: !a.disabled }), a.disabled ? 'Đã mở khóa.' : 'Đã khóa tài khoản.'));
      const signOut = h('button', { type: 'button', class: 'small', 'aria-label': `Đăng xuất mọi nơi: ${a.username}` }, 'Đăng xuất mọi nơi');
      signOut.addEventListener('click', () => act(post(`/api/console/users/${a.id}/sign-out-everywhere`), 'Đã đăng xuất tài khoản khỏi mọi thiết bị.'));
      const reset = h('button', { type: 'button', class: 'small', 'aria-label': `Đặt lại mật khẩu: ${a.username}` }, 'Đặt lại mật khẩu');
      reset.addEventListener('click', () => {
        const next = window.prompt(`Mật khẩu mới cho ${a.username} (ít nhất 10 ký tự):`);
        if (next) act(post(`/api/console/users/${a.id}/password`, { password: next }), 'Đã đặt lại mật khẩu.');
      });
      const state = a.disabled ? 'Đã khóa' : a.lockedUntil && a.lockedUntil > new Date().toISOString() ? `Tạm khóa đến ${formatDateTime(a.lockedUntil)}` : PRESENCE_NAMES[a.presence] ?? a.presence;
      return h('tr', {}, h('td', {}, a.username), h('td', {}, a.displayName), h('td', {}, ROLE_NAMES[a.role] ?? a.role), h('td', {}, a.email ?? '—'), h('td', {}, state), h('td', { class: 'row-actions' }, toggle, reset, signOut));
    }

    async function load(): Promise<void> {
      try {
        const r = await get<{ users: Account[] }>('/api/console/users');
        replace(tbody, r.users.map(row));
        status.textContent = `${r.users.length} tài khoản.`;
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách.';
      }
    }

    replace(
      root,
      h(
        'div',
        { class: 'page' },
        h('h1', {}, 'Tài khoản'),
        status,
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Danh sách tài khoản'),
          h('thead', {}, h('tr', {}, ['Tên đăng nhập', 'Họ tên', 'Vai trò', 'Email', 'Trạng thái', 'Thao tác'].map((t) => h('th', { scope: 'col' }, t)))),
          tbody,
        ),
        form,
      ),
    );
    void load();
  },
});
