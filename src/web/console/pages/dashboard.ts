/**
 * "Tổng quan" (supervisors, admins): the intake level gauge with today's count, the last 24 hours and the projection;
 * staffing required against who is on shift; the queue and its waiting times; charts by hour and by channel;
 * operators' load; the level notices. Refreshed live (events) and every 30 s.
 */
import { ApiError, get } from '../api';
import { formatDateTime, formatDuration, h, replace } from '../dom';
import { onLive } from '../live';
import { definePage } from '../router';
import { channelName, PRESENCE_NAMES, ROLE_NAMES } from '../strings';

interface Requirement {
  operators?: number;
  phoneLines?: number;
  reserveOnCall: boolean;
}
interface Status {
  day: string;
  period: 'officeHours' | 'afterHours';
  countDay: number;
  count24h: number;
  projected?: number;
  projectedLevel?: number;
  level: number;
  levelName: string;
  required: Requirement;
  onShift: { operators: number; phoneLines: number; reserve: number; people: Array<{ id: string; displayName: string }> };
  gap: { operators: number; phoneLines: number; reserve: number };
  staffed: boolean;
  levels: Array<{ level: number; above: number; name: string }>;
}
interface Notice {
  id: string;
  at: string;
  kind: string;
  level: number;
  text: string;
}
interface Dashboard {
  now: string;
  status: Status;
  byHour: number[];
  byChannel: Array<{ channel: string; count: number }>;
  queue: { waiting: number; byUrgency: Record<string, number>; oldestWaitSeconds: number; averageWaitSeconds: number; held: number };
  operators: Array<{ id: string; displayName: string; role: string; presence: string; onShift: boolean; holding: number }>;
  urgentOpen: number;
  urgentOverdue: number;
  notices: Notice[];
}

const PERIOD_NAMES = { officeHours: 'giờ hành chính', afterHours: 'ngoài giờ hành chính' };
const NOTICE_NAMES: Record<string, string> = { risen: 'Tăng cấp độ', lowered: 'Giảm cấp độ', projected: 'Cảnh báo dự kiến' };
const LEVEL_COLOURS = ['#1e6b38', '#8a6d00', '#c2410c', '#b42318'];
const fmt = (n: number) => n.toLocaleString('vi-VN');

const SVG = 'http://www.w3.org/2000/svg';
function svg(tag: string, attrs: Record<string, string | number>, text?: string): SVGElement {
  const el = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, String(v));
  if (text !== undefined) el.textContent = text;
  return el;
}

/** Bars by hour: an SVG with a title and a text table beside it for screen readers. */
function hourChart(byHour: number[]): HTMLElement {
  const width = 720;
  const height = 180;
  const max = Math.max(1, ...byHour);
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height + 24}`, role: 'img', 'aria-labelledby': 'hour-chart-title', style: 'width:100%;max-width:720px;height:auto' });
  chart.appendChild(svg('title', { id: 'hour-chart-title' }, `Số tin theo giờ hôm nay: ${byHour.map((n, i) => `${i} giờ ${n}`).join(', ')}`));
  const slot = width / 24;
  byHour.forEach((n, i) => {
    const barHeight = (n / max) * (height - 16);
    chart.appendChild(svg('rect', { x: i * slot + 3, y: height - barHeight, width: slot - 6, height: barHeight, fill: '#2f7fd1' }));
    if (n) chart.appendChild(svg('text', { x: i * slot + slot / 2, y: height - barHeight - 3, 'text-anchor': 'middle', 'font-size': 11, fill: '#1a1f24' }, fmt(n)));
    chart.appendChild(svg('text', { x: i * slot + slot / 2, y: height + 16, 'text-anchor': 'middle', 'font-size': 11, fill: '#4d5866' }, String(i).padStart(2, '0')));
  });
  return h('figure', { class: 'dash-chart', style: 'margin:0' }, chart as unknown as Node);
}

function channelChart(byChannel: Dashboard['byChannel'], total: number): HTMLElement {
  if (!byChannel.length) return h('p', { class: 'hint' }, 'Chưa có tin nào hôm nay.');
  const max = Math.max(1, ...byChannel.map((c) => c.count));
  return h(
    'ul',
    { style: 'list-style:none;padding:0;margin:0;max-width:720px', 'aria-label': 'Số tin theo kênh hôm nay' },
    byChannel.map((c) =>
      h(
        'li',
        { style: 'display:grid;grid-template-columns:200px 1fr 110px;gap:.5rem;align-items:center;margin:.2rem 0' },
        h('span', {}, channelName(c.channel)),
        h('span', { style: `display:block;height:14px;background:#2f7fd1;width:${Math.max(1, (c.count / max) * 100)}%`, 'aria-hidden': 'true' }),
        h('span', {}, `${fmt(c.count)} (${total ? Math.round((c.count / total) * 100) : 0}%)`),
      ),
    ),
  );
}

