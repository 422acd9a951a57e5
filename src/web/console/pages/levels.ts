/**
 * "Cấp độ" (supervisors, admins): the thresholds and staffing of each level, office hours and which requests count.
 * Saved rules are validated by the server (problems listed here) and written to the audit log; "Khôi phục mặc định"
 * goes back to knowledge-base/levels.yaml.
 */
import { ApiError, get, post, put } from '../api';
import { announce, field, h, replace } from '../dom';
import { definePage } from '../router';

interface PeriodStaffing {
  operators?: number;
  phoneLines?: number;
}
interface Level {
  level: number;
  above: number;
  name: string;
  staffing: { officeHours: PeriodStaffing; afterHours: PeriodStaffing; reserveOnCall: boolean };
}
interface Rules {
  counting: { kinds: string[] };
  officeHours: { start: string; end: string; days: number[] };
  levels: Level[];
  lowerMargin: number;
  projection: Record<string, unknown>;
}

const KIND_NAMES: Record<string, string> = {
  new_conversation: 'Cuộc trò chuyện mới (ứng dụng, Messenger, Zalo, web chat)',
  reopened: 'Công dân nhắn lại sau khi cuộc trò chuyện đã kết thúc',
  email_thread: 'Thư điện tử mới',
  voice_call: 'Cuộc gọi tổng đài thoại tự động (Voichat)',
  declaration: 'Khai báo y tế qua trợ lý tự động',
  phone_call: 'Cuộc gọi đến (0271) 1022 do tổng đài viên ghi nhận',
};
const DAY_NAMES = ['Thứ hai', 'Thứ ba', 'Thứ tư', 'Thứ năm', 'Thứ sáu', 'Thứ bảy', 'Chủ nhật'];

