/** The sign-in form: "Tên đăng nhập", "Mật khẩu", "Đăng nhập"; errors announced to screen readers. */
import { ApiError } from './api';
import { field, h, replace } from './dom';
import { signIn } from './session';
import type { ConsoleUser } from './types';

export function renderSignIn(root: HTMLElement, onSignedIn: (user: ConsoleUser) => void, notice?: string): void {
  const username = h('input', { name: 'username', autocomplete: 'username', required: true, autocapitalize: 'none', spellcheck: 'false' });
  const password = h('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'form-error', role: 'alert' }, notice ?? '');
  const submit = h('button', { type: 'submit', class: 'primary' }, 'Đăng nhập');
  const form = h(
    'form',
    { class: 'sign-in', novalidate: true },
    h('h1', {}, 'Tổng đài 1022'),
    h('p', { class: 'subtitle' }, 'Bảng điều khiển dành cho cán bộ trực'),
    field('Tên đăng nhập', username),
    field('Mật khẩu', password),
    error,
    submit,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    if (!username.value.trim() || !password.value) {
      error.textContent = 'Vui lòng nhập tên đăng nhập và mật khẩu.';
      (username.value.trim() ? password : username).focus();
      return;
    }
    submit.disabled = true;
    error.textContent = '';
    signIn(username.value, password.value).then(
      (user) => onSignedIn(user),
      (err: unknown) => {
        submit.disabled = false;
        error.textContent = err instanceof ApiError ? err.message : 'Không đăng nhập được, vui lòng thử lại.';
        password.value = '';
        password.focus();
      },
    );
  });
  replace(root, h('main', { class: 'sign-in-page', id: 'main' }, form));
  document.title = 'Đăng nhập — Tổng đài 1022';
  username.focus();
}
