/** One message of the conversation history as a list item. Citizen text is only ever set as text. */
import { formatDateTime, formatTime, h } from '../dom';
import { AUTHOR_NAMES, channelName, STATUS_NAMES, URGENCY_NAMES } from '../strings';
import type { ConversationDetail, MessageView } from '../types';

export function messageItem(m: MessageView, citizenName?: string | null): HTMLLIElement {
  const time = h('time', { datetime: m.createdAt, title: formatDateTime(m.createdAt) }, formatTime(m.createdAt));
  if (m.author === 'system' && m.internal) {
    return h('li', { class: 'msg event', 'data-id': m.id }, h('span', {}, m.text), ' ', time);
  }
  if (m.internal) {
    return h(
      'li',
      { class: 'msg note', 'data-id': m.id },
      h('div', { class: 'meta' }, h('span', { class: 'who' }, `Ghi chú nội bộ · ${m.authorName ?? AUTHOR_NAMES[m.author]}`), time),
      h('p', { class: 'text' }, m.text),
    );
  }
  const who =
    m.author === 'citizen' ? (m.authorName ?? citizenName ?? AUTHOR_NAMES.citizen) : m.author === 'operator' ? (m.authorName ?? AUTHOR_NAMES.operator) : m.author === 'system' ? 'Thông báo tự động' : AUTHOR_NAMES[m.author];
  const classes = ['msg', m.direction === 'in' ? 'in' : 'out', m.author];
  if (m.urgency !== 'none') classes.push(`urgency-${m.urgency}`);
  return h(
    'li',
    { class: classes.join(' '), 'data-id': m.id },
    h(
      'div',
      { class: 'meta' },
      h('span', { class: 'who' }, who),
      m.author !== 'citizen' && m.author !== 'operator' ? null : h('span', { class: 'role' }, m.author === 'citizen' ? ` · ${channelName(m.channel)}` : ' · Tổng đài viên'),
      time,
    ),
    m.urgency !== 'none' ? h('p', { class: 'flag' }, `${URGENCY_NAMES[m.urgency]}: ${m.symptoms.join(', ') || 'có dấu hiệu cần hỗ trợ ngay'}`) : null,
    m.text ? h('p', { class: 'text' }, m.text) : null,
    m.attachments.length
      ? h(
          'ul',
          { class: 'attachments', 'aria-label': 'Tệp đính kèm' },
          m.attachments.map((a) =>
            h('li', {}, a.url ? h('a', { href: a.url, target: '_blank', rel: 'noopener noreferrer nofollow' }, a.name ?? a.type) : `${a.type}${a.name ? `: ${a.name}` : ''}`),
          ),
        )
      : null,
    m.direction === 'out' ? deliveryStatus(m) : null,
  );
}

function deliveryStatus(m: MessageView): HTMLElement {
  const label = STATUS_NAMES[m.status] ?? m.status;
  return h('p', { class: `status status-${m.status}` }, m.status === 'failed' && m.statusReason ? `${label}: ${m.statusReason}` : label);
}

/** Orders messages by time; at the same instant the citizen's comes first, then the timeline, then replies. */
export function sortMessages(list: MessageView[]): MessageView[] {
  const rank = (m: MessageView) => (m.direction === 'in' ? 0 : m.author === 'system' && m.internal ? 1 : 2);
  return [...list].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : rank(a) - rank(b)));
}

/** The history with a separator where another conversation (another channel or a later contact) starts. */
export function historyItems(detail: ConversationDetail, messages: MessageView[]): HTMLLIElement[] {
  const convs = new Map(detail.conversations.map((c) => [c.id, c]));
  const out: HTMLLIElement[] = [];
  let last: string | undefined;
  for (const m of sortMessages(messages)) {
    if (m.conversationId !== last) {
      const c = convs.get(m.conversationId);
      const current = m.conversationId === detail.conversation.id;
      const label = c
        ? `${channelName(c.channel)} · ${formatDateTime(c.createdAt)}${current ? ' · cuộc trò chuyện hiện tại' : c.closeReason ? ` · đã kết thúc: ${c.closeReason}` : ''}`
        : channelName(m.channel);
      out.push(h('li', { class: `separator${current ? ' current' : ''}`, role: 'separator' }, label));
      last = m.conversationId;
    }
    out.push(messageItem(m, detail.contact?.name));
  }
  return out;
}
