/**
 * One conversation: header (who, channel, state, SLA), actions, the contact's whole history across channels (live),
 * the citizen's typing, the reply and note composer, the contact's details and the knowledge-base search.
 */
import { ApiError, get } from '../api';
import { formatDuration, h, replace } from '../dom';
import { onLive } from '../live';
import { channelName, STATE_NAMES, URGENCY_NAMES } from '../strings';
import type { ConsoleUser, ConversationDetail, MessageView } from '../types';
import { renderActions } from './actions';
import { createComposer } from './composer';
import { kbSearchPanel } from './kbSearch';
import { documentSearchPanel } from '../pages/content/documentSearch';
import { historyItems } from './messages';

export interface ConversationView {
  element: HTMLElement;
  show(id: string): void;
  /** Re-renders timers (called every second). */
  tick(now: number): void;
  destroy(): void;
}

export function createConversationView(user: ConsoleUser): ConversationView {
  let id = '';
  let detail: ConversationDetail | undefined;
  let messages = new Map<string, MessageView>();
  let loading = 0;
  let typingTimer: ReturnType<typeof setTimeout> | undefined;

  const title = h('h2', { id: 'conversation-title', tabindex: '-1' });
  const facts = h('p', { class: 'facts' });
  const sla = h('p', { class: 'sla' });
  const actions = h('div', { class: 'actions' });
  const list = h('ol', { class: 'messages', role: 'log', 'aria-label': 'Lịch sử trò chuyện', 'aria-live': 'polite' });
  const scroller = h('div', { class: 'messages-scroll' }, list);
  // Stay at the newest message while the operator has not scrolled up, also when the pane changes size.
  let pinned = true;
  scroller.addEventListener('scroll', () => {
    pinned = scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 80;
  });
  const resizes = new ResizeObserver(() => {
    if (pinned) scroller.scrollTop = scroller.scrollHeight;
  });
  resizes.observe(scroller);
  const typing = h('p', { class: 'typing', 'aria-live': 'polite' });
  const composer = createComposer(() => void load());
  const contact = h('section', { class: 'panel contact', 'aria-labelledby': 'contact-title' });
  const kb = kbSearchPanel((text) => composer.insert(text), () => !!detail?.you.holds);

  const body = h(
    'div',
    { class: 'conversation-body' },
    h('section', { class: 'conversation-main', 'aria-labelledby': 'conversation-title' }, h('header', { class: 'conversation-header' }, title, facts, sla), actions, scroller, typing, composer.element),
    // Operators look up official documents while answering.
    h('aside', { class: 'conversation-side', 'aria-label': 'Thông tin hỗ trợ' }, contact, kb, documentSearchPanel()),
  );
  const empty = h('p', { class: 'empty' }, 'Chọn một cuộc trò chuyện trong hàng chờ.');
  const element = h('div', { class: 'conversation' }, empty, body);
  body.hidden = true;

  const knows = (conversationId: unknown) => !!detail && detail.conversations.some((c) => c.id === conversationId);

  let focusReplyPending = false;

  async function load(focusReply = false): Promise<void> {
    if (!id) return;
    // Whichever load finishes last (a live event may overtake this one) honours the wish to focus the reply box.
    if (focusReply) focusReplyPending = true;
    const ticket = ++loading;
    try {
      const d = await get<ConversationDetail>(`/api/console/conversations/${encodeURIComponent(id)}`);
      if (ticket !== loading) return;
      detail = d;
      messages = new Map(d.messages.map((m) => [m.id, m]));
      render();
      if (focusReplyPending && d.you.holds) (element.querySelector('.reply-form textarea') as HTMLTextAreaElement | null)?.focus();
      focusReplyPending = false;
    } catch (err) {
      if (ticket !== loading) return;
      body.hidden = true;
      empty.hidden = false;
      empty.textContent = err instanceof ApiError ? err.message : 'Không tải được cuộc trò chuyện.';
    }
  }

  function render(): void {
    if (!detail) return;
    const { conversation: c } = detail;
    empty.hidden = true;
    body.hidden = false;
    const name = detail.contact?.name ?? 'Công dân chưa rõ tên';
    title.textContent = name;
    replace(
      facts,
      c.urgency !== 'none' ? h('span', { class: `badge urgency-${c.urgency}` }, URGENCY_NAMES[c.urgency]) : null,
      h('span', { class: 'badge channel' }, channelName(c.channel)),
      h('span', { class: `badge state-${c.state}` }, c.state === 'human' && c.assigneeName ? `${STATE_NAMES.human}: ${c.assigneeName}` : STATE_NAMES[c.state]),
    );
    renderActions(actions, detail, user, (focusReply) => void load(focusReply));
    composer.setConversation(c.id);
    composer.setCanReply(detail.you.holds, detail.you.canAct && c.state !== 'closed');
    renderMessages();
    renderContact();
    tick(Date.now());
  }

  function renderMessages(): void {
    if (!detail) return;
    replace(list, historyItems(detail, [...messages.values()]));
    if (pinned) scroller.scrollTop = scroller.scrollHeight;
  }

  function renderContact(): void {
    const ct = detail?.contact;
    if (!ct) {
      replace(contact, h('h2', { id: 'contact-title' }, 'Công dân'), h('p', { class: 'hint' }, 'Không có thông tin.'));
      return;
    }
    const row = (label: string, value: string | null | undefined) => [h('dt', {}, label), h('dd', {}, value || '—')];
    replace(
      contact,
      h('h2', { id: 'contact-title' }, 'Công dân'),
      h(
        'dl',
        {},
        row('Họ tên', ct.name),
        'phone' in ct ? row('Điện thoại', ct.phone) : null,
        'email' in ct ? row('Email', ct.email) : null,
        row('Kênh liên hệ', ct.identities.map((i) => channelName(i.channel)).join(', ')),
        row('Số cuộc trò chuyện', String(detail?.conversations.length ?? 0)),
      ),
    );
  }

  function tick(now: number): void {
    const c = detail?.conversation;
    if (!c || c.state !== 'queued' || !c.queuedAt) {
      sla.textContent = '';
      sla.className = 'sla';
      return;
    }
    const offset = new Date(detail!.now).getTime() - Date.now();
    const serverNow = now + offset;
    const waited = formatDuration(serverNow - new Date(c.queuedAt).getTime());
    const due = c.slaDueAt ? new Date(c.slaDueAt).getTime() - serverNow : undefined;
    sla.textContent = `Đã chờ ${waited}${due === undefined ? '' : due >= 0 ? ` · hạn tiếp nhận còn ${formatDuration(due)}` : ` · quá hạn tiếp nhận ${formatDuration(-due)}`}`;
    sla.className = `sla${due !== undefined && due < 0 ? ' overdue' : ''}`;
  }

  const STATUS_RANK: Record<string, number> = { received: 0, pending: 0, sent: 1, delivered: 2, read: 3, failed: 4 };

  async function upsertMessage(conversationId: string, messageId: string): Promise<void> {
    try {
      const m = await get<MessageView>(`/api/console/conversations/${encodeURIComponent(id)}/messages/${encodeURIComponent(messageId)}`);
      if (!knows(conversationId)) return;
      // Two fetches of one message may answer out of order: never go back to an earlier delivery status.
      const known = messages.get(m.id);
      if (known && STATUS_RANK[known.status] > STATUS_RANK[m.status]) return;
      messages.set(m.id, m);
      if (m.direction === 'in') showTyping(false);
      renderMessages();
    } catch {
      // gone or not ours: the next full load settles it
    }
  }

  function showTyping(on: boolean): void {
    if (typingTimer) clearTimeout(typingTimer);
    typing.textContent = on ? 'Công dân đang nhập…' : '';
    if (on) typingTimer = setTimeout(() => (typing.textContent = ''), 8000);
  }

  const offs = [
    onLive('message.created', (e) => {
      if (knows(e.conversationId)) void upsertMessage(String(e.conversationId), String(e.messageId));
    }),
    onLive('message.status', (e) => {
      // Also when the message is not shown yet: its status may arrive before the fetch for its creation answers.
      if (knows(e.conversationId)) void upsertMessage(String(e.conversationId), String(e.messageId));
    }),
    onLive('conversation.updated', (e) => {
      if (knows(e.conversationId)) void load();
    }),
    onLive('urgent.alert', (e) => {
      if (knows(e.conversationId)) void load();
    }),
    onLive('typing', (e) => {
      if (e.conversationId === id && e.who === 'citizen') showTyping(e.on === true);
    }),
    onLive('resync', () => void load()),
  ];

  return {
    element,
    show(next) {
      if (next === id) return;
      id = next;
      detail = undefined;
      messages.clear();
      pinned = true;
      showTyping(false);
      if (!id) {
        body.hidden = true;
        empty.hidden = false;
        empty.textContent = 'Chọn một cuộc trò chuyện trong hàng chờ.';
        return;
      }
      void load().then(() => title.focus());
    },
    tick,
    destroy() {
      for (const off of offs) off();
      resizes.disconnect();
      composer.destroy();
      if (typingTimer) clearTimeout(typingTimer);
    },
  };
}
