/**
 * One entry (#/entry/<id>, or #/entry/new): edit question, phrasings, keywords, answer (with a preview per channel),
 * topic, source document and validity; move it draft → review → published → archived; read its history with the
 * changes of each version and roll back to any of them. Operators see the published text only.
 */
import './content/content.css';
import { ApiError, get, post, put } from '../api';
import { announce, field, formatDateTime, h, localDay, replace } from '../dom';
import { definePage, type PageContext } from '../router';
import { ACTION_LABELS, formatDay, PREFILL_KEY, STATUS_LABELS } from './content/labels';
import { refusal } from './content/requests';
import { diffView, previewTabs, problemList, statusBadge, type DiffSegment, type Previews } from './content/widgets';

interface Entry {
  id: string;
  topic: string;
  question: string;
  alternatives: string[];
  keywords: string[];
  answer: string;
  source: { issuer: string; document: string; date: string; url?: string };
  reviewedAt: string;
  validFrom?: string;
  validTo?: string;
}

interface Copy {
  version: number;
  status: string;
  entry: Entry;
  updatedAt: string;
  updatedByName: string | null;
}

interface Detail {
  id: string;
  entry: Entry;
  version: number;
  live: Copy | null;
  working: Copy | null;
  problems: Array<{ field: string; message: string }>;
  changes: Array<{ field: string; segments: DiffSegment[] }>;
  authors: Array<{ id: string; name: string | null }>;
  canPublish: boolean;
  publishBlockedBy: 'not-review' | 'own-change' | null;
  usage: { answered: number; helpful: number; notHelpful: number };
  overdue: boolean;
  needsSecondPerson: boolean;
}

interface VersionView {
  version: number;
  status: string;
  action: string;
  actionArg: string | null;
  authorName: string | null;
  at: string;
  changes: Array<{ field: string; segments: DiffSegment[] }>;
}

interface DocumentMeta {
  id: string;
  title: string;
  number: string;
  issuer: string;
  issuedOn: string;
}


const lines = (text: string) => text.split('\n').map((s) => s.trim()).filter(Boolean);
const documentUrl = (id: string) => `${location.origin}/api/content/documents/${id}/file`;

function renderReadOnly(root: HTMLElement, id: string): void {
  const body = h('div', { class: 'page kb-page' }, h('p', { role: 'status' }, 'Đang tải…'));
  replace(root, body);
  get<{ entry: Entry }>(`/api/content/entries/${encodeURIComponent(id)}`).then(
    ({ entry }) =>
      replace(
        body,
        h('p', {}, h('a', { href: '#/entries' }, '← Danh sách câu hỏi')),
        h('h1', {}, entry.question),
        h('p', { class: 'kb-answer-text' }, entry.answer),
        h('p', { class: 'hint' }, `Nguồn: ${[entry.source.issuer, entry.source.document, formatDay(entry.source.date)].filter(Boolean).join(' · ')}`),
        h('p', { class: 'hint' }, `Rà soát lần cuối: ${formatDay(entry.reviewedAt)}`),
      ),
    (err: unknown) => replace(body, h('p', { role: 'alert' }, err instanceof ApiError ? err.message : 'Không tải được câu hỏi.')),
  );
}

