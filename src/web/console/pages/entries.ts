/**
 * "Câu hỏi – trả lời": the Q&A base. Search as the bot searches (no diacritics needed), filter by topic, status and
 * last review; entries not reviewed within the review period are flagged. Editors and supervisors see drafts and
 * pending changes and can export what they see; operators read the published base.
 */
import './content/content.css';
import { ApiError, get } from '../api';
import { field, h, replace } from '../dom';
import { onLive } from '../live';
import { definePage } from '../router';
import { formatDay } from './content/labels';
import { download } from './content/requests';
import { statusBadge } from './content/widgets';

interface Summary {
  id: string;
  topic: string;
  question: string;
  status: string;
  live: string | null;
  working: string | null;
  reviewedAt: string;
  overdue: boolean;
  expired: boolean;
  usage: { answered: number; helpful: number; notHelpful: number };
  score?: number;
}

interface ListResponse {
  total: number;
  items: Summary[];
  reviewDays: number;
}

const PAGE_SIZE = 50;

export default definePage({
  id: 'entries',
  title: 'Câu hỏi – trả lời',
  roles: ['editor', 'supervisor', 'operator'],
  order: 30,
  render(root, ctx) {
    const editor = ctx.user.role === 'editor' || ctx.user.role === 'supervisor';
    let page = 1;
    let topics: Array<{ id: string; title: string }> = [];

    const q = h('input', { type: 'search', autocomplete: 'off', placeholder: 'ví dụ: f1 cach ly may ngay' });
    const topic = h('select', {}, h('option', { value: '' }, 'Tất cả chủ đề'));
    const status = h(
      'select',
      {},
      h('option', { value: '' }, 'Tất cả trạng thái'),
      h('option', { value: 'published' }, 'Đã xuất bản'),
      h('option', { value: 'draft' }, 'Có bản nháp'),
      h('option', { value: 'review' }, 'Chờ duyệt'),
      h('option', { value: 'archived' }, 'Đã lưu trữ'),
    );
    const review = h('select', {}, h('option', { value: '' }, 'Tất cả'), h('option', { value: 'overdue' }, 'Quá hạn rà soát'), h('option', { value: 'current' }, 'Còn trong hạn rà soát'));
    const reviewedBefore = h('input', { type: 'date' });
    const form = h(
      'form',
      { class: 'kb-filters', role: 'search', 'aria-label': 'Tìm và lọc câu hỏi' },
      field('Tìm câu hỏi', q, 'gõ có dấu hay không dấu đều được'),
      field('Chủ đề', topic),
      editor ? field('Trạng thái', status) : null,
      field('Rà soát', review),
      field('Rà soát lần cuối trước ngày', reviewedBefore),
      h('button', { type: 'submit', class: 'primary' }, 'Tìm'),
    );
    const summary = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    const tbody = h('tbody');
    const pager = h('nav', { class: 'kb-pager', 'aria-label': 'Phân trang' });

    const params = (withPage: boolean) => {
      const p = new URLSearchParams();
      if (q.value.trim()) p.set('q', q.value.trim());
      if (topic.value) p.set('topic', topic.value);
      if (editor && status.value) p.set('status', status.value);
      if (review.value) p.set('review', review.value);
      if (reviewedBefore.value) p.set('reviewedBefore', reviewedBefore.value);
      if (withPage) {
        p.set('page', String(page));
        p.set('size', String(PAGE_SIZE));
      }
      return p.toString();
    };

    const topicTitle = (id: string) => topics.find((t) => t.id === id)?.title ?? id;

    function row(s: Summary): HTMLTableRowElement {
      const badges = [
        s.live ? statusBadge(s.live) : null,
        s.working ? statusBadge(s.working, s.live ? 'pending' : '') : null,
        s.expired ? h('span', { class: 'badge kb-flag' }, 'Hết hiệu lực') : null,
      ];
      return h(
        'tr',
        {},
        h('td', {}, h('a', { href: `#/entry/${encodeURIComponent(s.id)}` }, s.question), h('div', { class: 'kb-id' }, s.id)),
        h('td', {}, topicTitle(s.topic)),
        h('td', { class: 'kb-badges' }, badges),
        h('td', {}, formatDay(s.reviewedAt), s.overdue ? h('span', { class: 'badge kb-flag', title: 'Quá hạn rà soát' }, 'Quá hạn rà soát') : null),
        h('td', { class: 'num' }, String(s.usage.answered)),
        h('td', { class: 'num' }, `${s.usage.helpful} / ${s.usage.notHelpful}`),
      );
    }

    async function load(): Promise<void> {
      summary.textContent = 'Đang tải…';
      try {
        const r = await get<ListResponse>(`/api/content/entries?${params(true)}`);
        replace(tbody, r.items.length ? r.items.map(row) : h('tr', {}, h('td', { colspan: 6, class: 'empty' }, 'Không có câu hỏi nào phù hợp.')));
        const pages = Math.max(1, Math.ceil(r.total / PAGE_SIZE));
        summary.textContent = `${r.total} câu hỏi${q.value.trim() ? ' phù hợp, xếp theo mức độ giống' : ''}. Trang ${page}/${pages}. Hạn rà soát: ${r.reviewDays} ngày.`;
        const prev = h('button', { type: 'button', class: 'small', disabled: page <= 1 }, 'Trang trước');
        const next = h('button', { type: 'button', class: 'small', disabled: page >= pages }, 'Trang sau');
        prev.addEventListener('click', () => {
          page--;
          void load();
        });
        next.addEventListener('click', () => {
          page++;
          void load();
        });
        replace(pager, prev, next);
      } catch (err) {
        summary.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách.';
      }
    }

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      page = 1;
      void load();
    });
    for (const control of [topic, status, review, reviewedBefore]) control.addEventListener('change', () => form.requestSubmit());

    const actions = editor
      ? h(
          'div',
          { class: 'kb-actions' },
          h('a', { href: '#/entry/new', class: 'button primary' }, 'Thêm câu hỏi'),
          h('button', { type: 'button', onclick: () => download(`/api/content/export?format=xlsx&${params(false)}`) }, 'Xuất Excel (XLSX)'),
          h('button', { type: 'button', onclick: () => download(`/api/content/export?format=csv&${params(false)}`) }, 'Xuất CSV'),
          h('a', { href: '#/import', class: 'button' }, 'Nhập từ tệp'),
        )
      : null;

    replace(
      root,
      h(
        'div',
        { class: 'page kb-page' },
        h('h1', {}, 'Câu hỏi – trả lời'),
        actions,
        form,
        summary,
        h(
          'table',
          { class: 'table kb-table' },
          h('caption', { class: 'visually-hidden' }, 'Danh sách câu hỏi'),
          h('thead', {}, h('tr', {}, ['Câu hỏi', 'Chủ đề', 'Trạng thái', 'Rà soát lần cuối', 'Lượt trả lời', 'Hữu ích / Không'].map((t) => h('th', { scope: 'col' }, t)))),
          tbody,
        ),
        pager,
      ),
    );

    void get<{ topics: Array<{ id: string; title: string; count: number }> }>('/api/content/topics').then((r) => {
      topics = r.topics;
      for (const t of r.topics) topic.appendChild(h('option', { value: t.id }, `${t.title} (${t.count})`));
      void load();
    }, () => void load());
    const off = onLive('kb.published', () => void load());
    return { destroy: off };
  },
});
