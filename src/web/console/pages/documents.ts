/**
 * "Văn bản": the library of official documents. Everyone with access searches it (as the bot searches: no diacritics
 * needed) and opens the files; editors and supervisors upload PDF, Word (DOCX) or plain text with number, date,
 * issuing body and title, and remove them.
 */
import './content/content.css';
import { ApiError, del, get } from '../api';
import { announce, field, formatDateTime, h, replace } from '../dom';
import { definePage } from '../router';
import { documentSearchPanel } from './content/documentSearch';
import { formatDay, formatSize } from './content/labels';
import { refusal, uploadForm } from './content/requests';

interface DocumentMeta {
  id: string;
  title: string;
  number: string;
  issuer: string;
  issuedOn: string;
  kind: string;
  fileName: string;
  size: number;
  createdAt: string;
}

const KIND_NAMES: Record<string, string> = { pdf: 'PDF', docx: 'Word', txt: 'Văn bản' };

export default definePage({
  id: 'documents',
  title: 'Văn bản',
  roles: ['editor', 'supervisor', 'operator'],
  order: 34,
  render(root, ctx) {
    const editor = ctx.user.role === 'editor' || ctx.user.role === 'supervisor';
    const tbody = h('tbody');
    const status = h('p', { class: 'hint', role: 'status' });
    let maxMb = 20;

    const title = h('input', { autocomplete: 'off', required: true });
    const number = h('input', { autocomplete: 'off', required: true, placeholder: 'ví dụ: 4038/QĐ-BYT' });
    const issuer = h('input', { autocomplete: 'off', required: true, placeholder: 'ví dụ: Bộ Y tế' });
    const issuedOn = h('input', { type: 'date', required: true });
    const file = h('input', { type: 'file', required: true, accept: '.pdf,.docx,.txt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,text/plain' });
    const formError = h('p', { class: 'form-error', role: 'alert' });
    const sizeHint = h('small', { class: 'hint' });
    const form = h(
      'form',
      { class: 'grid-form kb-upload', 'aria-labelledby': 'kb-upload-title' },
      h('h2', { id: 'kb-upload-title' }, 'Tải lên văn bản'),
      field('Tiêu đề', title),
      h('div', { class: 'kb-row' }, field('Số hiệu', number), field('Ngày ban hành', issuedOn)),
      field('Cơ quan ban hành', issuer),
      field('Tệp văn bản', file),
      sizeHint,
      formError,
      h('button', { type: 'submit', class: 'primary' }, 'Tải lên'),
    );
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      formError.textContent = '';
      const chosen = file.files?.[0];
      if (!chosen) {
        formError.textContent = 'Vui lòng chọn tệp.';
        return;
      }
      if (chosen.size > maxMb * 1048576) {
        formError.textContent = `Tệp quá lớn: tối đa ${maxMb} MB.`;
        return;
      }
      const data = new FormData();
      data.set('title', title.value);
      data.set('number', number.value);
      data.set('issuer', issuer.value);
      data.set('issuedOn', issuedOn.value);
      data.set('file', chosen, chosen.name);
      formError.textContent = 'Đang tải lên và đọc nội dung…';
      try {
        await uploadForm('/api/content/documents', data);
        formError.textContent = '';
        announce(`Đã thêm văn bản ${number.value}.`);
        form.reset();
        void load();
      } catch (err) {
        formError.textContent = refusal(err, 'Không tải lên được.').message;
      }
    });

    function row(d: DocumentMeta): HTMLTableRowElement {
      const remove = editor ? h('button', { type: 'button', class: 'small danger', 'aria-label': `Gỡ văn bản ${d.number}` }, 'Gỡ') : null;
      // Two clicks: the first asks to confirm (no window.confirm, which screen readers and tests handle poorly).
      let armed: ReturnType<typeof setTimeout> | undefined;
      remove?.addEventListener('click', () => {
        if (!armed) {
          remove.textContent = 'Bấm lần nữa để gỡ';
          armed = setTimeout(() => {
            armed = undefined;
            remove.textContent = 'Gỡ';
          }, 4000);
          return;
        }
        clearTimeout(armed);
        void del(`/api/content/documents/${encodeURIComponent(d.id)}`).then(
          () => {
            announce('Đã gỡ văn bản.');
            void load();
          },
          (err: unknown) => announce(refusal(err, 'Không gỡ được.').message, 'error'),
        );
      });
      return h(
        'tr',
        {},
        h('td', {}, h('a', { href: `/api/content/documents/${encodeURIComponent(d.id)}/file`, target: '_blank', rel: 'noopener' }, d.title)),
        h('td', {}, d.number),
        h('td', {}, d.issuer),
        h('td', {}, formatDay(d.issuedOn)),
        h('td', {}, `${KIND_NAMES[d.kind] ?? d.kind}, ${formatSize(d.size)}`),
        h('td', {}, formatDateTime(d.createdAt)),
        editor ? h('td', {}, remove) : null,
      );
    }

    async function load(): Promise<void> {
      try {
        const r = await get<{ documents: DocumentMeta[]; maxMb: number }>('/api/content/documents');
        maxMb = r.maxMb;
        sizeHint.textContent = `PDF, Word (.docx) hoặc văn bản thuần (.txt), tối đa ${maxMb} MB. Bản scan dạng ảnh không đọc được chữ.`;
        replace(tbody, r.documents.length ? r.documents.map(row) : h('tr', {}, h('td', { colspan: editor ? 7 : 6, class: 'empty' }, 'Chưa có văn bản nào.')));
        status.textContent = `${r.documents.length} văn bản.`;
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách.';
      }
    }

    const heads = ['Tiêu đề', 'Số hiệu', 'Cơ quan ban hành', 'Ngày ban hành', 'Loại tệp', 'Ngày tải lên', ...(editor ? ['Thao tác'] : [])];
    replace(
      root,
      h(
        'div',
        { class: 'page kb-page' },
        h('h1', {}, 'Văn bản'),
        documentSearchPanel({ heading: 'Tìm trong thư viện văn bản' }),
        status,
        h('table', { class: 'table' }, h('caption', { class: 'visually-hidden' }, 'Thư viện văn bản'), h('thead', {}, h('tr', {}, heads.map((t) => h('th', { scope: 'col' }, t)))), tbody),
        editor ? form : null,
      ),
    );
    void load();
  },
});
