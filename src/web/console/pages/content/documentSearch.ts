/**
 * Searching the document library (the same Vietnamese-aware search as the bot; no diacritics needed). Used by the
 * "Văn bản" page and meant for the conversation view too: `documentSearchPanel()` returns a self-contained panel.
 */
import { ApiError, get } from '../../api';
import { foldKey, syllables } from '../../../../nlp/normalize';
import { field, h, replace } from '../../dom';
import { formatDay } from './labels';

interface DocumentHit {
  document: { id: string; title: string; number: string; issuer: string; issuedOn: string; kind: string };
  score: number;
  passages: string[];
}

/** The passage with the query's words marked (compared without diacritics). */
function highlighted(passage: string, query: string): Array<Node | string> {
  const words = new Set(syllables(foldKey(query)).filter((w) => w.length > 1));
  if (!words.size) return [passage];
  return passage.split(/([\p{L}\p{N}]+)/u).map((part) => (words.has(foldKey(part)) ? h('mark', {}, part) : part));
}

function hitView(hit: DocumentHit, query: string): HTMLElement {
  const d = hit.document;
  return h(
    'li',
    { class: 'kb-doc-hit' },
    h('p', { class: 'kb-question' }, h('a', { href: `/api/content/documents/${encodeURIComponent(d.id)}/file`, target: '_blank', rel: 'noopener' }, `${d.number} – ${d.title}`)),
    h('p', { class: 'hint' }, `${d.issuer} · ${formatDay(d.issuedOn)}`),
    hit.passages.map((p) => h('blockquote', { class: 'kb-passage' }, highlighted(p, query))),
  );
}

export function documentSearchPanel(options: { heading?: string } = {}): HTMLElement {
  const input = h('input', { type: 'search', autocomplete: 'off' });
  const results = h('ul', { class: 'kb-doc-results', 'aria-label': 'Văn bản tìm thấy' });
  const status = h('p', { class: 'hint', role: 'status', 'aria-live': 'polite' });
  const form = h('form', { role: 'search', class: 'kb-search' }, field('Tìm trong văn bản', input), h('button', { type: 'submit' }, 'Tìm văn bản'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const q = input.value.trim();
    if (!q) return;
    status.textContent = 'Đang tìm…';
    get<{ results: DocumentHit[] }>(`/api/content/documents/search?q=${encodeURIComponent(q)}`).then(
      (r) => {
        status.textContent = r.results.length ? `${r.results.length} văn bản phù hợp.` : 'Không tìm thấy văn bản phù hợp.';
        replace(results, r.results.map((hit) => hitView(hit, q)));
      },
      (err: unknown) => (status.textContent = err instanceof ApiError ? err.message : 'Không tìm được.'),
    );
  });
  return h('section', { class: 'panel', 'aria-label': options.heading ?? 'Văn bản' }, h('h2', {}, options.heading ?? 'Văn bản'), form, status, results);
}
