/**
 * "Thử câu hỏi": type a question as a citizen would and see, side by side, what the bot does now (published base)
 * and what it would do once every pending change is published (draft base): ranked matches with scores and the
 * decision (answer / suggest / fallback).
 */
import './content/content.css';
import { post } from '../api';
import { field, h, replace } from '../dom';
import { definePage } from '../router';
import { DECISION_LABELS } from './content/labels';
import { refusal } from './content/requests';
import { statusBadge } from './content/widgets';

interface Side {
  decision: 'answer' | 'suggest' | 'fallback';
  confidence: number;
  matches: Array<{ id: string; score: number; question: string; status: string }>;
  options: string[];
}

const percent = (x: number) => `${Math.round(x * 100)}%`;

function sideView(title: string, side: Side, other: Side): HTMLElement {
  const differs = side.decision !== other.decision || side.matches[0]?.id !== other.matches[0]?.id;
  return h(
    'section',
    { class: `panel kb-try-side${differs ? ' differs' : ''}`, 'aria-label': title },
    h('h2', {}, title),
    h('p', { class: `kb-decision decision-${side.decision}` }, DECISION_LABELS[side.decision], ` · độ tin cậy ${percent(side.confidence)}`),
    side.matches.length
      ? h(
          'ol',
          { class: 'kb-matches' },
          side.matches.map((m, i) =>
            h(
              'li',
              { class: side.options.includes(m.id) && side.decision === 'suggest' ? 'offered' : i === 0 && side.decision === 'answer' ? 'answered' : '' },
              h('a', { href: `#/entry/${encodeURIComponent(m.id)}` }, m.question),
              ' ',
              m.status !== 'published' ? statusBadge(m.status) : null,
              h('span', { class: 'kb-score' }, h('span', { class: 'kb-track' }, h('span', { class: 'kb-bar', style: `width:${Math.round(m.score * 100)}%` })), h('span', {}, `điểm ${m.score.toFixed(3).replace('.', ',')}`)),
            ),
          ),
        )
      : h('p', { class: 'hint' }, 'Không có câu nào khớp.'),
  );
}

export default definePage({
  id: 'try',
  title: 'Thử câu hỏi',
  roles: ['editor', 'supervisor'],
  order: 32,
  render(root) {
    const input = h('input', { type: 'search', autocomplete: 'off', placeholder: 'ví dụ: e bi f1 thi cach ly o nha dc ko' });
    const results = h('div', { class: 'kb-try', 'aria-live': 'polite' });
    const form = h('form', { class: 'kb-search with-hint', role: 'search' }, field('Câu hỏi cần thử', input, 'gõ như người dân: không dấu, viết tắt đều được'), h('button', { type: 'submit', class: 'primary' }, 'Thử'));
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!input.value.trim()) return;
      replace(results, h('p', { class: 'hint' }, 'Đang tìm…'));
      try {
        const r = await post<{ published: Side; draft: Side }>('/api/content/try', { text: input.value });
        replace(results, sideView('Bản đang dùng', r.published, r.draft), sideView('Bản nháp (khi mọi thay đổi được xuất bản)', r.draft, r.published));
      } catch (err) {
        replace(results, h('p', { class: 'form-error', role: 'alert' }, refusal(err, 'Không thử được.').message));
      }
    });
    replace(
      root,
      h(
        'div',
        { class: 'page kb-page' },
        h('h1', {}, 'Thử câu hỏi'),
        h('p', { class: 'hint' }, 'So sánh cách bot xử lý một câu hỏi với cơ sở tri thức đang dùng và với bản nháp, trước khi xuất bản.'),
        form,
        results,
      ),
    );
    input.focus();
  },
});
