/**
 * "Ca trực": the week's rota (office hours, after hours until the next morning, custom times; phone lines and the
 * reserve on call). Everyone who handles conversations sees it; supervisors and admins add and remove shifts.
 */
import { ApiError, del, get, post } from '../api';
import { addDays, announce, field, h, replace } from '../dom';
import { definePage } from '../router';

interface Shift {
  id: string;
  userId: string;
  displayName: string;
  startsAt: string;
  endsAt: string;
  kind: 'operator' | 'reserve';
  phoneLine: boolean;
  note: string | null;
}
interface Rota {
  from: string;
  days: number;
  today: string;
  timeZone: string;
  officeHours: { start: string; end: string; days: number[] };
  shifts: Shift[];
  staff: Array<{ id: string; displayName: string; role: string }>;
}

const WEEKDAYS = ['Chủ nhật', 'Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy'];
const dayTitle = (day: string): string => {
  const [y, m, d] = day.split('-').map(Number);
  return `${WEEKDAYS[new Date(Date.UTC(y, m - 1, d)).getUTCDay()]} ${String(d).padStart(2, '0')}/${String(m).padStart(2, '0')}/${y}`;
};

export default definePage({
  id: 'shifts',
  title: 'Ca trực',
  roles: ['operator', 'supervisor', 'admin'],
  order: 40,
  render(root, ctx) {
    const planner = ctx.user.role === 'supervisor' || ctx.user.role === 'admin';
    let from = '';
    let rota: Rota | undefined;
    const week = h('div', { class: 'rota' });
    const status = h('p', { class: 'hint', role: 'status' });
    const rangeTitle = h('h2', { id: 'rota-title' });
    const prev = h('button', { type: 'button', class: 'small' }, '← Tuần trước');
    const next = h('button', { type: 'button', class: 'small' }, 'Tuần sau →');
    prev.addEventListener('click', () => void load(addDays(from, -7)));
    next.addEventListener('click', () => void load(addDays(from, 7)));

    const time = (iso: string) => new Intl.DateTimeFormat('vi-VN', { hour: '2-digit', minute: '2-digit', timeZone: rota?.timeZone ?? 'Asia/Ho_Chi_Minh' }).format(new Date(iso));
    const localDay = (iso: string) => new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: rota?.timeZone ?? 'Asia/Ho_Chi_Minh' }).format(new Date(iso));

    // Add-shift form (planners)
    const person = h('select', { required: true });
    const date = h('input', { type: 'date', required: true });
    const period = h('select', {}, h('option', { value: 'officeHours' }, 'Giờ hành chính'), h('option', { value: 'afterHours' }, 'Ngoài giờ (đến sáng hôm sau)'), h('option', { value: 'custom' }, 'Giờ tự chọn'));
    const start = h('input', { type: 'time' });
    const end = h('input', { type: 'time' });
    const custom = h('div', { style: 'display:none;grid-template-columns:1fr 1fr;gap:.5rem' }, field('Bắt đầu', start), field('Kết thúc', end));
    period.addEventListener('change', () => (custom.style.display = period.value === 'custom' ? 'grid' : 'none'));
    const kind = h('select', {}, h('option', { value: 'operator' }, 'Trực tổng đài'), h('option', { value: 'reserve' }, 'Dự phòng (trực 24/7 khi cần)'));
    const phoneLine = h('input', { type: 'checkbox', style: 'width:auto' });
    const note = h('input', { maxlength: 200 });
    const formError = h('p', { class: 'form-error', role: 'alert' });
    const form = h(
      'form',
      { class: 'grid-form', 'aria-labelledby': 'add-shift-title' },
      h('h2', { id: 'add-shift-title' }, 'Thêm ca trực'),
      field('Cán bộ', person),
      field('Ngày', date),
      field('Ca', period),
      custom,
      field('Loại ca', kind),
      h('label', { style: 'display:flex;gap:.4rem;align-items:center;margin-bottom:.6rem' }, phoneLine, 'Trực line điện thoại (0271) 1022'),
      field('Ghi chú (không bắt buộc)', note),
      formError,
      h('button', { type: 'submit', class: 'primary' }, 'Thêm ca'),
    );
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      formError.textContent = '';
      post('/api/shifts', { userId: person.value, date: date.value, period: period.value, start: start.value, end: end.value, kind: kind.value, phoneLine: phoneLine.checked, note: note.value }).then(
        () => {
          announce('Đã thêm ca trực.');
          note.value = '';
          void load(from);
        },
        (err: unknown) => (formError.textContent = err instanceof ApiError ? err.message : 'Không thêm được ca trực.'),
      );
    });

    function shiftItem(s: Shift): HTMLElement {
      const label = `${s.displayName}: ${time(s.startsAt)}–${time(s.endsAt)}${localDay(s.endsAt) !== localDay(s.startsAt) ? ' (hôm sau)' : ''}`;
      const remove = planner ? h('button', { type: 'button', class: 'small danger', 'aria-label': `Xóa ca ${label}` }, 'Xóa') : null;
      remove?.addEventListener('click', () => {
        if (!window.confirm(`Xóa ca ${label}?`)) return;
        del(`/api/shifts/${encodeURIComponent(s.id)}`).then(
          () => {
            announce('Đã xóa ca trực.');
            void load(from);
          },
          (err: unknown) => announce(err instanceof ApiError ? err.message : 'Không xóa được ca trực.', 'error'),
        );
      });
      return h(
        'li',
        { style: 'display:flex;gap:.5rem;align-items:center;margin:.2rem 0' },
        h('span', {}, label),
        s.kind === 'reserve' ? h('span', { class: 'badge' }, 'Dự phòng') : null,
        s.phoneLine ? h('span', { class: 'badge' }, 'Line điện thoại') : null,
        s.note ? h('span', { class: 'hint' }, s.note) : null,
        remove,
      );
    }

    async function load(fromDay?: string): Promise<void> {
      try {
        rota = await get<Rota>(`/api/shifts${fromDay ? `?from=${fromDay}&days=7` : '?days=7'}`);
        from = rota.from;
        rangeTitle.textContent = `Tuần từ ${dayTitle(rota.from)}`;
        if (planner && !person.options.length) {
          replace(person, rota.staff.map((s) => h('option', { value: s.id }, s.displayName)));
          date.value = rota.today;
        }
        const days = Array.from({ length: rota.days }, (_, i) => addDays(rota!.from, i));
        replace(
          week,
          days.map((day) => {
            const shifts = rota!.shifts.filter((s) => localDay(s.startsAt) === day);
            return h(
              'section',
              { 'aria-label': dayTitle(day), style: 'background:#fff;border:1px solid #d5dbe1;border-radius:8px;padding:.5rem .8rem;margin-bottom:.5rem' },
              h('h3', { style: 'margin:.2rem 0;font-size:1rem' }, dayTitle(day), day === rota!.today ? ' (hôm nay)' : ''),
              shifts.length ? h('ul', { style: 'list-style:none;padding:0;margin:0' }, shifts.map(shiftItem)) : h('p', { class: 'hint' }, 'Chưa xếp ca.'),
            );
          }),
        );
        status.textContent = `Giờ hành chính: ${rota.officeHours.start}–${rota.officeHours.end}; ngoài giờ: ${rota.officeHours.end} đến ${rota.officeHours.start} sáng hôm sau.`;
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được lịch trực.';
      }
    }

    replace(
      root,
      h(
        'div',
        { class: 'page' },
        h('h1', {}, 'Ca trực'),
        status,
        h('div', { style: 'display:flex;gap:.5rem;align-items:center;margin-bottom:.5rem' }, prev, rangeTitle, next),
        week,
        planner ? form : null,
      ),
    );
    void load();
  },
});
