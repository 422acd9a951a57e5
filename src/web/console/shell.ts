/** The frame around every page: skip link, navigation, presence, notifications, connection state, sign-out. */
import { askNotificationPermission, notificationsAllowed, notificationsSupported } from './alerts';
import { ApiError, get, put } from './api';
import { announce, h, replace } from './dom';
import { onLive } from './live';
import type { Page } from './router';
import { PRESENCE_NAMES, ROLE_NAMES } from './strings';
import type { ConsoleUser, Operator } from './types';

export interface Shell {
  main: HTMLElement;
  setActive(pageId: string): void;
  destroy(): void;
}

export function renderShell(root: HTMLElement, user: ConsoleUser, pages: Page[], onSignOut: () => void): Shell {
  const handles = user.role === 'operator' || user.role === 'supervisor';
  const links = new Map<string, HTMLAnchorElement>();
  const nav = h(
    'nav',
    { 'aria-label': 'Chức năng' },
    h(
      'ul',
      {},
      pages
        .filter((p) => !p.hidden)
        .map((p) => {
          const a = h('a', { href: `#/${p.id}` }, p.title);
          links.set(p.id, a);
          return h('li', {}, a);
        }),
    ),
  );

  const status = h('span', { class: 'connection', role: 'status', 'aria-live': 'polite' }, 'Đang kết nối…');
  const cleanups: Array<() => void> = [];
  cleanups.push(
    onLive('connection', (e) => {
      status.textContent = e.connected ? 'Đã kết nối' : 'Mất kết nối, đang thử lại…';
      status.classList.toggle('offline', !e.connected);
    }),
  );

  let presenceControl: HTMLElement | null = null;
  if (handles) {
    const select = h(
      'select',
      { id: 'presence', 'aria-label': 'Trạng thái của tôi' },
      (['online', 'away', 'offline'] as const).map((p) => h('option', { value: p }, PRESENCE_NAMES[p])),
    );
    select.addEventListener('change', () => {
      put('/api/console/presence', { presence: select.value }).then(
        () => announce(`Trạng thái: ${PRESENCE_NAMES[select.value]}`),
        (err: unknown) => announce(err instanceof ApiError ? err.message : 'Không đổi được trạng thái.', 'error'),
      );
    });
    const refresh = () =>
      get<{ operators: Operator[] }>('/api/console/operators')
        .then((r) => {
          const me = r.operators.find((o) => o.id === user.id);
          if (me) select.value = me.presence;
        })
        .catch(() => undefined);
    void refresh();
    cleanups.push(
      onLive('presence.updated', (e) => {
        if (e.userId === user.id && typeof e.presence === 'string') select.value = e.presence;
      }),
    );
    cleanups.push(onLive('resync', () => void refresh()));
    presenceControl = h('label', { class: 'presence', for: 'presence' }, h('span', { class: 'visually-hidden' }, 'Trạng thái'), select);
  }

  let notifyButton: HTMLButtonElement | null = null;
  if (handles && notificationsSupported() && !notificationsAllowed() && Notification.permission !== 'denied') {
    notifyButton = h('button', { type: 'button', class: 'ghost' }, 'Bật thông báo');
    notifyButton.addEventListener('click', () => {
      void askNotificationPermission().then((ok) => {
        announce(ok ? 'Đã bật thông báo trên máy tính.' : 'Trình duyệt chưa cho phép thông báo.');
        if (ok) notifyButton?.remove();
      });
    });
  }

  const signOutButton = h('button', { type: 'button', class: 'ghost' }, 'Đăng xuất');
  signOutButton.addEventListener('click', onSignOut);

  const banner = h('div', { class: 'banner', role: 'alert', hidden: true });
  cleanups.push(
    onLive('banner', (e) => {
      banner.textContent = typeof e.text === 'string' ? e.text : '';
      banner.hidden = !banner.textContent;
    }),
  );

  const main = h('main', { id: 'main', tabindex: '-1' });
  replace(
    root,
    h('a', { href: '#main', class: 'skip-link' }, 'Bỏ qua đến nội dung chính'),
    h(
      'header',
      { class: 'topbar' },
      h('div', { class: 'brand' }, 'Tổng đài 1022'),
      nav,
      h('div', { class: 'topbar-right' }, status, presenceControl, notifyButton, h('span', { class: 'me' }, `${user.displayName} · ${ROLE_NAMES[user.role] ?? user.role}`), signOutButton),
    ),
    banner,
    main,
  );

  return {
    main,
    setActive(pageId) {
      for (const [id, a] of links) {
        if (id === pageId) a.setAttribute('aria-current', 'page');
        else a.removeAttribute('aria-current');
      }
    },
    destroy() {
      for (const c of cleanups) c();
    },
  };
}
