/**
 * "Hàng chờ": the live queue (waiting conversations by urgency then waiting time, with waiting and SLA timers;
 * mine; held by others) beside the open conversation. Urgent arrivals beep and raise a desktop notification.
 */
import { beep, notify } from '../alerts';
import { get } from '../api';
import { formatDuration, h, replace } from '../dom';
import { onLive } from '../live';
import { definePage } from '../router';
import { channelName, URGENCY_NAMES } from '../strings';
import { createConversationView } from '../conversation/view';
import type { QueueItem } from '../types';

const PRIORITY: Record<string, number> = { emergency: 2, urgent: 1, none: 0 };

function compare(a: QueueItem, b: QueueItem): number {
  const p = PRIORITY[b.urgency] - PRIORITY[a.urgency];
  if (p) return p;
  return (a.queuedAt ?? a.lastMessageAt).localeCompare(b.queuedAt ?? b.lastMessageAt);
}

export default definePage({
  id: 'queue',
  title: 'Hàng chờ',
  roles: ['operator', 'supervisor', 'admin'],
  order: 10,
  render(root, ctx) {
    const items = new Map<string, QueueItem>();
    const alerted = new Map<string, string>();
    let offset = 0;
    let selected = ctx.params[0] ?? '';
    let pending = new Set<string>();
    let flushTimer: ReturnType<typeof setTimeout> | undefined;
    let firstLoad = true;

    const waitingList = h('ul', { class: 'queue-list', 'aria-labelledby': 'waiting-title' });
    const mineList = h('ul', { class: 'queue-list', 'aria-labelledby': 'mine-title' });
    const othersList = h('ul', { class: 'queue-list', 'aria-labelledby': 'others-title' });
    const waitingTitle = h('h2', { id: 'waiting-title' }, 'Đang chờ');
    const mineTitle = h('h2', { id: 'mine-title' }, 'Tôi đang xử lý');
    const othersTitle = h('h2', { id: 'others-title' }, 'Người khác đang xử lý');
    const view = createConversationView(ctx.user);
    const queuePane = h(
      'nav',
      { class: 'queue', 'aria-label': 'Hàng chờ' },
      h('section', {}, waitingTitle, waitingList),
      h('section', {}, mineTitle, mineList),
      h('section', {}, othersTitle, othersList),
    );
    replace(root, h('div', { class: 'queue-page' }, queuePane, view.element));
    view.show(selected);

    function timers(item: QueueItem, now: number): { text: string; overdue: boolean } {
      if (item.state === 'queued' && item.queuedAt) {
        const waited = now - new Date(item.queuedAt).getTime();
        if (item.slaDueAt) {
          const due = new Date(item.slaDueAt).getTime() - now;
          return { text: due >= 0 ? `Chờ ${formatDuration(waited)} · còn ${formatDuration(due)}` : `Chờ ${formatDuration(waited)} · quá hạn ${formatDuration(-due)}`, overdue: due < 0 };
        }
        return { text: `Chờ ${formatDuration(waited)}`, overdue: false };
      }
      if (item.lastAuthor === 'citizen' && item.lastCitizenMessageAt) {
        return { text: `Công dân chờ trả lời ${formatDuration(now - new Date(item.lastCitizenMessageAt).getTime())}`, overdue: false };
      }
      return { text: '', overdue: false };
    }

    function itemElement(item: QueueItem, now: number): HTMLLIElement {
      const t = timers(item, now);
      const urgent = item.urgency !== 'none';
      const classes = ['queue-item', `urgency-${item.urgency}`, item.id === selected ? 'selected' : ''].filter(Boolean).join(' ');
      const link = h(
        'a',
        { href: `#/queue/${encodeURIComponent(item.id)}`, class: classes, 'aria-current': item.id === selected ? 'true' : null, 'data-id': item.id },
        h(
          'span',
          { class: 'line1' },
          urgent ? h('span', { class: `badge urgency-${item.urgency}` }, URGENCY_NAMES[item.urgency]) : null,
          h('span', { class: 'name' }, item.contactName ?? 'Công dân chưa rõ tên'),
        ),
        item.lastText ? h('span', { class: 'preview' }, item.lastText.length > 120 ? `${item.lastText.slice(0, 120)}…` : item.lastText) : null,
        h(
          'span',
          { class: 'line3' },
          h('span', { class: `timer${t.overdue ? ' overdue' : ''}`, 'data-timer': item.id }, t.text),
          h('span', { class: 'channel' }, channelName(item.channel)),
        ),
        item.state === 'human' && item.assigneeId !== ctx.user.id && item.assigneeName ? h('span', { class: 'assignee' }, `Đang xử lý: ${item.assigneeName}`) : null,
      );
      return h('li', {}, link);
    }

    function render(): void {
      const now = Date.now() + offset;
      const all = [...items.values()].sort(compare);
      const waiting = all.filter((i) => i.state === 'queued');
      const mine = all.filter((i) => i.state === 'human' && i.assigneeId === ctx.user.id);
      const others = all.filter((i) => i.state === 'human' && i.assigneeId !== ctx.user.id);
      const fill = (list: HTMLElement, rows: QueueItem[], emptyText: string) =>
        replace(list, rows.length ? rows.map((i) => itemElement(i, now)) : h('li', { class: 'empty' }, emptyText));
      // Keep keyboard focus on the same conversation link across live re-renders.
      const focusedId = (document.activeElement as HTMLElement | null)?.dataset?.id;
      fill(waitingList, waiting, 'Không có cuộc trò chuyện nào đang chờ.');
      fill(mineList, mine, 'Chưa nhận cuộc trò chuyện nào.');
      fill(othersList, others, 'Không có.');
      waitingTitle.textContent = `Đang chờ (${waiting.length})`;
      mineTitle.textContent = `Tôi đang xử lý (${mine.length})`;
      othersTitle.textContent = `Người khác đang xử lý (${others.length})`;
      if (focusedId) (queuePane.querySelector(`[data-id="${CSS.escape(focusedId)}"]`) as HTMLElement | null)?.focus();
    }

    function tick(): void {
      const now = Date.now() + offset;
      for (const el of queuePane.querySelectorAll<HTMLElement>('[data-timer]')) {
        const item = items.get(el.dataset.timer ?? '');
        if (!item) continue;
        const t = timers(item, now);
        el.textContent = t.text;
        el.classList.toggle('overdue', t.overdue);
      }
      view.tick(Date.now());
    }

    /** Beeps and notifies once per conversation and level when an urgent one waits, or one is given to me. */
    function alertFor(item: QueueItem, previous: QueueItem | undefined): void {
      if (firstLoad) return;
      const urgentWaiting = item.urgency !== 'none' && (item.state === 'queued' || item.assigneeId === ctx.user.id);
      const key = `${item.urgency}`;
      if (urgentWaiting && alerted.get(item.id) !== key) {
        alerted.set(item.id, key);
        beep(item.urgency === 'emergency' ? 3 : 2);
        notify(`${URGENCY_NAMES[item.urgency]}: ${item.contactName ?? 'Công dân'}`, item.lastText ?? 'Cuộc trò chuyện khẩn đang chờ.', () => ctx.navigate(`#/queue/${item.id}`));
        return;
      }
      const givenToMe = item.state === 'human' && item.assigneeId === ctx.user.id && previous?.assigneeId !== ctx.user.id && selected !== item.id;
      if (givenToMe) {
        beep(1);
        notify('Bạn được giao một cuộc trò chuyện', item.contactName ?? 'Công dân', () => ctx.navigate(`#/queue/${item.id}`));
      }
    }

    function apply(list: QueueItem[], replaceAll: boolean): void {
      if (replaceAll) {
        const fresh = new Set(list.map((i) => i.id));
        for (const id of items.keys()) if (!fresh.has(id)) items.delete(id);
      }
      for (const item of list) {
        const previous = items.get(item.id);
        if (item.state === 'queued' || item.state === 'human') {
          items.set(item.id, item);
          alertFor(item, previous);
        } else items.delete(item.id);
      }
      render();
    }

    async function loadAll(): Promise<void> {
      const r = await get<{ now: string; items: QueueItem[] }>('/api/console/queue');
      offset = new Date(r.now).getTime() - Date.now();
      apply(r.items, true);
      firstLoad = false;
    }

    function refresh(id: unknown): void {
      if (typeof id !== 'string') return;
      pending.add(id);
      flushTimer ??= setTimeout(() => {
        flushTimer = undefined;
        const ids = [...pending];
        pending = new Set();
        void get<{ now: string; items: QueueItem[] }>(`/api/console/queue?ids=${ids.map(encodeURIComponent).join(',')}`).then((r) => {
          const found = new Set(r.items.map((i) => i.id));
          for (const id of ids) if (!found.has(id)) items.delete(id);
          apply(r.items, false);
        }, () => undefined);
      }, 150);
    }

    const offs = [
      onLive('message.created', (e) => refresh(e.conversationId)),
      onLive('conversation.updated', (e) => refresh(e.conversationId)),
      onLive('conversation.assigned', (e) => refresh(e.conversationId)),
      onLive('urgent.alert', (e) => {
        const item = items.get(String(e.conversationId));
        if (item && (item.assigneeId === ctx.user.id || item.state === 'queued')) alerted.delete(item.id);
        refresh(e.conversationId);
      }),
      onLive('resync', () => void loadAll()),
    ];
    void loadAll().catch(() => {
      replace(waitingList, h('li', { class: 'empty' }, 'Không tải được hàng chờ.'));
    });
    const ticker = setInterval(tick, 1000);
    // Events can be missed during a disconnection: a full reload now and then keeps the queue true.
    const reloader = setInterval(() => void loadAll().catch(() => undefined), 60_000);

    return {
      update(params) {
        selected = params[0] ?? '';
        view.show(selected);
        render();
      },
      destroy() {
        for (const off of offs) off();
        clearInterval(ticker);
        clearInterval(reloader);
        if (flushTimer) clearTimeout(flushTimer);
        view.destroy();
      },
    };
  },
});
