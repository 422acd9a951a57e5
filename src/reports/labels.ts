/** The Vietnamese names the report files use (texts in knowledge-base/levels.yaml, topic titles from the KB). */
import type { Texts } from './levelSettings';
import { displayDate, displayDateTime } from './localTime';
import type { Topic } from './topics';

export interface ReportLabels {
  t: Texts;
  channel(c: string | null): string;
  topic(id: string): string;
  caseStatus(s: string): string;
  state(s: string): string;
  level(l: string): string;
  date(day: string): string;
  dateTime(at: string | null): string;
  minutes(n: number | null): string;
}

export function reportLabels(t: Texts, topics: Topic[], timeZone: string): ReportLabels {
  const titles = new Map(topics.map((x) => [x.id, x.title]));
  const lookup = (prefix: string, key: string | null) => {
    if (!key) return '—';
    const full = `${prefix}${key}`;
    const text = t(full);
    return text === full ? key : text;
  };
  return {
    t,
    channel: (c) => lookup('channel.', c),
    topic: (id) => titles.get(id) ?? (id === 'khai-bao-y-te' ? t('report.topic.declaration') : id),
    caseStatus: (s) => lookup('report.status.', s),
    state: (s) => lookup('report.state.', s),
    level: (l) => lookup('report.level.', l),
    date: displayDate,
    dateTime: (at) => (at ? displayDateTime(at, timeZone) : '—'),
    minutes: (n) => (n === null ? t('report.urgent.pending') : t('report.minutes', { n: n.toLocaleString('vi-VN') })),
  };
}
