/**
 * "Từ ngữ & mẫu câu": the bot's fixed texts, the synonyms and the teencode/abbreviations the search understands.
 * Every save is validated first (a refused save lists the problems with their line or key, and nothing changes);
 * a saved change reaches the running bot on every instance without a restart.
 */
import './content/content.css';
import { ApiError, del, get, put } from '../api';
import { announce, field, formatDateTime, h, replace } from '../dom';
import { definePage } from '../router';
import { refusal } from './content/requests';
import { problemList } from './content/widgets';

interface RuleText {
  name: 'teencode' | 'synonyms';
  content: string;
  version: number;
  updatedAt: string | null;
  updatedByName: string | null;
}

interface TemplatesResponse {
  editable: string[];
  defaults: Record<string, string>;
  current: Record<string, string>;
  version: number;
  updatedAt: string | null;
  updatedByName: string | null;
}

const RULE_HELP: Record<RuleText['name'], string> = {
  synonyms: 'Mỗi nhóm (name) gồm các từ cùng nghĩa (terms); bot coi chúng là một khi tìm câu trả lời. Một từ chỉ thuộc một nhóm.',
  teencode: 'Mỗi quy tắc: các cách viết tắt (forms, viết thường) và nghĩa đầy đủ có dấu (means). fillers: các từ đệm bỏ qua khi tìm.',
};

const edited = (version: number, at: string | null, by: string | null) => (version ? `Phiên bản ${version}, sửa lúc ${at ? formatDateTime(at) : '—'} bởi ${by ?? '—'}.` : 'Đang dùng tệp gốc, chưa sửa trên bảng điều khiển.');

/** Groups of texts by key prefix, in the order a conversation meets them. */
const TEMPLATE_GROUPS: Array<{ title: string; prefixes: string[] }> = [
  { title: 'Lời chào', prefixes: ['greeting', 'follow.'] },
  { title: 'Trả lời câu hỏi, gợi ý và góp ý', prefixes: ['faq.'] },
  { title: 'Giao tiếp thông thường', prefixes: ['smalltalk.'] },
  { title: 'Chuyển tổng đài viên', prefixes: ['handoff.'] },
  { title: 'Trường hợp khẩn cấp', prefixes: ['urgent.', 'emergency'] },
  { title: 'Khai báo y tế', prefixes: ['declaration.'] },
  { title: 'Tổng đài thoại', prefixes: ['voice.'] },
];

function groupOf(key: string): string {
  return TEMPLATE_GROUPS.find((g) => g.prefixes.some((p) => key === p || key.startsWith(p)))?.title ?? 'Tin nhắn khác';
}

function templatesSection(): HTMLElement {
  const box = h('div', {}, h('p', { class: 'hint' }, 'Đang tải…'));
  const errors = h('div', { 'aria-live': 'assertive' });
  const info = h('p', { class: 'hint' });
  const areas = new Map<string, HTMLTextAreaElement>();
  const filter = h('input', { type: 'search', autocomplete: 'off' });
  const form = h('form', { class: 'kb-templates' });
  let saved: Record<string, string> = {};
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(errors);
    const templates = Object.fromEntries([...areas].filter(([k, a]) => a.value !== saved[k]).map(([k, a]) => [k, a.value]));
    if (!Object.keys(templates).length) {
      announce('Không có thay đổi để lưu.');
      return;
    }
    try {
      await put('/api/content/templates', { templates });
      announce('Đã lưu mẫu câu: bot dùng ngay.');
      await load();
    } catch (err) {
      const r = refusal(err, 'Không lưu được.');
      replace(errors, r.problems.length ? problemList(r.problems, r.message) : h('p', { class: 'form-error', role: 'alert' }, r.message));
    }
  });
  filter.addEventListener('input', () => {
    const q = filter.value.trim().toLowerCase();
    for (const [k, a] of areas) (a.closest('.field') as HTMLElement).hidden = Boolean(q) && !k.toLowerCase().includes(q) && !a.value.toLowerCase().includes(q);
    // While filtering, every group opens so the matches show.
    for (const d of form.querySelectorAll('details')) d.open = Boolean(q) || d.dataset.open === 'true';
  });
  async function load(): Promise<void> {
    try {
      const t = await get<TemplatesResponse>('/api/content/templates');
      saved = t.current;
      info.textContent = edited(t.version, t.updatedAt, t.updatedByName);
      areas.clear();
      const groups = new Map<string, HTMLElement[]>();
      for (const key of t.editable) {
        const area = h('textarea', { rows: Math.min(6, Math.max(2, Math.ceil(t.current[key].length / 90))), 'data-key': key });
        area.value = t.current[key];
        areas.set(key, area);
        const slots = [...new Set([...t.defaults[key].matchAll(/\{(\w+)\}/g)].map((m) => `{${m[1]}}`))];
        const changed = t.current[key] !== t.defaults[key];
        const title = groupOf(key);
        groups.set(title, [...(groups.get(title) ?? []), field(key, area, [slots.length ? `giữ nguyên chỗ điền: ${slots.join(', ')}` : '', changed ? 'đã sửa so với tệp gốc' : ''].filter(Boolean).join(' · ') || undefined)]);
      }
      const order = [...TEMPLATE_GROUPS.map((g) => g.title), 'Tin nhắn khác'];
      replace(
        form,
        order
          .filter((title) => groups.has(title))
          .map((title, i) => {
            const d = h('details', { class: 'kb-template-group', open: i === 0, 'data-open': String(i === 0) }, h('summary', {}, `${title} (${groups.get(title)!.length})`), groups.get(title)!);
            d.addEventListener('toggle', () => (d.dataset.open = String(d.open)));
            return d;
          }),
        h('button', { type: 'submit', class: 'primary' }, 'Lưu mẫu câu'),
      );
      replace(box, form);
    } catch (err) {
      replace(box, h('p', { role: 'alert' }, err instanceof ApiError ? err.message : 'Không tải được mẫu câu.'));
    }
  }
  void load();
  return h(
    'div',
    {},
    h('p', { class: 'hint' }, 'Câu chữ cố định bot gửi cho người dân. Chữ trong ngoặc nhọn do bot tự điền, cần giữ nguyên. Thư gửi cơ quan và khung chat trên web có mẫu câu riêng, chưa sửa tại đây.'),
    info,
    field('Lọc mẫu câu', filter, 'gõ tên hoặc một phần nội dung'),
    errors,
    box,
  );
}

