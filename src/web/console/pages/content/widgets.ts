/** Small pieces the content pages share: status badges, problem lists, word-level diffs, channel previews. */
import { h } from '../../dom';
import { FIELD_LABELS, PREVIEW_CHANNELS, STATUS_LABELS } from './labels';

export function statusBadge(status: string, extra = ''): HTMLElement {
  return h('span', { class: `badge kb-status-${status}${extra ? ` ${extra}` : ''}` }, STATUS_LABELS[status] ?? status);
}

export function problemList(problems: Array<{ field?: string; message: string; line?: number; key?: string; entryId?: string }>, title: string): HTMLElement {
  return h(
    'div',
    { class: 'kb-problems', role: 'alert' },
    h('p', { class: 'kb-problems-title' }, title),
    h(
      'ul',
      {},
      problems.map((p) => h('li', {}, p.line ? `Dòng ${p.line}: ` : '', p.key ? `${p.key}: ` : '', p.entryId && !p.key ? `[${p.entryId}] ` : '', p.message)),
    ),
  );
}

export interface DiffSegment {
  op: 'eq' | 'del' | 'ins';
  text: string;
}

export function diffView(changes: Array<{ field: string; segments: DiffSegment[] }>): HTMLElement {
  if (!changes.length) return h('p', { class: 'hint' }, 'Không thay đổi nội dung.');
  return h(
    'dl',
    { class: 'kb-diff' },
    changes.map((c) => [
      h('dt', {}, FIELD_LABELS[c.field] ?? c.field),
      h(
        'dd',
        {},
        c.segments.map((s) => (s.op === 'eq' ? s.text : s.op === 'del' ? h('del', { title: 'đã xóa' }, s.text) : h('ins', { title: 'đã thêm' }, s.text))),
      ),
    ]),
  );
}

export interface Previews {
  messenger: Array<{ text: string; buttons: string[] }>;
  zalo: Array<{ text: string; buttons: string[] }>;
  widget: Array<{ text: string; buttons: string[] }>;
  email: { subject: string; text: string };
  voice: string[];
}

const bubbles = (list: Array<{ text: string; buttons: string[] }>) =>
  h(
    'ol',
    { class: 'kb-bubbles' },
    list.map((b) => h('li', {}, h('p', { class: 'kb-bubble' }, b.text), b.buttons.length ? h('p', { class: 'kb-buttons' }, b.buttons.map((t) => h('span', { class: 'kb-button' }, t))) : null)),
  );

/** The answer as each channel shows it, one tab per channel. */
export function previewTabs(p: Previews): HTMLElement {
  const panels = new Map<string, HTMLElement>();
  const tabs = new Map<string, HTMLButtonElement>();
  const body = (id: string): HTMLElement => {
    switch (id) {
      case 'messenger':
        return h('div', {}, h('p', { class: 'hint' }, `${p.messenger.length - 1} tin nhắn trả lời (Messenger giới hạn 2.000 ký tự mỗi tin), sau đó là câu hỏi góp ý.`), bubbles(p.messenger));
      case 'zalo':
        return h('div', {}, h('p', { class: 'hint' }, `${p.zalo.length - 1} tin nhắn trả lời, sau đó là câu hỏi góp ý.`), bubbles(p.zalo));
      case 'widget':
        return bubbles(p.widget);
      case 'email':
        return h('div', { class: 'kb-email' }, h('p', {}, h('strong', {}, 'Tiêu đề: '), p.email.subject), h('pre', {}, p.email.text));
      default:
        return h('div', {}, h('p', { class: 'hint' }, 'Nội dung được đọc bằng giọng nói, chia thành từng đoạn ngắn:'), h('ol', { class: 'kb-voice' }, p.voice.map((c) => h('li', {}, c))));
    }
  };
  const select = (id: string) => {
    for (const [k, t] of tabs) {
      t.setAttribute('aria-selected', String(k === id));
      t.tabIndex = k === id ? 0 : -1;
      panels.get(k)!.hidden = k !== id;
    }
  };
  const list = h('div', { role: 'tablist', 'aria-label': 'Xem trước theo kênh', class: 'kb-tabs' });
  const wrap = h('div', { class: 'kb-preview' }, list);
  PREVIEW_CHANNELS.forEach((c, i) => {
    const tab = h('button', { type: 'button', role: 'tab', id: `preview-tab-${c.id}`, 'aria-controls': `preview-panel-${c.id}` }, c.label);
    tab.addEventListener('click', () => select(c.id));
    tab.addEventListener('keydown', (e) => {
      if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
      const next = PREVIEW_CHANNELS[(i + (e.key === 'ArrowRight' ? 1 : PREVIEW_CHANNELS.length - 1)) % PREVIEW_CHANNELS.length].id;
      select(next);
      tabs.get(next)!.focus();
    });
    tabs.set(c.id, tab);
    list.appendChild(tab);
    const panel = h('div', { role: 'tabpanel', id: `preview-panel-${c.id}`, 'aria-labelledby': `preview-tab-${c.id}`, class: 'kb-tabpanel' }, body(c.id));
    panels.set(c.id, panel);
    wrap.appendChild(panel);
  });
  select('messenger');
  return wrap;
}
