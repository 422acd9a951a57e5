/**
 * "Chờ duyệt": every change waiting for a second person, with what it changes against the text the bot uses now.
 * A reviewer publishes one, or all those they did not write themselves, or sends one back.
 */
import './content/content.css';
import { ApiError, get, post } from '../api';
import { announce, formatDateTime, h, replace } from '../dom';
import { onLive } from '../live';
import { definePage } from '../router';
import { refusal } from './content/requests';
import { diffView, problemList, type DiffSegment } from './content/widgets';

interface Summary {
  id: string;
  question: string;
  live: string | null;
}

interface Detail {
  id: string;
  entry: { question: string; answer: string };
  working: { version: number; updatedAt: string; updatedByName: string | null } | null;
  changes: Array<{ field: string; segments: DiffSegment[] }>;
  authors: Array<{ id: string; name: string | null }>;
  canPublish: boolean;
  publishBlockedBy: string | null;
}

export default definePage({
  id: 'review',
  title: 'Chờ duyệt',
  roles: ['editor', 'supervisor'],
  order: 31,
  render(root) {
    const list = h('ol', { class: 'kb-review-list', 'aria-label': 'Thay đổi chờ duyệt' });
    const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
    const errors = h('div', { 'aria-live': 'assertive' });
    const publishAll = h('button', { type: 'button', class: 'primary' }, 'Xuất bản tất cả thay đổi tôi có thể duyệt');
    publishAll.addEventListener('click', async () => {
      replace(errors);
      try {
        const r = await post<{ published: string[] }>('/api/content/publish', { all: true });
        announce(`Đã xuất bản ${r.published.length} câu hỏi.`);
        await load();
      } catch (err) {
        const r = refusal(err, 'Không xuất bản được.');
        replace(errors, r.problems.length ? problemList(r.problems, r.message) : h('p', { class: 'form-error', role: 'alert' }, r.message));
      }
    });

    function item(d: Detail): HTMLLIElement {
      const publish = h('button', { type: 'button', class: 'primary', disabled: !d.canPublish, 'aria-label': `Xuất bản: ${d.entry.question}` }, 'Xuất bản');
      publish.addEventListener('click', async () => {
        replace(errors);
        try {
          await post(`/api/content/entries/${encodeURIComponent(d.id)}/publish`);
          announce('Đã xuất bản: bot dùng câu trả lời mới ngay.');
          await load();
        } catch (err) {
          const r = refusal(err, 'Không xuất bản được.');
          replace(errors, r.problems.length ? problemList(r.problems, r.message) : h('p', { class: 'form-error', role: 'alert' }, r.message));
        }
      });
      const who = d.authors.map((a) => a.name ?? '—').join(', ') || (d.working?.updatedByName ?? '—');
      return h(
        'li',
        { class: 'panel' },
        h('h2', {}, h('a', { href: `#/entry/${encodeURIComponent(d.id)}` }, d.entry.question)),
        h('p', { class: 'hint' }, `${d.id} · người soạn: ${who}${d.working ? ` · gửi lúc ${formatDateTime(d.working.updatedAt)}` : ''}`),
        d.publishBlockedBy === 'own-change' ? h('p', { class: 'hint' }, 'Anh/chị đã soạn thay đổi này: cần người khác xuất bản.') : null,
        diffView(d.changes.length ? d.changes : [{ field: 'answer', segments: [{ op: 'ins', text: d.entry.answer }] }]),
        h('div', { class: 'kb-actions' }, publish, h('a', { href: `#/entry/${encodeURIComponent(d.id)}`, class: 'button' }, 'Mở để sửa hoặc trả lại')),
      );
    }

    async function load(): Promise<void> {
      status.textContent = 'Đang tải…';
      try {
        const r = await get<{ total: number; items: Summary[] }>('/api/content/entries?status=review&size=100');
        const details = await Promise.all(r.items.map((s) => get<Detail>(`/api/content/entries/${encodeURIComponent(s.id)}`)));
        replace(list, details.map(item));
        status.textContent = r.total ? `${r.total} thay đổi chờ duyệt${r.total > r.items.length ? ` (hiện ${r.items.length} đầu tiên)` : ''}.` : 'Không có thay đổi nào chờ duyệt.';
        publishAll.disabled = !details.some((d) => d.canPublish) && r.total <= r.items.length;
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách.';
      }
    }

    replace(root, h('div', { class: 'page kb-page' }, h('h1', {}, 'Chờ duyệt'), h('p', { class: 'hint' }, 'Người soạn một thay đổi không tự xuất bản được: một biên tập viên hoặc giám sát khác duyệt và xuất bản.'), h('div', { class: 'kb-actions' }, publishAll), errors, status, list));
    void load();
    const off = onLive('kb.published', () => void load());
    return { destroy: off };
  },
});
