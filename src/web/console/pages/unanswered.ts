/**
 * "Câu hỏi chưa trả lời": what citizens asked that the bot could not answer, answered with low confidence, left for
 * an operator, or marked not helpful — grouped by similarity, busiest this week first, with a weekly trend. From a
 * group: add the question to an existing entry (one click), create a new entry from it, or dismiss it.
 */
import './content/content.css';
import { ApiError, get, post } from '../api';
import { announce, field, formatDateTime, h, replace } from '../dom';
import { definePage } from '../router';
import { channelName } from '../strings';
import { KIND_LABELS, PREFILL_KEY } from './content/labels';
import { refusal } from './content/requests';

interface Item {
  id: string;
  kind: string;
  question: string;
  channel: string;
  at: string;
}

interface Group {
  id: string;
  label: string;
  count: number;
  thisWeek: number;
  weekly: number[];
  kinds: Record<string, number>;
  channels: Record<string, number>;
  lastAt: string;
  items: Item[];
  candidates: Array<{ entryId: string; count: number; question: string; topic: string }>;
}

function trend(weekly: number[]): HTMLElement {
  const max = Math.max(1, ...weekly);
  const label = weekly.map((n, i) => `${i === weekly.length - 1 ? 'tuần này' : `${weekly.length - 1 - i} tuần trước`}: ${n}`).join('; ');
  return h(
    'span',
    { class: 'kb-trend-box' },
    h(
      'span',
      { class: 'kb-trend', role: 'img', 'aria-label': `Xu hướng theo tuần — ${label}` },
      weekly.map((n) => h('span', { class: 'kb-trend-bar', style: `height:${Math.max(2, Math.round((n / max) * 38))}px`, title: String(n) })),
    ),
    h('span', { class: 'kb-trend-caption', 'aria-hidden': 'true' }, `${weekly.length} tuần, cột đỏ là tuần này`),
  );
}

export default definePage({
  id: 'unanswered',
  title: 'Câu hỏi chưa trả lời',
  roles: ['editor', 'supervisor'],
  order: 33,
  render(root, ctx) {
    const days = h('select', {}, h('option', { value: '7' }, '7 ngày qua'), h('option', { value: '28', selected: true }, '4 tuần qua'), h('option', { value: '90' }, '3 tháng qua'));
    const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    const list = h('ol', { class: 'kb-groups', 'aria-label': 'Nhóm câu hỏi' });

    const fail = (err: unknown) => announce(refusal(err, 'Không thực hiện được.').message, 'error');

    function groupView(g: Group): HTMLLIElement {
      const ids = g.items.map((i) => i.id);
      const kinds = Object.entries(g.kinds).map(([k, n]) => `${n} ${KIND_LABELS[k] ?? k}`).join(', ');
      const channels = Object.entries(g.channels).map(([c, n]) => `${channelName(c)}: ${n}`).join(', ');
      const distinct = [...new Set(g.items.map((i) => i.question))];
      const add = g.candidates.slice(0, 3).map((c) => {
        const b = h('button', { type: 'button', class: 'small', 'aria-label': `Thêm "${g.label}" làm cách hỏi khác của: ${c.question}` }, `Thêm vào: ${c.question}`);
        b.addEventListener('click', () =>
          post(`/api/content/entries/${encodeURIComponent(c.entryId)}/alternatives`, { text: g.label, questionIds: ids }).then(() => {
            announce('Đã thêm cách hỏi mới (phiên bản mới chờ duyệt).');
            void load();
          }, fail),
        );
        return h('li', {}, b);
      });
      const create = h('button', { type: 'button', class: 'primary' }, 'Tạo câu hỏi mới');
      create.addEventListener('click', () => {
        const topic = g.candidates[0]?.topic ?? '';
        sessionStorage.setItem(PREFILL_KEY, JSON.stringify({ question: g.label, alternatives: distinct.filter((q) => q !== g.label).slice(0, 8), topic, questionIds: ids }));
        ctx.navigate('#/entry/new');
      });
      const dismiss = h('button', { type: 'button' }, 'Bỏ qua nhóm này');
      dismiss.addEventListener('click', () =>
        post('/api/content/unanswered/dismiss', { ids }).then(() => {
          announce('Đã bỏ qua nhóm câu hỏi.');
          void load();
        }, fail),
      );
      return h(
        'li',
        { class: 'panel kb-group' },
        h('div', { class: 'kb-group-head' }, h('h2', {}, g.label), trend(g.weekly)),
        h('p', { class: 'kb-counts' }, h('strong', {}, `${g.count} lượt`), ` · tuần này ${g.thisWeek} · ${kinds}`),
        h('p', { class: 'hint' }, `${channels} · gần nhất ${formatDateTime(g.lastAt)}`),
        h(
          'details',
          {},
          h('summary', {}, `Xem ${g.items.length} câu hỏi trong nhóm`),
          h('ul', { class: 'kb-questions' }, g.items.slice(0, 50).map((i) => h('li', {}, i.question, h('span', { class: 'hint' }, ` — ${channelName(i.channel)}, ${formatDateTime(i.at)}, ${KIND_LABELS[i.kind] ?? i.kind}`)))),
        ),
        add.length ? h('div', {}, h('p', { class: 'kb-sub' }, 'Thêm làm cách hỏi khác của câu đã có (một lần bấm):'), h('ul', { class: 'kb-candidates' }, add)) : null,
        h('div', { class: 'kb-actions' }, create, dismiss),
      );
    }

    async function load(): Promise<void> {
      status.textContent = 'Đang tải…';
      try {
        const r = await get<{ total: number; groups: Group[] }>(`/api/content/unanswered?days=${days.value}`);
        replace(list, r.groups.map(groupView));
        status.textContent = r.total ? `${r.total} câu hỏi trong ${r.groups.length} nhóm, nhóm nhiều nhất tuần này ở trên cùng.` : 'Không có câu hỏi nào cần xem trong khoảng thời gian này.';
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách.';
      }
    }
    days.addEventListener('change', () => void load());

    replace(
      root,
      h(
        'div',
        { class: 'page kb-page' },
        h('h1', {}, 'Câu hỏi chưa trả lời'),
        h('p', { class: 'hint' }, 'Câu hỏi bot không tìm được câu trả lời, chỉ gợi ý được, người dân để lại, hoặc câu trả lời bị đánh giá không hữu ích. Số điện thoại, tên, địa chỉ đã được che.'),
        h('div', { class: 'kb-filters compact' }, field('Khoảng thời gian', days)),
        status,
        list,
      ),
    );
    void load();
  },
});
