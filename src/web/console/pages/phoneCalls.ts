/**
 * "Cuộc gọi": an operator logs a call to (0271) 1022 in a few seconds — caller number, topic, urgency, short note,
 * outcome — with the keyboard alone (Enter saves). An urgent call opens the same urgent case as a message; its code
 * is announced. Today's calls are listed below.
 */
import { ApiError, get, post } from '../api';
import { announce, field, formatTime, h, replace } from '../dom';
import { definePage } from '../router';
import { URGENCY_NAMES } from '../strings';

interface Call {
  id: string;
  at: string;
  operatorName: string | null;
  callerNumber: string;
  topic: string;
  urgency: 'none' | 'urgent' | 'emergency';
  note: string;
  outcome: string;
  caseCode: string | null;
}
interface Listing {
  day: string;
  calls: Call[];
  topics: Array<{ id: string; title: string }>;
  outcomes: Array<{ id: string; title: string }>;
}

export default definePage({
  id: 'phone-calls',
  title: 'Cuộc gọi',
  roles: ['operator', 'supervisor', 'admin'],
  order: 15,
  render(root, ctx) {
    const canLog = ctx.user.role === 'operator' || ctx.user.role === 'supervisor';
    const tbody = h('tbody');
    const status = h('p', { class: 'hint', role: 'status' });
    const caller = h('input', { type: 'tel', inputmode: 'tel', autocomplete: 'off', required: true, placeholder: '0912 345 678' });
    const topic = h('select', { required: true });
    const outcome = h('select', { required: true });
    const note = h('textarea', { rows: 2, maxlength: 1000 });
    const urgencyName = `urgency-${Math.random().toString(36).slice(2, 8)}`;
    const urgencies = (['none', 'urgent', 'emergency'] as const).map((value) =>
      h('label', { style: 'display:inline-flex;gap:.3rem;align-items:center;margin-right:1rem;font-weight:normal' }, h('input', { type: 'radio', name: urgencyName, value, checked: value === 'none', style: 'width:auto' }), value === 'none' ? 'Không khẩn' : URGENCY_NAMES[value]),
    );
    const formError = h('p', { class: 'form-error', role: 'alert' });
    const submit = h('button', { type: 'submit', class: 'primary' }, 'Ghi nhận cuộc gọi');
    let topics: Listing['topics'] = [];

    const form = h(
      'form',
      { class: 'grid-form', 'aria-labelledby': 'call-form-title', style: 'max-width:640px' },
      h('h2', { id: 'call-form-title' }, 'Ghi nhận cuộc gọi đến (0271) 1022'),
      field('Số điện thoại người gọi', caller),
      field('Chủ đề', topic),
      h('fieldset', { style: 'border:0;padding:0;margin:0 0 .6rem' }, h('legend', { style: 'font-weight:600;margin-bottom:.25rem' }, 'Mức độ'), urgencies),
      field('Ghi chú ngắn', note, 'Cuộc gọi khẩn: ai, triệu chứng gì, từ khi nào, ở xã/huyện nào.'),
      field('Kết quả', outcome),
      formError,
      submit,
    );
    // Enter in the note saves too (Shift+Enter for a new line): logging must take seconds.
    note.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        form.requestSubmit();
      }
    });
    form.addEventListener('submit', (e) => {
      e.preventDefault();
      formError.textContent = '';
      const urgency = (form.querySelector(`input[name="${urgencyName}"]:checked`) as HTMLInputElement | null)?.value ?? 'none';
      submit.disabled = true;
      post<{ call: Call }>('/api/phone-calls', { callerNumber: caller.value, topic: topic.value, urgency, note: note.value, outcome: outcome.value })
        .then(
          ({ call }) => {
            announce(call.caseCode ? `Đã ghi nhận cuộc gọi khẩn, mã ${call.caseCode}.` : 'Đã ghi nhận cuộc gọi.');
            caller.value = '';
            note.value = '';
            (form.querySelector(`input[name="${urgencyName}"][value="none"]`) as HTMLInputElement).checked = true;
            caller.focus();
            void load();
          },
          (err: unknown) => (formError.textContent = err instanceof ApiError ? err.message : 'Không ghi nhận được cuộc gọi.'),
        )
        .finally(() => (submit.disabled = false));
    });

    const titleOf = (id: string) => topics.find((t) => t.id === id)?.title ?? id;
    let outcomes: Listing['outcomes'] = [];
    const outcomeOf = (id: string) => outcomes.find((o) => o.id === id)?.title ?? id;

    async function load(): Promise<void> {
      try {
        const r = await get<Listing>('/api/phone-calls');
        if (!topics.length) {
          topics = r.topics;
          outcomes = r.outcomes;
          replace(topic, h('option', { value: '' }, '— Chọn chủ đề —'), r.topics.map((t) => h('option', { value: t.id }, t.title)));
          replace(outcome, r.outcomes.map((o) => h('option', { value: o.id }, o.title)));
        }
        replace(
          tbody,
          r.calls.length
            ? r.calls.map((c) =>
                h(
                  'tr',
                  { class: c.urgency !== 'none' ? `urgency-${c.urgency}` : '' },
                  h('td', {}, formatTime(c.at)),
                  h('td', {}, c.callerNumber),
                  h('td', {}, titleOf(c.topic)),
                  h('td', {}, c.urgency === 'none' ? '—' : h('span', { class: `badge urgency-${c.urgency}` }, URGENCY_NAMES[c.urgency])),
                  h('td', {}, outcomeOf(c.outcome)),
                  h('td', {}, c.note || '—'),
                  h('td', {}, c.operatorName ?? '—'),
                  h('td', {}, c.caseCode ?? ''),
                ),
              )
            : h('tr', {}, h('td', { colspan: 8 }, 'Chưa có cuộc gọi nào hôm nay.')),
        );
        status.textContent = `${r.calls.length} cuộc gọi hôm nay.`;
      } catch (err) {
        status.textContent = err instanceof ApiError ? err.message : 'Không tải được danh sách cuộc gọi.';
      }
    }

    replace(
      root,
      h(
        'div',
        { class: 'page' },
        h('h1', {}, 'Cuộc gọi điện thoại'),
        canLog ? form : null,
        h('h2', {}, 'Cuộc gọi hôm nay'),
        status,
        h(
          'table',
          { class: 'table' },
          h('caption', { class: 'visually-hidden' }, 'Cuộc gọi hôm nay'),
          h('thead', {}, h('tr', {}, ['Giờ', 'Số gọi', 'Chủ đề', 'Mức độ', 'Kết quả', 'Ghi chú', 'Người ghi', 'Mã khẩn'].map((t) => h('th', { scope: 'col' }, t)))),
          tbody,
        ),
      ),
    );
    void load();
    if (canLog) caller.focus();
  },
});