function ruleSection(name: RuleText['name']): HTMLElement {
  const area = h('textarea', { rows: 24, spellcheck: 'false', class: 'kb-code' });
  const info = h('p', { class: 'hint' });
  const errors = h('div', { 'aria-live': 'assertive' });
  const reset = h('button', { type: 'button' }, 'Khôi phục tệp gốc');
  const form = h('form', {}, field(name === 'synonyms' ? 'Nội dung từ đồng nghĩa (YAML)' : 'Nội dung viết tắt và teencode (YAML)', area), errors, h('div', { class: 'kb-actions' }, h('button', { type: 'submit', class: 'primary' }, 'Kiểm tra và lưu'), reset));
  async function load(): Promise<void> {
    const r = await get<RuleText>(`/api/content/rules/${name}`);
    area.value = r.content;
    info.textContent = edited(r.version, r.updatedAt, r.updatedByName);
    reset.hidden = r.version === 0;
  }
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    replace(errors);
    try {
      await put(`/api/content/rules/${name}`, { content: area.value });
      announce('Đã lưu: bot dùng quy tắc mới trên mọi máy chủ.');
      await load();
    } catch (err) {
      const r = refusal(err, 'Không lưu được.');
      replace(errors, r.problems.length ? problemList(r.problems, r.message) : h('p', { class: 'form-error', role: 'alert' }, r.message));
    }
  });
  reset.addEventListener('click', () =>
    del(`/api/content/rules/${name}`).then(
      () => {
        announce('Đã khôi phục tệp gốc.');
        void load();
      },
      (err: unknown) => announce(refusal(err, 'Không khôi phục được.').message, 'error'),
    ),
  );
  void load().catch(() => (info.textContent = 'Không tải được nội dung.'));
  return h('div', {}, h('p', { class: 'hint' }, RULE_HELP[name]), info, form);
}

export default definePage({
  id: 'text-rules',
  title: 'Từ ngữ & mẫu câu',
  roles: ['editor', 'supervisor'],
  order: 35,
  render(root) {
    const sections = [
      { id: 'templates', label: 'Mẫu câu của bot', make: templatesSection },
      { id: 'synonyms', label: 'Từ đồng nghĩa', make: () => ruleSection('synonyms') },
      { id: 'teencode', label: 'Viết tắt, teencode', make: () => ruleSection('teencode') },
    ];
    const tablist = h('div', { role: 'tablist', class: 'kb-tabs', 'aria-label': 'Nội dung cần sửa' });
    const panel = h('div', { role: 'tabpanel', class: 'kb-tabpanel', id: 'text-rules-panel' });
    const tabs = sections.map((s) => {
      const tab = h('button', { type: 'button', role: 'tab', id: `text-rules-${s.id}`, 'aria-controls': 'text-rules-panel' }, s.label);
      tab.addEventListener('click', () => select(s.id));
      tablist.appendChild(tab);
      return tab;
    });
    function select(id: string): void {
      sections.forEach((s, i) => {
        tabs[i].setAttribute('aria-selected', String(s.id === id));
        tabs[i].tabIndex = s.id === id ? 0 : -1;
      });
      const s = sections.find((x) => x.id === id)!;
      panel.setAttribute('aria-labelledby', `text-rules-${id}`);
      replace(panel, s.make());
    }
    replace(root, h('div', { class: 'page kb-page' }, h('h1', {}, 'Từ ngữ & mẫu câu'), tablist, panel));
    select('templates');
  },
});