function requirementText(r: Requirement): string {
  const parts = [r.operators !== undefined ? `${r.operators} tổng đài viên` : '', r.phoneLines !== undefined ? `${r.phoneLines} line điện thoại` : '', r.reserveOnCall ? 'dự phòng trực 24/7' : ''].filter(Boolean);
  return parts.length ? parts.join(', ') : 'không có yêu cầu tối thiểu';
}

function gauge(s: Status): HTMLElement {
  const last = s.levels[s.levels.length - 1];
  const scaleMax = Math.max(last.above * 1.25, s.count24h, s.projected ?? 0, 1);
  const segments = s.levels.map((l, i) => {
    const from = l.above;
    const to = s.levels[i + 1]?.above ?? scaleMax;
    const active = l.level === s.level;
    return h(
      'div',
      {
        class: `gauge-segment${active ? ' active' : ''}`,
        style: `flex:${Math.max(1, to - from)};background:${LEVEL_COLOURS[i] ?? '#555'};opacity:${active ? 1 : 0.35};color:#fff;padding:.35rem .5rem;font-weight:700;font-size:.85rem;white-space:nowrap;overflow:hidden`,
        'aria-current': active ? 'true' : null,
      },
      `Cấp ${l.level}`,
    );
  });
  const marker = (value: number, label: string, colour: string) =>
    h('div', { style: `position:absolute;left:${Math.min(100, (value / scaleMax) * 100)}%;top:-6px;bottom:-6px;border-left:3px solid ${colour}`, title: label, 'aria-hidden': 'true' });
  return h(
    'section',
    { class: 'level-gauge', 'aria-labelledby': 'gauge-title', style: 'background:#fff;border:1px solid #d5dbe1;border-radius:8px;padding:1rem;margin-bottom:1rem' },
    h('h2', { id: 'gauge-title' }, `Mức tiếp nhận: ${s.levelName}`),
    h(
      'div',
      { style: 'position:relative;margin:.75rem 0 1rem' },
      h('div', { style: 'display:flex;border-radius:6px;overflow:hidden' }, segments),
      marker(s.count24h, `${s.count24h} tin trong 24 giờ qua`, '#1a1f24'),
      s.projected !== undefined ? marker(s.projected, `dự kiến ${s.projected} tin`, '#0b5cad') : null,
    ),
    h(
      'p',
      { class: 'level-counts' },
      `${fmt(s.count24h)} tin trong 24 giờ qua · ${fmt(s.countDay)} tin hôm nay · dự kiến cả ngày: `,
      s.projected !== undefined ? h('strong', {}, `${fmt(s.projected)} tin (cấp độ ${s.projectedLevel})`) : 'chưa đủ dữ liệu',
    ),
    h(
      'p',
      { class: s.staffed ? 'staffing ok' : 'staffing short', style: `font-weight:600;color:${s.staffed ? '#1e6b38' : '#b42318'}` },
      `Cần (${PERIOD_NAMES[s.period]}): ${requirementText(s.required)}. Đang trong ca: ${s.onShift.operators} tổng đài viên, ${s.onShift.phoneLines} line, ${s.onShift.reserve} dự phòng.`,
      s.staffed ? ' Đáp ứng yêu cầu.' : ` Còn thiếu: ${[s.gap.operators ? `${s.gap.operators} tổng đài viên` : '', s.gap.phoneLines ? `${s.gap.phoneLines} line` : '', s.gap.reserve ? 'dự phòng' : ''].filter(Boolean).join(', ')}.`,
    ),
  );
}

function card(label: string, value: string, warn = false): HTMLElement {
  return h(
    'div',
    { class: 'dash-card', style: `background:#fff;border:1px solid ${warn ? '#b42318' : '#d5dbe1'};border-radius:8px;padding:.6rem .8rem;min-width:150px` },
    h('div', { class: 'hint', style: 'margin:0' }, label),
    h('div', { style: `font-size:1.5rem;font-weight:700;color:${warn ? '#b42318' : '#1a1f24'}` }, value),
  );
}

