/** "Tài khoản của tôi": change one's password, sign out on every device. */
import { ApiError, post } from '../api';
import { field, h, replace } from '../dom';
import { definePage } from '../router';
import { signOutEverywhere } from '../session';

export default definePage({
  id: 'me',
  title: 'Tài khoản của tôi',
  roles: ['operator', 'supervisor', 'editor', 'admin'],
  order: 95,
  render(root) {
    const current = h('input', { type: 'password', autocomplete: 'current-password', required: true });
    const next = h('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 10 });
    const message = h('p', { role: 'alert', class: 'form-error' });
    const form = h(
      'form',
      { class: 'grid-form', 'aria-labelledby': 'password-title' },
      h('h2', { id: 'password-title' }, 'Đổi mật khẩu'),
      field('Mật khẩu hiện tại', current),
      field('Mật khẩu mới', next, 'ít nhất 10 ký tự; sau khi đổi, mọi phiên đăng nhập sẽ kết thúc'),
      message,
      h('button', { type: 'submit', class: 'primary' }, 'Đổi mật khẩu'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      post('/api/session/password', { current: current.value, next: next.value }).then(
        () => location.reload(),
        (err: unknown) => (message.textContent = err instanceof ApiError ? err.message : 'Không đổi được mật khẩu.'),
      );
    });
    const everywhere = h('button', { type: 'button', class: 'danger' }, 'Đăng xuất khỏi mọi thiết bị');
    everywhere.addEventListener('click', () => void signOutEverywhere().then(() => location.reload()));
    replace(
      root,
      h('div', { class: 'page' }, h('h1', {}, 'Tài khoản của tôi'), form, h('section', { class: 'panel' }, h('h2', {}, 'Phiên đăng nhập'), h('p', {}, 'Kết thúc mọi phiên đăng nhập của tài khoản này trên mọi máy.'), everywhere)),
    );
  },
});