export default definePage({
  id: 'levels',
  title: 'Cấp độ',
  roles: ['supervisor', 'admin'],
  order: 50,
  render(root) {
    const status = h('p', { class: 'hint', role: 'status' });
    const problems = h('div', { role: 'alert', class: 'form-error' });
    const container = h('div');
    let rules: Rules | undefined;

    const numberInput = (value: number | undefined, label: string) => h('input', { type: 'number', min: 0, step: 1, value: value ?? '', 'aria-label': label, style: 'width:6rem' });

    function edit(r: Rules, kinds: string[], source: string): void {
      rules = r;
      const rows = r.levels.map((l) => {
        const above = numberInput(l.above, `Cấp ${l.level}: trên bao nhiêu tin`);
        const name = h('input', { value: l.name, 'aria-label': `Cấp ${l.level}: tên`, style: 'min-width:16rem' });
        const oo = numberInput(l.staffing.officeHours.operators, `Cấp ${l.level}: tổng đài viên giờ hành chính`);
        const ol = numberInput(l.staffing.officeHours.phoneLines, `Cấp ${l.level}: line điện thoại giờ hành chính`);
        const ao = numberInput(l.staffing.afterHours.operators, `Cấp ${l.level}: tổng đài viên ngoài giờ`);
        const al = numberInput(l.staffing.afterHours.phoneLines, `Cấp ${l.level}: line điện thoại ngoài giờ`);
        const reserve = h('input', { type: 'checkbox', checked: l.staffing.reserveOnCall, 'aria-label': `Cấp ${l.level}: dự phòng trực 24/7`, style: 'width:auto' });
        const read = (): Level => {
          const num = (el: HTMLInputElement) => (el.value.trim() === '' ? undefined : Number(el.value));
          const period = (o: HTMLInputElement, p: HTMLInputElement): PeriodStaffing => {
            const out: PeriodStaffing = {};
            if (num(o) !== undefined) out.operators = num(o);
            if (num(p) !== undefined) out.phoneLines = num(p);
            return out;
          };
          return { level: l.level, above: Number(above.value), name: name.value, staffing: { officeHours: period(oo, ol), afterHours: period(ao, al), reserveOnCall: reserve.checked } };
        };
        return { read, row: h('tr', {}, h('th', { scope: 'row' }, `Cấp ${l.level}`), h('td', {}, above), h('td', {}, name), h('td', {}, oo), h('td', {}, ol), h('td', {}, ao), h('td', {}, al), h('td', {}, reserve)) };
      });
      const start = h('input', { type: 'time', value: r.officeHours.start, required: true });
      const end = h('input', { type: 'time', value: r.officeHours.end, required: true });
      const days = DAY_NAMES.map((name, i) => ({ day: i + 1, box: h('input', { type: 'checkbox', checked: r.officeHours.days.includes(i + 1), style: 'width:auto' }), name }));
      const counted = kinds.map((k) => ({ kind: k, box: h('input', { type: 'checkbox', checked: r.counting.kinds.includes(k), style: 'width:auto' }) }));
      const save = h('button', { type: 'submit', class: 'primary' }, 'Lưu cấu hình');
      const reset = h('button', { type: 'button' }, 'Khôi phục mặc định');
      const form = h(
        'form',
        { 'aria-labelledby': 'levels-title' },
        h(
          'table',
          { class: 'table' },
          h('caption', { style: 'text-align:left;font-weight:600;padding:.4rem 0' }, 'Cấp độ áp dụng khi số tin trong ngày (hoặc 24 giờ qua) vượt ngưỡng. Để trống ô nhân lực nếu không có yêu cầu tối thiểu.'),
          h(
            'thead',
            {},
            h('tr', {}, ['Cấp', 'Trên (tin/ngày)', 'Tên', 'Tổng đài viên giờ HC', 'Line giờ HC', 'Tổng đài viên ngoài giờ', 'Line ngoài giờ', 'Dự phòng 24/7'].map((t) => h('th', { scope: 'col' }, t))),
          ),
          h('tbody', {}, rows.map((x) => x.row)),
        ),
        h(
          'fieldset',
          { style: 'border:1px solid #d5dbe1;border-radius:8px;padding:.6rem 1rem;margin-bottom:1rem;background:#fff' },
          h('legend', {}, 'Giờ hành chính'),
          h('div', { style: 'display:grid;grid-template-columns:10rem 10rem;gap:.75rem' }, field('Bắt đầu', start), field('Kết thúc', end)),
          h('div', { style: 'display:flex;flex-wrap:wrap;gap:.75rem' }, days.map((d) => h('label', { style: 'display:inline-flex;gap:.3rem;align-items:center' }, d.box, d.name))),
        ),
        h(
          'fieldset',
          { style: 'border:1px solid #d5dbe1;border-radius:8px;padding:.6rem 1rem;margin-bottom:1rem;background:#fff' },
          h('legend', {}, 'Tin được tính'),
          counted.map((c) => h('label', { style: 'display:flex;gap:.4rem;align-items:center;margin:.2rem 0' }, c.box, KIND_NAMES[c.kind] ?? c.kind)),
        ),
        problems,
        h('div', { style: 'display:flex;gap:.5rem' }, save, reset),
      );
      form.addEventListener('submit', (e) => {
        e.preventDefault();
        problems.replaceChildren();
        const next: Rules = {
          ...rules!,
          levels: rows.map((x) => x.read()),
          officeHours: { start: start.value, end: end.value, days: days.filter((d) => d.box.checked).map((d) => d.day) },
          counting: { kinds: counted.filter((c) => c.box.checked).map((c) => c.kind) },
        };
        put<{ rules: Rules }>('/api/levels/rules', { rules: next }).then(
          () => {
            announce('Đã lưu cấu hình cấp độ.');
            void load();
          },
          (err: unknown) => showProblems(err),
        );
      });
      reset.addEventListener('click', () => {
        if (!window.confirm('Khôi phục cấu hình cấp độ mặc định (knowledge-base/levels.yaml)?')) return;
        post('/api/levels/rules/reset').then(
          () => {
            announce('Đã khôi phục cấu hình mặc định.');
            void load();
          },
          (err: unknown) => showProblems(err),
        );
      });
      status.textContent = source === 'edited' ? 'Đang áp dụng cấu hình đã chỉnh sửa trên bảng điều khiển.' : 'Đang áp dụng cấu hình mặc định (knowledge-base/levels.yaml).';
      replace(container, form);
    }

    function showProblems(err: unknown): void {
      const message = err instanceof ApiError ? err.message : 'Không lưu được cấu hình.';
      const list = err instanceof ApiError && Array.isArray(err.body.problems) ? (err.body.problems as string[]) : [];
      replace(problems, h('p', {}, message), list.length ? h('ul', {}, list.map((p) => h('li', {}, p))) : null);
    }

    async function load(): Promise<void> {
      try {
        const r = await get<{ rules: Rules; source: string; kinds: string[] }>('/api/levels/rules');
        edit(r.rules, r.kinds, r.source);
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được cấu hình.';
      }
    }

    replace(root, h('div', { class: 'page', style: 'max-width:1200px' }, h('h1', { id: 'levels-title' }, 'Cấp độ tiếp nhận và nhân lực'), status, container));
    void load();
  },
});
