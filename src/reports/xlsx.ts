/**
 * The daily report as an XLSX workbook (exceljs): a summary sheet, then one sheet per table, numbers as numbers so
 * the office can sum and chart them, headers bold and frozen.
 */
import ExcelJS from 'exceljs';
import { changeText, type DailyReportData, type ForwardRow } from './dailyReport';
import type { ReportLabels } from './labels';

export const SHEETS = {
  summary: 'Tổng hợp',
  byHour: 'Theo giờ',
  byChannel: 'Theo kênh',
  byTopic: 'Theo chủ đề',
  forwarded: 'Chuyển cơ quan',
  urgent: 'Khẩn cấp',
  unanswered: 'Chưa trả lời',
  staffing: 'Cấp độ và nhân lực',
} as const;

const share = (n: number, total: number): number => (total ? Math.round((n / total) * 1000) / 1000 : 0);

function table(sheet: ExcelJS.Worksheet, header: string[], rows: Array<Array<string | number | null>>, widths: number[]): void {
  const headerRow = sheet.addRow(header);
  headerRow.font = { bold: true };
  headerRow.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFE8EEF5' } };
  for (const r of rows) sheet.addRow(r);
  widths.forEach((w, i) => (sheet.getColumn(i + 1).width = w));
}

export async function reportToXlsx(data: DailyReportData, l: ReportLabels): Promise<Buffer> {
  const t = l.t;
  const wb = new ExcelJS.Workbook();
  wb.creator = t('report.subtitle');
  wb.created = new Date(data.generatedAt);

  // Summary
  const s = wb.addWorksheet(SHEETS.summary);
  s.addRow([t('report.title')]).font = { bold: true, size: 14 };
  s.addRow([t('report.subtitle')]);
  s.addRow([t('report.day', { day: l.date(data.day) })]);
  s.addRow([t('report.generated', { time: l.dateTime(data.generatedAt) })]);
  s.addRow([]);
  const summaryRows: Array<[string, string | number]> = [
    [t('report.total'), data.total],
    [t('report.handled.bot'), data.handling.bot],
    [t('report.handled.operator'), data.handling.operator],
    [t('report.handled.forwarded'), data.handling.forwarded],
    [t('report.handled.unanswered'), data.handling.unanswered],
    [t('report.level.urgent'), data.urgent.urgent],
    [t('report.level.emergency'), data.urgent.emergency],
    [t('report.forward.overdueList'), data.overdueForwards.length],
    [t('report.staffing.levelReached'), data.level.name],
    [t('report.comparison.previous'), data.comparison.previous],
    [t('report.comparison.avg7'), data.comparison.avg7],
    [`${t('report.comparison.change')} — ${t('report.comparison.previous')}`, changeText(data.total, data.comparison.previous)],
    [`${t('report.comparison.change')} — ${t('report.comparison.avg7')}`, changeText(data.total, data.comparison.avg7)],
  ];
  for (const [k, v] of summaryRows) s.addRow([k, v]).getCell(1).font = { bold: true };
  s.getColumn(1).width = 58;
  s.getColumn(2).width = 30;

  // By hour × channel
  const h = wb.addWorksheet(SHEETS.byHour, { views: [{ state: 'frozen', ySplit: 1 }] });
  const channels = data.byChannel.map((c) => c.channel);
  table(
    h,
    [t('report.hour'), ...channels.map((c) => l.channel(c)), t('report.total.row')],
    [
      ...data.byHour.map((n, hour) => [`${String(hour).padStart(2, '0')}:00–${String(hour + 1).padStart(2, '0')}:00`, ...data.byChannel.map((c) => c.byHour[hour]), n]),
      [t('report.total.row'), ...data.byChannel.map((c) => c.count), data.total],
    ],
    [16, ...channels.map(() => 18), 12],
  );
  h.lastRow!.font = { bold: true };

  // By channel
  const c = wb.addWorksheet(SHEETS.byChannel, { views: [{ state: 'frozen', ySplit: 1 }] });
  table(c, [t('report.channel'), t('report.count'), t('report.share')], [...data.byChannel.map((x) => [l.channel(x.channel), x.count, share(x.count, data.total)]), [t('report.total.row'), data.total, data.total ? 1 : 0]], [36, 12, 10]);
  c.getColumn(3).numFmt = '0.0%';
  c.lastRow!.font = { bold: true };

  // By topic
  const tp = wb.addWorksheet(SHEETS.byTopic, { views: [{ state: 'frozen', ySplit: 1 }] });
  table(tp, [t('report.topic'), t('report.count'), t('report.share')], [...data.byTopic.map((x) => [l.topic(x.topic), x.count, share(x.count, data.total)]), [t('report.total.row'), data.total, data.total ? 1 : 0]], [70, 12, 10]);
  tp.getColumn(3).numFmt = '0.0%';
  tp.lastRow!.font = { bold: true };

  // Forwarded
  const f = wb.addWorksheet(SHEETS.forwarded, { views: [{ state: 'frozen', ySplit: 1 }] });
  const forwardHeader = [t('report.forward.code'), t('report.forward.agency'), t('report.forward.created'), t('report.forward.due'), t('report.forward.status'), t('report.forward.overdue')];
  const forwardRow = (r: ForwardRow) => [r.code, r.agency, l.dateTime(r.createdAt), l.dateTime(r.dueAt), l.caseStatus(r.status), r.overdue ? t('report.yes') : t('report.no')];
  table(f, forwardHeader, data.forwarded.map(forwardRow), [14, 44, 18, 18, 30, 10]);
  f.addRow([]);
  f.addRow([t('report.forward.overdueList')]).font = { bold: true };
  f.addRow(forwardHeader).font = { bold: true };
  for (const r of data.overdueForwards) f.addRow(forwardRow(r));

  // Urgent
  const u = wb.addWorksheet(SHEETS.urgent, { views: [{ state: 'frozen', ySplit: 1 }] });
  table(
    u,
    [t('report.urgent.code'), t('report.urgent.level'), t('report.urgent.channel'), t('report.urgent.created'), t('report.urgent.ackTime'), t('report.urgent.handoverTime'), t('report.urgent.agency'), t('report.urgent.status')],
    data.urgent.cases.map((x) => [x.code, l.level(x.level), l.channel(x.channel), l.dateTime(x.createdAt), x.ackMinutes, x.handoverMinutes, x.agency, l.caseStatus(x.status)]),
    [14, 10, 26, 18, 16, 18, 44, 26],
  );
  u.addRow([]);
  u.addRow([t('report.urgent.avgAck'), data.urgent.avgAckMinutes]);
  u.addRow([t('report.urgent.avgHandover'), data.urgent.avgHandoverMinutes]);
  u.addRow([t('report.urgent.lateAck', { minutes: data.urgent.ackSlaMinutes }), data.urgent.lateAcks]);

  // Unanswered
  const n = wb.addWorksheet(SHEETS.unanswered, { views: [{ state: 'frozen', ySplit: 1 }] });
  table(n, [t('report.channel'), t('report.unanswered.received'), t('report.unanswered.state'), 'ID'], data.unanswered.rows.map((r) => [l.channel(r.channel), l.dateTime(r.receivedAt), l.state(r.state), r.conversationId]), [30, 18, 30, 40]);

  // Level and staffing
  const st = wb.addWorksheet(SHEETS.staffing);
  st.addRow([t('report.staffing.levelReached'), data.level.name, data.total]).font = { bold: true };
  st.addRow([]);
  const staffHeader = st.addRow([t('report.staffing.period'), '', t('report.staffing.required'), t('report.staffing.actual'), t('report.staffing.result')]);
  staffHeader.font = { bold: true };
  for (const row of data.staffing) {
    const label = t(`period.${row.period}`);
    const period = label.charAt(0).toLocaleUpperCase('vi-VN') + label.slice(1);
    st.addRow([period, t('report.staffing.operators'), row.required.operators ?? null, row.actual.operators, row.gap.operators ? t('report.staffing.short') : t('report.staffing.ok')]);
    st.addRow([period, t('report.staffing.phoneLines'), row.required.phoneLines ?? null, row.actual.phoneLines, row.gap.phoneLines ? t('report.staffing.short') : t('report.staffing.ok')]);
    st.addRow([period, t('report.staffing.reserve'), row.required.reserveOnCall ? 1 : null, row.actual.reserve, row.gap.reserve ? t('report.staffing.short') : t('report.staffing.ok')]);
  }
  st.addRow([]);
  st.addRow([t('report.staffing.notices')]).font = { bold: true };
  for (const x of data.level.notices) st.addRow([l.dateTime(x.at), t(`report.notice.${x.kind}`, { level: x.level }), x.level, x.count24h, x.projected]);
  st.addRow([]);
  st.addRow([t('report.section.comparison')]).font = { bold: true };
  for (const d of data.comparison.days) st.addRow([l.date(d.day), '', d.count]);
  st.addRow([l.date(data.day), t('report.comparison.today'), data.total]).font = { bold: true };
  [24, 24, 12, 18, 14].forEach((w, i) => (st.getColumn(i + 1).width = w));

  return Buffer.from(await wb.xlsx.writeBuffer());
}