function renderEditor(root: HTMLElement, ctx: PageContext, id: string | undefined): void {
  let detail: Detail | undefined;
  let dirty = false;
  let documents: DocumentMeta[] = [];
  let fromQuestions: string[] = [];

  const idInput = h('input', { autocomplete: 'off', readonly: Boolean(id), spellcheck: 'false' });
  const topic = h('input', { autocomplete: 'off', list: 'kb-topics', spellcheck: 'false' });
  const topicList = h('datalist', { id: 'kb-topics' });
  const question = h('input', { autocomplete: 'off' });
  const alternatives = h('textarea', { rows: 4 });
  const keywords = h('textarea', { rows: 3 });
  const answer = h('textarea', { rows: 9 });
  const docPicker = h('select', {}, h('option', { value: '' }, '— Không chọn —'));
  const issuer = h('input', { autocomplete: 'off' });
  const documentNo = h('input', { autocomplete: 'off' });
  const sourceDate = h('input', { type: 'date' });
  const sourceUrl = h('input', { type: 'url', autocomplete: 'off' });
  const validFrom = h('input', { type: 'date' });
  const validTo = h('input', { type: 'date' });
  const reviewedAt = h('input', { type: 'date' });
  const reviewedToday = h('button', { type: 'button', class: 'small' }, 'Đã rà soát hôm nay');
  reviewedToday.addEventListener('click', () => {
    reviewedAt.value = localDay();
    dirty = true;
  });

  const heading = h('h1', { tabindex: '-1' }, id ? 'Câu hỏi' : 'Thêm câu hỏi');
  const stateLine = h('div', { class: 'kb-state' });
  const problemsBox = h('div', { 'aria-live': 'polite' });
  const formError = h('div', { 'aria-live': 'assertive' });
  const buttons = h('div', { class: 'kb-actions' });
  const previewBox = h('div', { class: 'kb-preview-box' });
  const side = h('aside', { class: 'kb-side', 'aria-label': 'Thông tin thêm' });

  const form = h(
    'form',
    { class: 'kb-form', 'aria-labelledby': 'kb-form-title' },
    h('h2', { id: 'kb-form-title', class: 'visually-hidden' }, 'Nội dung câu hỏi'),
    h('div', { class: 'kb-row' }, field('Mã câu hỏi', idInput, id ? undefined : 'để trống để tự tạo theo chủ đề'), field('Chủ đề', topic, 'mã chủ đề, ví dụ cach-ly'), topicList),
    field('Câu hỏi', question),
    field('Cách hỏi khác', alternatives, 'mỗi dòng một cách hỏi; cần ít nhất 2, trong đó một cách viết không dấu hoặc viết tắt như người dân hay gõ'),
    field('Từ khóa', keywords, 'mỗi dòng một từ khóa'),
    field('Câu trả lời', answer, 'văn bản thuần; xuống dòng được giữ nguyên'),
    h('div', { class: 'kb-actions' }, h('button', { type: 'button', onclick: () => void showPreview() }, 'Xem trước theo kênh')),
    previewBox,
    h(
      'fieldset',
      {},
      h('legend', {}, 'Nguồn'),
      field('Văn bản trong thư viện', docPicker, 'chọn để điền sẵn nguồn và liên kết tới văn bản'),
      h('div', { class: 'kb-row' }, field('Cơ quan ban hành', issuer), field('Số văn bản', documentNo), field('Ngày văn bản', sourceDate)),
      field('Đường dẫn nguồn (không bắt buộc)', sourceUrl),
    ),
    h(
      'fieldset',
      {},
      h('legend', {}, 'Hiệu lực và rà soát'),
      h('div', { class: 'kb-row' }, field('Hiệu lực từ ngày', validFrom), field('Hiệu lực đến ngày', validTo), field('Ngày rà soát', reviewedAt)),
      reviewedToday,
    ),
    formError,
    buttons,
  );
  form.addEventListener('input', () => (dirty = true));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void save();
  });

  docPicker.addEventListener('change', () => {
    const d = documents.find((x) => x.id === docPicker.value);
    if (!d) return;
    issuer.value = d.issuer;
    documentNo.value = d.number;
    sourceDate.value = d.issuedOn;
    sourceUrl.value = documentUrl(d.id);
    dirty = true;
  });

  replace(
    root,
    h(
      'div',
      { class: 'page kb-page kb-edit-page' },
      h('p', {}, h('a', { href: '#/entries' }, '← Danh sách câu hỏi')),
      heading,
      stateLine,
      h('div', { class: 'kb-edit' }, h('section', { class: 'kb-main' }, problemsBox, form), side),
    ),
  );

  function fill(e: Partial<Entry>): void {
    idInput.value = e.id ?? '';
    topic.value = e.topic ?? '';
    question.value = e.question ?? '';
    alternatives.value = (e.alternatives ?? []).join('\n');
    keywords.value = (e.keywords ?? []).join('\n');
    answer.value = e.answer ?? '';
    issuer.value = e.source?.issuer ?? '';
    documentNo.value = e.source?.document ?? '';
    sourceDate.value = e.source?.date ?? '';
    sourceUrl.value = e.source?.url ?? '';
    validFrom.value = e.validFrom ?? '';
    validTo.value = e.validTo ?? '';
    reviewedAt.value = e.reviewedAt ?? '';
    const linked = /\/api\/content\/documents\/([\w-]+)\/file$/.exec(sourceUrl.value)?.[1];
    docPicker.value = linked && documents.some((d) => d.id === linked) ? linked : '';
    dirty = false;
  }

  function collect(): Record<string, unknown> {
    return {
      id: idInput.value.trim(),
      topic: topic.value.trim(),
      question: question.value,
      alternatives: lines(alternatives.value),
      keywords: lines(keywords.value),
      answer: answer.value,
      source: { issuer: issuer.value, document: documentNo.value, date: sourceDate.value, url: sourceUrl.value },
      reviewedAt: reviewedAt.value,
      validFrom: validFrom.value,
      validTo: validTo.value,
    };
  }

  function showError(err: unknown, fallback: string): void {
    const r = refusal(err, fallback);
    replace(formError, r.problems.length ? problemList(r.problems, r.message) : h('p', { class: 'form-error', role: 'alert' }, r.message));
  }

  async function showPreview(): Promise<void> {
    if (!answer.value.trim()) {
      replace(previewBox, h('p', { class: 'hint' }, 'Nhập câu trả lời để xem trước.'));
      return;
    }
    try {
      const p = await post<Previews>('/api/content/preview', { answer: answer.value, question: question.value });
      replace(previewBox, previewTabs(p));
    } catch (err) {
      replace(previewBox, h('p', { class: 'form-error' }, refusal(err, 'Không xem trước được.').message));
    }
  }

  async function save(): Promise<boolean> {
    replace(formError);
    try {
      if (!id) {
        const r = await post<{ id: string }>('/api/content/entries', { entry: collect(), fromQuestions });
        sessionStorage.removeItem(PREFILL_KEY);
        dirty = false;
        announce('Đã lưu bản nháp.');
        ctx.navigate(`#/entry/${encodeURIComponent(r.id)}`);
        return true;
      }
      const r = await put<{ changed: boolean }>(`/api/content/entries/${encodeURIComponent(id)}`, { entry: collect(), baseVersion: detail?.version });
      announce(r.changed ? 'Đã lưu bản nháp.' : 'Không có thay đổi để lưu.');
      await load();
      return true;
    } catch (err) {
      showError(err, 'Không lưu được.');
      return false;
    }
  }

  async function act(path: string, done: string, bodyValue: unknown = {}): Promise<void> {
    replace(formError);
    try {
      await post(`/api/content/entries/${encodeURIComponent(id!)}/${path}`, bodyValue);
      announce(done);
      await load();
    } catch (err) {
      showError(err, 'Không thực hiện được.');
    }
  }

  function renderButtons(d: Detail | undefined): void {
    const list: HTMLElement[] = [h('button', { type: 'submit', class: 'primary' }, 'Lưu bản nháp')];
    if (d) {
      const w = d.working;
      if (!w || w.status === 'draft') {
        const submit = h('button', { type: 'button' }, 'Gửi duyệt');
        submit.addEventListener('click', async () => {
          if ((dirty || !w) && !(await save())) return;
          if (!detail?.working) {
            replace(formError, h('p', { class: 'form-error', role: 'alert' }, 'Chưa có thay đổi nào để gửi duyệt.'));
            return;
          }
          await act('submit', 'Đã gửi duyệt.');
        });
        list.push(submit);
      }
      if (d.canPublish) {
        const publish = h('button', { type: 'button', class: 'primary' }, 'Xuất bản');
        publish.addEventListener('click', () => void act('publish', 'Đã xuất bản: bot dùng câu trả lời mới ngay.'));
        list.push(publish);
      }
      if (w?.status === 'review' && d.publishBlockedBy !== 'own-change') {
        const reason = h('input', { autocomplete: 'off' });
        const back = h('details', { class: 'kb-inline' }, h('summary', {}, 'Trả lại để sửa'), field('Lý do trả lại', reason), h('button', { type: 'button', onclick: () => void act('return', 'Đã trả lại để sửa.', { reason: reason.value }) }, 'Xác nhận trả lại'));
        list.push(back);
      }
      if (w && d.live) list.push(h('button', { type: 'button', onclick: () => void act('discard', 'Đã hủy bản sửa; bot vẫn dùng bản đang xuất bản.') }, 'Hủy bản sửa'));
      if (!(d.live?.status === 'archived' && !w)) {
        list.push(
          h(
            'details',
            { class: 'kb-inline' },
            h('summary', {}, 'Lưu trữ'),
            h('p', { class: 'hint' }, d.live?.status === 'published' ? 'Bot sẽ ngừng dùng câu trả lời này ngay trên mọi máy chủ.' : 'Câu hỏi được cất đi, không xóa; có thể sửa và xuất bản lại.'),
            h('button', { type: 'button', class: 'danger', onclick: () => void act('archive', 'Đã lưu trữ câu hỏi.') }, 'Xác nhận lưu trữ'),
          ),
        );
      }
    }
    replace(buttons, list);
  }

  function renderState(d: Detail): void {
    const parts: Array<HTMLElement | string> = [];
    if (d.live) parts.push(statusBadge(d.live.status), ` phiên bản ${d.live.version}`);
    if (d.working) parts.push(' ', statusBadge(d.working.status, d.live ? 'pending' : ''), ` phiên bản ${d.working.version}, ${d.working.updatedByName ?? '—'} lúc ${formatDateTime(d.working.updatedAt)}`);
    if (d.overdue) parts.push(' ', h('span', { class: 'badge kb-flag' }, 'Quá hạn rà soát'));
    const notes: string[] = [];
    if (d.live?.status === 'published' && d.working) notes.push('Bot vẫn dùng bản đang xuất bản cho đến khi bản sửa được xuất bản.');
    if (d.publishBlockedBy === 'own-change') notes.push(`Anh/chị đã soạn thay đổi này: cần một biên tập viên hoặc giám sát khác xuất bản.`);
    if (d.publishBlockedBy === 'not-review' && d.needsSecondPerson) notes.push('Gửi duyệt để một người khác xem và xuất bản.');
    replace(stateLine, h('p', {}, parts), notes.map((n) => h('p', { class: 'hint' }, n)));
    replace(problemsBox, d.problems.length ? problemList(d.problems, 'Còn thiếu trước khi xuất bản:') : null);
  }

  async function renderSide(d: Detail): Promise<void> {
    const usage = h(
      'section',
      { class: 'panel', 'aria-labelledby': 'kb-usage-title' },
      h('h2', { id: 'kb-usage-title' }, 'Mức độ sử dụng'),
      h('dl', {}, h('dt', {}, 'Số lần bot trả lời'), h('dd', {}, String(d.usage.answered)), h('dt', {}, 'Hữu ích'), h('dd', {}, String(d.usage.helpful)), h('dt', {}, 'Không hữu ích'), h('dd', {}, String(d.usage.notHelpful))),
    );
    const pending = d.working && d.live ? h('section', { class: 'panel', 'aria-labelledby': 'kb-pending-title' }, h('h2', { id: 'kb-pending-title' }, 'Thay đổi so với bản đang dùng'), diffView(d.changes)) : null;
    const history = h('ol', { class: 'kb-history', 'aria-label': 'Các phiên bản' });
    replace(side, usage, pending, h('section', { class: 'panel', 'aria-labelledby': 'kb-history-title' }, h('h2', { id: 'kb-history-title' }, 'Lịch sử phiên bản'), history));
    try {
      const r = await get<{ versions: VersionView[] }>(`/api/content/entries/${encodeURIComponent(d.id)}/history`);
      const current = (d.working ?? d.live)!.version;
      replace(
        history,
        r.versions.map((v) => {
          const label = v.action === 'rollback' ? `${ACTION_LABELS.rollback} phiên bản ${v.actionArg}` : v.action === 'return' && v.actionArg ? `${ACTION_LABELS.return}: ${v.actionArg}` : (ACTION_LABELS[v.action] ?? v.action);
          const restore = v.version !== current && v.changes.length ? h('button', { type: 'button', class: 'small', 'aria-label': `Khôi phục phiên bản ${v.version}` }, 'Khôi phục phiên bản này') : null;
          restore?.addEventListener('click', () => void act('rollback', `Đã khôi phục nội dung phiên bản ${v.version} thành bản nháp mới.`, { version: v.version }));
          return h(
            'li',
            {},
            h('p', { class: 'kb-version' }, h('strong', {}, `Phiên bản ${v.version}`), ` · ${label} · ${STATUS_LABELS[v.status] ?? v.status}`),
            h('p', { class: 'hint' }, `${v.authorName ?? 'Hệ thống'} · ${formatDateTime(v.at)}`),
            v.changes.length ? h('details', {}, h('summary', {}, 'Xem thay đổi'), diffView(v.changes)) : null,
            restore,
          );
        }),
      );
    } catch {
      replace(history, h('li', {}, 'Không tải được lịch sử.'));
    }
  }

  async function load(): Promise<void> {
    if (!id) return;
    try {
      const d = await get<Detail>(`/api/content/entries/${encodeURIComponent(id)}`);
      detail = d;
      heading.textContent = d.entry.question || 'Câu hỏi';
      fill(d.entry);
      renderState(d);
      renderButtons(d);
      void renderSide(d);
      if (previewBox.firstChild) void showPreview();
    } catch (err) {
      replace(stateLine, h('p', { role: 'alert' }, err instanceof ApiError ? err.message : 'Không tải được câu hỏi.'));
    }
  }

  void Promise.all([
    get<{ topics: Array<{ id: string; title: string }> }>('/api/content/topics').catch(() => ({ topics: [] })),
    get<{ documents: DocumentMeta[] }>('/api/content/documents').catch(() => ({ documents: [] })),
  ]).then(([t, d]) => {
    replace(topicList, t.topics.map((x) => h('option', { value: x.id }, x.title)));
    documents = d.documents;
    for (const doc of documents) docPicker.appendChild(h('option', { value: doc.id }, `${doc.number} – ${doc.title}`));
    if (id) void load();
    else {
      const prefill = sessionStorage.getItem(PREFILL_KEY);
      const p = prefill ? (JSON.parse(prefill) as Partial<Entry> & { questionIds?: string[] }) : {};
      fromQuestions = p.questionIds ?? [];
      fill({ reviewedAt: localDay(), ...p });
      if (fromQuestions.length) replace(stateLine, h('p', { class: 'hint' }, `Tạo từ ${fromQuestions.length} câu hỏi chưa được trả lời của người dân.`));
      renderButtons(undefined);
      dirty = Boolean(prefill);
    }
  });
  renderButtons(undefined);
}

export default definePage({
  id: 'entry',
  title: 'Câu hỏi',
  roles: ['editor', 'supervisor', 'operator'],
  hidden: true,
  render(root, ctx) {
    const id = ctx.params[0] && ctx.params[0] !== 'new' ? ctx.params[0] : undefined;
    if (ctx.user.role === 'operator') {
      if (id) renderReadOnly(root, id);
      else replace(root, h('p', { class: 'page', role: 'alert' }, 'Tài khoản không có quyền thêm câu hỏi.'));
      return;
    }
    renderEditor(root, ctx, id);
  },
});
