/**
 * "Nhập / xuất tệp": bulk import of a CSV or XLSX file with a preview of what will be added, changed and removed;
 * any bad row refuses the whole file with its row and column, and nothing is applied. Applying shows progress;
 * imported entries wait in review for a second person. Export of the whole base to XLSX or CSV.
 */
import './content/content.css';
import { get, post } from '../api';
import { announce, field, h, replace } from '../dom';
import { definePage } from '../router';
import { FIELD_LABELS } from './content/labels';
import { download, refusal, uploadRaw } from './content/requests';

interface Job {
  id: string;
  status: 'parsing' | 'previewed' | 'refused' | 'applying' | 'applied' | 'failed';
  fileName: string;
  done: number;
  total: number;
  errors?: Array<{ row: number; column?: string; message: string }>;
  preview?: {
    added: Array<{ id: string; topic: string; question: string }>;
    changed: Array<{ id: string; question: string; fields: string[] }>;
    removed: Array<{ id: string; question: string }>;
    unchanged: number;
    total: number;
  };
  applied?: { added: number; changed: number; archived: number };
  failure?: string;
}

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

export default definePage({
  id: 'import',
  title: 'Nhập / xuất tệp',
  roles: ['editor', 'supervisor'],
  order: 36,
  render(root) {
    let alive = true;
    const file = h('input', { type: 'file', accept: '.csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', required: true });
    const result = h('div', { class: 'kb-import-result', 'aria-live': 'polite' });
    const progress = h('progress', { max: 100, value: 0, hidden: true, 'aria-label': 'Tiến độ nhập tệp' });
    const progressText = h('p', { class: 'hint', role: 'status' });
    const form = h(
      'form',
      { class: 'grid-form', 'aria-labelledby': 'kb-import-title' },
      h('h2', { id: 'kb-import-title' }, 'Nhập từ tệp'),
      h('p', { class: 'hint' }, 'Tệp CSV (UTF-8) hoặc Excel (XLSX), dòng đầu là tiêu đề cột: id, topic, question, alternatives, keywords, answer, source_issuer, source_document, source_date, source_url, reviewed_at, valid_from, valid_to. Các cách hỏi và từ khóa cách nhau bằng dấu |.'),
      field('Tệp cần nhập', file),
      h('button', { type: 'submit', class: 'primary' }, 'Xem trước'),
    );

    async function follow(id: string, until: Array<Job['status']>): Promise<Job> {
      for (;;) {
        const job = await get<Job>(`/api/content/import/${encodeURIComponent(id)}`);
        if (until.includes(job.status) || !alive) return job;
        progress.hidden = false;
        if (job.status === 'applying' && job.total > 0) {
          progress.value = Math.round((job.done / job.total) * 100);
          progressText.textContent = `Đang áp dụng: ${job.done}/${job.total} câu hỏi (${progress.value}%).`;
        } else {
          progress.removeAttribute('value');
          progressText.textContent = 'Đang đọc và kiểm tra tệp…';
        }
        await wait(300);
      }
    }

    const list = (title: string, items: Array<{ id: string; question: string; extra?: string }>) =>
      items.length
        ? h('details', { open: items.length <= 20 }, h('summary', {}, `${title}: ${items.length}`), h('ul', { class: 'kb-questions' }, items.slice(0, 500).map((i) => h('li', {}, h('span', { class: 'kb-id' }, i.id), ' ', i.question, i.extra ? h('span', { class: 'hint' }, ` (${i.extra})`) : null))))
        : h('p', {}, `${title}: 0`);

    function showPreview(job: Job): void {
      const p = job.preview!;
      const archive = h('input', { type: 'checkbox', id: 'kb-archive-missing' });
      const apply = h('button', { type: 'button', class: 'primary', disabled: p.added.length + p.changed.length === 0 && p.removed.length === 0 }, 'Áp dụng');
      apply.addEventListener('click', async () => {
        apply.disabled = true;
        try {
          await post(`/api/content/import/${encodeURIComponent(job.id)}/apply`, { archiveMissing: archive.checked });
          const done = await follow(job.id, ['applied', 'failed']);
          progress.hidden = true;
          progressText.textContent = '';
          if (done.status === 'failed') {
            replace(result, h('p', { class: 'form-error', role: 'alert' }, done.failure ?? 'Nhập tệp thất bại.'));
            return;
          }
          const a = done.applied!;
          announce('Đã nhập tệp.');
          replace(
            result,
            h('p', { role: 'status' }, `Đã nhập: ${a.added} câu mới, ${a.changed} câu thay đổi${a.archived ? `, ${a.archived} câu được lưu trữ` : ''}. Các câu mới và thay đổi đang chờ duyệt.`),
            h('p', {}, h('a', { href: '#/review' }, 'Đến trang Chờ duyệt')),
          );
        } catch (err) {
          apply.disabled = false;
          replace(result, h('p', { class: 'form-error', role: 'alert' }, refusal(err, 'Không áp dụng được.').message));
        }
      });
      replace(
        result,
        h('h2', {}, `Xem trước: ${job.fileName}`),
        h('p', {}, `${p.total} câu trong tệp: ${p.added.length} thêm mới, ${p.changed.length} thay đổi, ${p.unchanged} giữ nguyên; ${p.removed.length} câu đang có không nằm trong tệp.`),
        list('Thêm mới', p.added),
        list('Thay đổi', p.changed.map((c) => ({ ...c, extra: c.fields.map((f) => FIELD_LABELS[f] ?? f).join(', ') }))),
        list('Không có trong tệp', p.removed),
        h('p', { class: 'kb-check' }, archive, h('label', { for: 'kb-archive-missing' }, ' Lưu trữ các câu không có trong tệp (bot ngừng dùng ngay)')),
        h('div', { class: 'kb-actions' }, apply),
      );
    }

    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      const chosen = file.files?.[0];
      if (!chosen) return;
      replace(result);
      try {
        const { jobId } = await uploadRaw<{ jobId: string }>('/api/content/import', chosen);
        const job = await follow(jobId, ['previewed', 'refused', 'failed']);
        progress.hidden = true;
        progressText.textContent = '';
        if (job.status === 'refused') {
          replace(
            result,
            h('p', { class: 'form-error', role: 'alert' }, `Tệp có ${job.errors!.length} lỗi nên không được nhập; chưa có thay đổi nào. Vui lòng sửa rồi nhập lại.`),
            h(
              'table',
              { class: 'table' },
              h('caption', {}, 'Các lỗi trong tệp'),
              h('thead', {}, h('tr', {}, ['Dòng', 'Cột', 'Lỗi'].map((t) => h('th', { scope: 'col' }, t)))),
              h('tbody', {}, job.errors!.slice(0, 500).map((er) => h('tr', {}, h('td', {}, String(er.row)), h('td', {}, er.column ?? ''), h('td', {}, er.message)))),
            ),
          );
        } else if (job.status === 'failed') replace(result, h('p', { class: 'form-error', role: 'alert' }, job.failure ?? 'Không đọc được tệp.'));
        else showPreview(job);
      } catch (err) {
        progress.hidden = true;
        replace(result, h('p', { class: 'form-error', role: 'alert' }, refusal(err, 'Không tải tệp lên được.').message));
      }
    });

    replace(
      root,
      h(
        'div',
        { class: 'page kb-page' },
        h('h1', {}, 'Nhập / xuất tệp'),
        form,
        progress,
        progressText,
        result,
        h(
          'section',
          { class: 'grid-form', 'aria-labelledby': 'kb-export-title' },
          h('h2', { id: 'kb-export-title' }, 'Xuất toàn bộ cơ sở tri thức'),
          h('p', { class: 'hint' }, 'Muốn xuất một phần, dùng bộ lọc ở trang Câu hỏi – trả lời rồi bấm Xuất.'),
          h('div', { class: 'kb-actions' }, h('button', { type: 'button', onclick: () => download('/api/content/export?format=xlsx') }, 'Xuất Excel (XLSX)'), h('button', { type: 'button', onclick: () => download('/api/content/export?format=csv') }, 'Xuất CSV')),
        ),
      ),
    );
    return {
      destroy() {
        alive = false;
      },
    };
  },
});
