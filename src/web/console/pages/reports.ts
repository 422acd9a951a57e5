/**
 * "Báo cáo" (supervisors, admins): every daily report made (sent automatically before 11:00, or on demand), with
 * its Excel, PDF and HTML files; make a report for any day, send it now, resend an archived one.
 */
import { ApiError, get, post } from '../api';
import { addDays, announce, field, formatDateTime, h, localDay, replace } from '../dom';
import { definePage } from '../router';

interface Report {
  id: string;
  day: string;
  trigger: string;
  generatedAt: string;
  sentAt: string | null;
  sentTo: string[];
  sendCount: number;
  lastError: string | null;
  figures: { total: number; level: number; unanswered: number; urgent: number; emergency: number };
}

const dayText = (day: string) => day.split('-').reverse().join('/');
const yesterday = (): string => addDays(localDay(), -1);

export default definePage({
  id: 'reports',
  title: 'Báo cáo',
  roles: ['supervisor', 'admin'],
  order: 60,
  render(root) {
    const tbody = h('tbody');
    const status = h('p', { class: 'hint', role: 'status' });
    const day = h('input', { type: 'date', required: true, value: yesterday() });
    const sendNow = h('input', { type: 'checkbox', style: 'width:auto' });
    const formError = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Lập báo cáo');
    const form = h(
      'form',
      { class: 'grid-form', 'aria-labelledby': 'make-report-title' },
      h('h2', { id: 'make-report-title' }, 'Lập báo cáo theo ngày'),
      field('Ngày báo cáo', day),
      h('label', { style: 'display:flex;gap:.4rem;align-items:center;margin-bottom:.6rem' }, sendNow, 'Gửi thư cho người nhận ngay'),
      formError,
      submit,
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      formError.textContent = '';
      submit.disabled = true;
      post<{ report: Report }>('/api/reports', { day: day.value, send: sendNow.checked })
        .then(
          ({ report }) => {
            announce(report.sentAt ? `Đã lập và gửi báo cáo ngày ${dayText(report.day)}.` : `Đã lập báo cáo ngày ${dayText(report.day)}.`);
            void load();
          },
          (err: unknown) => {
            formError.textContent = err instanceof ApiError ? err.message : 'Không lập được báo cáo.';
            void load();
          },
        )
        .finally(() => (submit.disabled = false));
    });

    function row(r: Report): HTMLTableRowElement {
      const resend = h('button', { type: 'button', class: 'small', 'aria-label': `Gửi lại báo cáo ngày ${dayText(r.day)}` }, 'Gửi lại');
      resend.addEventListener('click', () => {
        resend.disabled = true;
        post(`/api/reports/${encodeURIComponent(r.id)}/send`).then(
          () => {
            announce(`Đã gửi lại báo cáo ngày ${dayText(r.day)}.`);
            void load();
          },
          (err: unknown) => {
            announce(err instanceof ApiError ? err.message : 'Không gửi được báo cáo.', 'error');
            resend.disabled = false;
          },
        );
      });
      const link = (kind: string, label: string) => h('a', { href: `/api/reports/${encodeURIComponent(r.id)}/${kind}`, target: kind === 'xlsx' ? null : '_blank', rel: 'noopener', 'aria-label': `${label} ngày ${dayText(r.day)}` }, label);
      return h(
        'tr',
        {},
        h('td', {}, dayText(r.day)),
        h('td', {}, formatDateTime(r.generatedAt)),
        h('td', {}, r.trigger === 'scheduled' ? 'Tự động' : 'Theo yêu cầu'),
        h('td', {}, r.figures.total.toLocaleString('vi-VN')),
        h('td', {}, `Cấp ${r.figures.level}`),
        h('td', {}, r.sentAt ? `${formatDateTime(r.sentAt)}${r.sendCount > 1 ? ` (${r.sendCount} lần)` : ''}` : r.lastError ? h('span', { class: 'form-error' }, `Chưa gửi: ${r.lastError}`) : 'Chưa gửi'),
        h('td', { class: 'row-actions' }, link('xlsx', 'Excel'), ' · ', link('pdf', 'PDF'), ' · ', link('html', 'Xem'), ' ', resend),
      );
    }

    async function load(): Promise<void> {
      try {
        const r = await get<{ reports: Report[]; recipients: string[] }>('/api/reports');
        replace(tbody, r.reports.length ? r.reports.map(row) : h('tr', {}, h('td', { colspan: 7 }, 'Chưa có báo cáo nào.')));
        status.textContent = r.recipients.length ? `Báo cáo hằng ngày gửi tự động cho: ${r.recipients.join(', ')}.` : 'Chưa cấu hình người nhận báo cáo (REPORT_RECIPIENTS): báo cáo chỉ được lưu trữ.';
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách báo cáo.';
      }
    }

    replace(
      root,
      h(
        'div',
        { class: 'page' },
        h('h1', {}, 'Báo cáo tiếp nhận và xử lý'),
        status,
        form,
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Báo cáo đã lập'),
          h('thead', {}, h('tr', {}, ['Ngày', 'Lập lúc', 'Cách lập', 'Tổng tin', 'Cấp độ', 'Gửi thư', 'Tệp'].map((t) => h('th', { scope: 'col' }, t)))),
          tbody,
        ),
      ),
    );
    void load();
  },
});
