/** The operator console's entry point: sign in, then the shell and the page named by the URL hash. */
import pages from 'console-pages';
import './styles.css';
import { primeAudio } from './alerts';
import { whenSignedOut } from './api';
import { connectLive, disconnectLive } from './live';
import { pagesFor, parseHash, type Page, type PageInstance } from './router';
import { loadSession, signOut } from './session';
import { renderShell, type Shell } from './shell';
import { renderSignIn } from './signIn';
import type { ConsoleUser } from './types';

const root = document.getElementById('app') as HTMLElement;
let shell: Shell | undefined;
let current: { page: Page; instance: PageInstance | void } | undefined;
let allowed: Page[] = [];
let user: ConsoleUser | undefined;

function showSignIn(notice?: string): void {
  teardown();
  renderSignIn(root, (u) => startConsole(u), notice);
}

function teardown(): void {
  window.removeEventListener('hashchange', route);
  if (current?.instance) current.instance.destroy?.();
  current = undefined;
  shell?.destroy();
  shell = undefined;
  user = undefined;
  disconnectLive();
}

function startConsole(u: ConsoleUser): void {
  teardown();
  user = u;
  allowed = pagesFor(pages, u.role);
  shell = renderShell(root, u, allowed, () => {
    void signOut().then(() => showSignIn('Đã đăng xuất.'));
  });
  connectLive(() => {
    void loadSession().then((s) => {
      if (!s) showSignIn('Phiên làm việc đã kết thúc, vui lòng đăng nhập lại.');
    });
  });
  window.addEventListener('hashchange', route);
  route();
}

function route(): void {
  if (!shell || !user) return;
  const { id, params } = parseHash(location.hash);
  const page = allowed.find((p) => p.id === id);
  if (!page) {
    const first = allowed.find((p) => !p.hidden);
    if (first) location.replace(`#/${first.id}`);
    else shell.main.textContent = 'Tài khoản chưa được cấp chức năng nào.';
    return;
  }
  shell.setActive(page.id);
  if (current?.page === page && current.instance && current.instance.update) {
    current.instance.update(params);
    return;
  }
  if (current?.instance) current.instance.destroy?.();
  shell.main.replaceChildren();
  document.title = `${page.title} — Tổng đài 1022`;
  const ctx = { user, params, navigate: (path: string) => (location.hash = path) };
  current = { page, instance: page.render(shell.main, ctx) };
}

whenSignedOut(() => {
  if (user) showSignIn('Phiên làm việc đã kết thúc, vui lòng đăng nhập lại.');
});
primeAudio();
loadSession().then(
  (u) => (u ? startConsole(u) : showSignIn()),
  () => showSignIn('Không kết nối được máy chủ. Vui lòng tải lại trang.'),
);