export default definePage({
  id: 'dashboard',
  title: 'Tổng quan',
  roles: ['supervisor', 'admin'],
  order: 20,
  render(root) {
    const body = h('div', {}, h('p', { class: 'hint', role: 'status' }, 'Đang tải…'));
    const updated = h('p', { class: 'hint', 'aria-live': 'off' });
    replace(root, h('div', { class: 'page dashboard', style: 'max-width:1200px' }, h('h1', {}, 'Tổng quan'), updated, body));
    let timer: ReturnType<typeof setTimeout> | undefined;
    let pending: ReturnType<typeof setTimeout> | undefined;
    let destroyed = false;

    function show(d: Dashboard): void {
      const s = d.status;
      const latest = d.notices[0];
      replace(
        body,
        latest ? h('div', { class: 'level-notice', role: 'status', style: 'background:#fff3c4;color:#5c4400;padding:.6rem 1rem;border-radius:6px;margin-bottom:1rem;font-weight:600' }, `${formatDateTime(latest.at)} — ${latest.text}`) : null,
        gauge(s),
        h(
          'div',
          { class: 'dash-cards', style: 'display:flex;flex-wrap:wrap;gap:.75rem;margin-bottom:1rem' },
          card('Tin hôm nay', fmt(s.countDay)),
          card('Tin 24 giờ qua', fmt(s.count24h)),
          card('Đang chờ tổng đài viên', fmt(d.queue.waiting), d.queue.byUrgency.urgent + d.queue.byUrgency.emergency > 0),
          card('Chờ lâu nhất', formatDuration(d.queue.oldestWaitSeconds * 1000)),
          card('Thời gian chờ trung bình', formatDuration(d.queue.averageWaitSeconds * 1000)),
          card('Đang được xử lý', fmt(d.queue.held)),
          card('Ca khẩn chưa đóng', fmt(d.urgentOpen), d.urgentOverdue > 0),
        ),
        h('section', { 'aria-labelledby': 'by-hour-title' }, h('h2', { id: 'by-hour-title' }, 'Số tin theo giờ hôm nay'), hourChart(d.byHour)),
        h('section', { 'aria-labelledby': 'by-channel-title', style: 'margin:1rem 0' }, h('h2', { id: 'by-channel-title' }, 'Số tin theo kênh hôm nay'), channelChart(d.byChannel, s.countDay)),
        h(
          'section',
          { 'aria-labelledby': 'operators-title' },
          h('h2', { id: 'operators-title' }, 'Tổng đài viên'),
          h(
            'table',
            { class: 'table' },
            h('thead', {}, h('tr', {}, ['Họ tên', 'Vai trò', 'Trạng thái', 'Trong ca', 'Đang xử lý'].map((t) => h('th', { scope: 'col' }, t)))),
            h(
              'tbody',
              {},
              d.operators.map((o) => h('tr', {}, h('td', {}, o.displayName), h('td', {}, ROLE_NAMES[o.role] ?? o.role), h('td', {}, PRESENCE_NAMES[o.presence] ?? o.presence), h('td', {}, o.onShift ? 'Có' : 'Không'), h('td', {}, fmt(o.holding)))),
            ),
          ),
        ),
        h(
          'section',
          { 'aria-labelledby': 'notices-title' },
          h('h2', { id: 'notices-title' }, 'Thông báo thay đổi cấp độ'),
          d.notices.length
            ? h('ul', {}, d.notices.map((n) => h('li', {}, `${formatDateTime(n.at)} · ${NOTICE_NAMES[n.kind] ?? n.kind}: ${n.text}`)))
            : h('p', { class: 'hint' }, 'Chưa có thay đổi cấp độ.'),
        ),
      );
      updated.textContent = `Cập nhật lúc ${formatDateTime(d.now)}`;
    }

    async function load(): Promise<void> {
      if (timer) clearTimeout(timer);
      try {
        show(await get<Dashboard>('/api/dashboard'));
      } catch (err) {
        replace(body, h('p', { class: 'form-error', role: 'alert' }, err instanceof ApiError ? err.message : 'Không tải được số liệu.'));
      }
      if (!destroyed) timer = setTimeout(() => void load(), 30_000);
    }
    /** Many events in a burst cause one reload. */
    const soon = () => {
      if (pending) return;
      pending = setTimeout(() => {
        pending = undefined;
        void load();
      }, 1500);
    };
    const offs = ['banner', 'conversation.updated', 'message.created', 'case.updated', 'presence.updated', 'resync'].map((type) => onLive(type, soon));
    void load();
    return {
      destroy() {
        destroyed = true;
        if (timer) clearTimeout(timer);
        if (pending) clearTimeout(pending);
        for (const off of offs) off();
      },
    };
  },
});
