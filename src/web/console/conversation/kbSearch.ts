/** Searching the curated knowledge base from a conversation and inserting an answer into the reply. */
import { ApiError, get } from '../api';
import { field, h, replace } from '../dom';

interface Result {
  id: string;
  question: string;
  answer: string;
  score: number;
}

export function kbSearchPanel(insert: (text: string) => void, canInsert: () => boolean): HTMLElement {
  const input = h('input', { type: 'search', autocomplete: 'off' });
  const results = h('ul', { class: 'kb-results', 'aria-label': 'Kết quả tìm kiếm' });
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { role: 'search', class: 'kb-search' }, field('Tìm câu trả lời mẫu', input), h('button', { type: 'submit' }, 'Tìm'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    status.textContent = 'Đang tìm…';
    get<{ results: Result[] }>(`/api/console/kb/search?q=${encodeURIComponent(q)}`).then(
      (r) => {
        status.textContent = r.results.length ? `${r.results.length} kết quả.` : 'Không tìm thấy câu trả lời phù hợp.';
        replace(
          results,
          r.results.map((item) => {
            const button = h('button', { type: 'button', class: 'small', 'aria-label': `Chèn câu trả lời: ${item.question}` }, 'Chèn');
            button.addEventListener('click', () => {
              if (!canInsert()) {
                status.textContent = 'Cần nhận cuộc trò chuyện trước khi chèn câu trả lời.';
                return;
              }
              insert(item.answer);
            });
            return h('li', {}, h('p', { class: 'kb-question' }, item.question), h('p', { class: 'kb-answer' }, item.answer), button);
          }),
        );
      },
      (err: unknown) => {
        status.textContent = err instanceof ApiError ? err.message : 'Không tìm được.';
      },
    );
  });
  return h('section', { class: 'panel', 'aria-label': 'Câu trả lời mẫu' }, h('h2', {}, 'Câu trả lời mẫu'), form, status, results);
}
