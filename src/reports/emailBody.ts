/**
 * The daily report's mail: an HTML body (inline styles, every value escaped — topic titles, agency names and codes
 * come from data people typed) and a plain-text alternative with the same figures.
 */
import { changeText, type DailyReportData } from './dailyReport';
import type { ReportLabels } from './labels';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: unknown): string => String(value ?? '').replace(/[&<>"']/g, (c) => ESCAPES[c]);

const fmt = (n: number): string => n.toLocaleString('vi-VN');
const pct = (n: number, total: number): string => (total ? `${(Math.round((n / total) * 1000) / 10).toLocaleString('vi-VN')}%` : '—');

const CELL = 'border:1px solid #d5dbe1;padding:4px 8px;';
const HEAD = `${CELL}background:#e8eef5;text-align:left;`;
const NUM = `${CELL}text-align:right;`;

function table(header: string[], rows: Array<Array<string | number>>, numeric: boolean[] = []): string {
  const th = header.map((h) => `<th style="${HEAD}">${escapeHtml(h)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${r.map((c, i) => `<td style="${numeric[i] ? NUM : CELL}">${escapeHtml(typeof c === 'number' ? fmt(c) : c)}</td>`).join('')}</tr>`)
    .join('');
  return `<table style="border-collapse:collapse;margin:6px 0 14px;font-size:14px"><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table>`;
}

const h2 = (text: string) => `<h2 style="font-size:16px;color:#0b5cad;margin:18px 0 4px">${escapeHtml(text)}</h2>`;
const p = (text: string) => `<p style="margin:4px 0">${escapeHtml(text)}</p>`;

export function reportSubject(data: DailyReportData, l: ReportLabels): string {
  return l.t('report.subject', { day: l.date(data.day) });
}

export function reportToHtml(data: DailyReportData, l: ReportLabels): string {
  const t = l.t;
  const parts: string[] = [];
  parts.push(`<h1 style="font-size:18px;color:#0b5cad;margin:0 0 2px">${escapeHtml(t('report.title'))}</h1>`);
  parts.push(p(`${t('report.subtitle')} — ${t('report.day', { day: l.date(data.day) })}`));
  parts.push(p(t('report.intro', { day: l.date(data.day) })));

  parts.push(h2(t('report.section.summary')));
  parts.push(
    table(
      [t('report.section.summary'), t('report.count'), t('report.share')],
      [
        [t('report.total'), data.total, ''],
        [t('report.handled.bot'), data.handling.bot, pct(data.handling.bot, data.total)],
        [t('report.handled.operator'), data.handling.operator, pct(data.handling.operator, data.total)],
        [t('report.handled.forwarded'), data.handling.forwarded, pct(data.handling.forwarded, data.total)],
        [t('report.handled.unanswered'), data.handling.unanswered, pct(data.handling.unanswered, data.total)],
      ],
      [false, true, true],
    ),
  );
  parts.push(p(t('report.comparison.line', { previous: fmt(data.comparison.previous), changePrevious: changeText(data.total, data.comparison.previous), avg7: fmt(data.comparison.avg7), changeAvg: changeText(data.total, data.comparison.avg7) })));

  parts.push(h2(t('report.section.byChannel')));
  parts.push(table([t('report.channel'), t('report.count'), t('report.share')], data.byChannel.map((c) => [l.channel(c.channel), c.count, pct(c.count, data.total)]), [false, true, true]));

  parts.push(h2(t('report.section.byHour')));
  const busy = data.byHour.map((n, h) => ({ h, n })).filter((x) => x.n > 0);
  parts.push(busy.length ? table([t('report.hour'), t('report.count')], busy.map((x) => [`${String(x.h).padStart(2, '0')}:00–${String(x.h + 1).padStart(2, '0')}:00`, x.n]), [false, true]) : p(t('report.noData')));

  parts.push(h2(t('report.section.byTopic')));
  parts.push(data.byTopic.length ? table([t('report.topic'), t('report.count')], data.byTopic.map((x) => [l.topic(x.topic), x.count]), [false, true]) : p(t('report.noData')));

  parts.push(h2(t('report.section.urgent')));
  if (!data.urgent.cases.length) parts.push(p(t('report.urgent.none')));
  else {
    parts.push(p(`${t('report.urgent.count', { urgent: data.urgent.urgent, emergency: data.urgent.emergency })}. ${t('report.urgent.avgAck')}: ${l.minutes(data.urgent.avgAckMinutes)}. ${t('report.urgent.avgHandover')}: ${l.minutes(data.urgent.avgHandoverMinutes)}.`));
    parts.push(
      table(
        [t('report.urgent.code'), t('report.urgent.level'), t('report.urgent.created'), t('report.urgent.ackTime'), t('report.urgent.handoverTime'), t('report.urgent.agency')],
        data.urgent.cases.map((c) => [c.code, l.level(c.level), l.dateTime(c.createdAt), l.minutes(c.ackMinutes), l.minutes(c.handoverMinutes), c.agency]),
      ),
    );
  }

  parts.push(h2(t('report.section.forwarded')));
  if (!data.forwarded.length && !data.overdueForwards.length) parts.push(p(t('report.forward.none')));
  const forwardRows = (rows: DailyReportData['forwarded']) => rows.map((r) => [r.code, r.agency, l.dateTime(r.dueAt), l.caseStatus(r.status), r.overdue ? t('report.yes') : t('report.no')]);
  const forwardHeader = [t('report.forward.code'), t('report.forward.agency'), t('report.forward.due'), t('report.forward.status'), t('report.forward.overdue')];
  if (data.forwarded.length) parts.push(table(forwardHeader, forwardRows(data.forwarded)));
  if (data.overdueForwards.length) {
    parts.push(p(t('report.forward.overdueList')));
    parts.push(table(forwardHeader, forwardRows(data.overdueForwards)));
  }

  parts.push(h2(t('report.section.unanswered')));
  parts.push(p(data.unanswered.count ? `${t('report.handled.unanswered')}: ${fmt(data.unanswered.count)}` : t('report.unanswered.none')));

  parts.push(h2(t('report.section.staffing')));
  parts.push(p(`${t('report.staffing.levelReached')}: ${data.level.name}`));
  parts.push(
    table(
      [t('report.staffing.period'), t('report.staffing.required'), t('report.staffing.actual'), t('report.staffing.result')],
      data.staffing.map((s) => [
        t(`period.${s.period}`),
        [s.required.operators !== undefined ? `${s.required.operators} ${t('report.staffing.operators').toLowerCase()}` : '', s.required.phoneLines !== undefined ? `${s.required.phoneLines} ${t('report.staffing.phoneLines').toLowerCase()}` : '', s.required.reserveOnCall ? t('report.staffing.reserve').toLowerCase() : ''].filter(Boolean).join(', ') || '—',
        `${s.actual.operators} / ${s.actual.phoneLines} / ${s.actual.reserve}`,
        s.ok ? t('report.staffing.ok') : t('report.staffing.short'),
      ]),
    ),
  );
  parts.push(`<p style="margin:14px 0 0;color:#4d5866">${escapeHtml(t('report.attachments'))}</p>`);
  return `<!doctype html><html lang="vi"><head><meta charset="utf-8"><title>${escapeHtml(reportSubject(data, l))}</title></head><body style="font-family:Arial,Helvetica,sans-serif;color:#1a1f24;font-size:14px;line-height:1.45">${parts.join('\n')}</body></html>`;
}

export function reportToText(data: DailyReportData, l: ReportLabels): string {
  const t = l.t;
  const lines = [
    t('report.title'),
    `${t('report.subtitle')} — ${t('report.day', { day: l.date(data.day) })}`,
    '',
    t('report.intro', { day: l.date(data.day) }),
    '',
    `${t('report.total')}: ${fmt(data.total)}`,
    `${t('report.handled.bot')}: ${fmt(data.handling.bot)}`,
    `${t('report.handled.operator')}: ${fmt(data.handling.operator)}`,
    `${t('report.handled.forwarded')}: ${fmt(data.handling.forwarded)}`,
    `${t('report.handled.unanswered')}: ${fmt(data.handling.unanswered)}`,
    `${t('report.section.urgent')}: ${t('report.urgent.count', { urgent: data.urgent.urgent, emergency: data.urgent.emergency })}`,
    `${t('report.staffing.levelReached')}: ${data.level.name}`,
    t('report.comparison.line', { previous: fmt(data.comparison.previous), changePrevious: changeText(data.total, data.comparison.previous), avg7: fmt(data.comparison.avg7), changeAvg: changeText(data.total, data.comparison.avg7) }),
    '',
    `${t('report.section.byChannel')}:`,
    ...data.byChannel.map((c) => `- ${l.channel(c.channel)}: ${fmt(c.count)}`),
    '',
    t('report.attachments'),
  ];
  return lines.join('\n');
}
