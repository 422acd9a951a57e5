/**
 * The daily report as a PDF to file (pdfkit): A4 portrait, an embedded Unicode font for Vietnamese (DejaVu Sans by
 * default), charts drawn with pdfkit's own shapes (requests by hour, by channel, the last 8 days), then the tables.
 */
import fs from 'node:fs';
import path from 'node:path';
import PDFDocument from 'pdfkit';
import { changeText, type DailyReportData } from './dailyReport';
import type { ReportLabels } from './labels';

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export class MissingFontError extends Error {}

/** The regular font and its bold sibling (…-Bold.ttf beside it, else the regular one). */
export function reportFonts(fontFile: string = DEFAULT_FONT): { regular: string; bold: string } {
  if (!fs.existsSync(fontFile)) {
    throw new MissingFontError(
      `The PDF report needs a Unicode TrueType font for Vietnamese, but ${fontFile} does not exist. ` +
        'Install Debian\'s fonts-dejavu-core (apt-get install fonts-dejavu-core) or set REPORT_FONT to a .ttf file.',
    );
  }
  const bold = fontFile.replace(/\.ttf$/i, '-Bold.ttf');
  return { regular: fontFile, bold: fs.existsSync(bold) ? bold : fontFile };
}

type Doc = PDFKit.PDFDocument;

const PAGE = { width: 595.28, height: 841.89, margin: 42 };
const CONTENT_WIDTH = PAGE.width - 2 * PAGE.margin;
const BOTTOM = PAGE.height - PAGE.margin - 18;
const COLOURS = { primary: '#0b5cad', bar: '#2f7fd1', barAlt: '#9bbce3', grid: '#d5dbe1', text: '#1a1f24', muted: '#4d5866', short: '#b42318', ok: '#1e6b38', head: '#e8eef5' };

export async function reportToPdf(data: DailyReportData, l: ReportLabels, fontFile?: string): Promise<Buffer> {
  const fonts = reportFonts(fontFile);
  const t = l.t;
  const doc = new PDFDocument({ size: 'A4', margin: PAGE.margin, bufferPages: true, info: { Title: `${t('report.title')} — ${l.date(data.day)}`, Author: t('report.subtitle') } });
  doc.registerFont('regular', fonts.regular);
  doc.registerFont('bold', fonts.bold);
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  // Header
  doc.font('regular').fontSize(10).fillColor(COLOURS.muted).text(t('report.subtitle').toUpperCase(), { align: 'center' });
  doc.moveDown(0.4);
  doc.font('bold').fontSize(15).fillColor(COLOURS.primary).text(t('report.title'), { align: 'center' });
  doc.font('regular').fontSize(11).fillColor(COLOURS.text).text(t('report.day', { day: l.date(data.day) }), { align: 'center' });
  doc.fontSize(8.5).fillColor(COLOURS.muted).text(t('report.generated', { time: l.dateTime(data.generatedAt) }), { align: 'center' });
  doc.moveDown(0.8);

  // Key figures
  heading(doc, t('report.section.summary'));
  const figures: Array<[string, string]> = [
    [t('report.total'), fmt(data.total)],
    [t('report.handled.bot'), withShare(data.handling.bot, data.total)],
    [t('report.handled.operator'), withShare(data.handling.operator, data.total)],
    [t('report.handled.forwarded'), withShare(data.handling.forwarded, data.total)],
    [t('report.handled.unanswered'), withShare(data.handling.unanswered, data.total)],
    [t('report.section.urgent'), t('report.urgent.count', { urgent: data.urgent.urgent, emergency: data.urgent.emergency })],
    [t('report.staffing.levelReached'), data.level.name],
  ];
  keyValues(doc, figures);
  doc.font('regular').fontSize(9).fillColor(COLOURS.text).text(
    t('report.comparison.line', { previous: fmt(data.comparison.previous), changePrevious: changeText(data.total, data.comparison.previous), avg7: fmt(data.comparison.avg7), changeAvg: changeText(data.total, data.comparison.avg7) }),
    PAGE.margin,
    doc.y + 4,
    { width: CONTENT_WIDTH },
  );
  doc.moveDown(0.8);

  // Charts
  heading(doc, t('report.chart.byHour'));
  columnChart(doc, data.byHour.map((n, h) => ({ label: String(h).padStart(2, '0'), value: n })), 150);
  heading(doc, t('report.chart.byChannel'));
  barChart(doc, data.byChannel.map((c) => ({ label: l.channel(c.channel), value: c.count })), data.total);

  heading(doc, t('report.section.comparison'));
  columnChart(
    doc,
    [...data.comparison.days.map((d) => ({ label: l.date(d.day).slice(0, 5), value: d.count })), { label: l.date(data.day).slice(0, 5), value: data.total, highlight: true }],
    110,
  );

  // Tables
  heading(doc, t('report.section.byTopic'));
  tableOf(doc, [t('report.topic'), t('report.count'), t('report.share')], [360, 70, CONTENT_WIDTH - 430], data.byTopic.length ? data.byTopic.map((x) => [l.topic(x.topic), fmt(x.count), pct(x.count, data.total)]) : [[t('report.noData'), '', '']], [false, true, true]);

  heading(doc, t('report.section.urgent'));
  if (!data.urgent.cases.length) note(doc, t('report.urgent.none'));
  else {
    note(doc, `${t('report.urgent.count', { urgent: data.urgent.urgent, emergency: data.urgent.emergency })}. ${t('report.urgent.avgAck')}: ${l.minutes(data.urgent.avgAckMinutes)}. ${t('report.urgent.avgHandover')}: ${l.minutes(data.urgent.avgHandoverMinutes)}. ${t('report.urgent.lateAck', { minutes: data.urgent.ackSlaMinutes })}: ${data.urgent.lateAcks}.`);
    tableOf(
      doc,
      [t('report.urgent.code'), t('report.urgent.level'), t('report.urgent.created'), t('report.urgent.ackTime'), t('report.urgent.handoverTime'), t('report.urgent.agency')],
      [62, 52, 70, 70, 78, CONTENT_WIDTH - 332],
      data.urgent.cases.map((c) => [c.code, l.level(c.level), l.dateTime(c.createdAt).slice(0, 5), l.minutes(c.ackMinutes), l.minutes(c.handoverMinutes), c.agency]),
      [false, false, false, true, true, false],
    );
  }

  heading(doc, t('report.section.forwarded'));
  if (!data.forwarded.length && !data.overdueForwards.length) note(doc, t('report.forward.none'));
  const forwardTable = (rows: DailyReportData['forwarded']) =>
    tableOf(
      doc,
      [t('report.forward.code'), t('report.forward.agency'), t('report.forward.due'), t('report.forward.status'), t('report.forward.overdue')],
      [62, 170, 80, CONTENT_WIDTH - 362, 50],
      rows.map((r) => [r.code, r.agency, l.dateTime(r.dueAt), l.caseStatus(r.status), r.overdue ? t('report.yes') : t('report.no')]),
      [false, false, false, false, false],
    );
  if (data.forwarded.length) forwardTable(data.forwarded);
  if (data.overdueForwards.length) {
    note(doc, t('report.forward.overdueList'));
    forwardTable(data.overdueForwards);
  }

  heading(doc, t('report.section.unanswered'));
  if (!data.unanswered.count) note(doc, t('report.unanswered.none'));
  else {
    const shown = data.unanswered.rows.slice(0, 15);
    tableOf(doc, [t('report.channel'), t('report.unanswered.received'), t('report.unanswered.state')], [200, 110, CONTENT_WIDTH - 310], shown.map((r) => [l.channel(r.channel), l.dateTime(r.receivedAt), l.state(r.state)]), [false, false, false]);
    if (data.unanswered.count > shown.length) note(doc, t('report.unanswered.more', { n: data.unanswered.count - shown.length }));
  }

  heading(doc, t('report.section.staffing'));
  note(doc, `${t('report.staffing.levelReached')}: ${data.level.name} — ${fmt(data.total)} ${t('report.count').toLowerCase()}.`);
  const staffRows: string[][] = [];
  for (const row of data.staffing) {
    const period = capitalise(t(`period.${row.period}`));
    staffRows.push([period, t('report.staffing.operators'), row.required.operators === undefined ? '—' : String(row.required.operators), String(row.actual.operators), row.gap.operators ? t('report.staffing.short') : t('report.staffing.ok')]);
    if (row.required.phoneLines !== undefined || row.actual.phoneLines) staffRows.push([period, t('report.staffing.phoneLines'), row.required.phoneLines === undefined ? '—' : String(row.required.phoneLines), String(row.actual.phoneLines), row.gap.phoneLines ? t('report.staffing.short') : t('report.staffing.ok')]);
    if (row.required.reserveOnCall || row.actual.reserve) staffRows.push([period, t('report.staffing.reserve'), row.required.reserveOnCall ? t('report.yes') : '—', String(row.actual.reserve), row.gap.reserve ? t('report.staffing.short') : t('report.staffing.ok')]);
  }
  tableOf(doc, [t('report.staffing.period'), '', t('report.staffing.required'), t('report.staffing.actual'), t('report.staffing.result')], [120, 130, 70, 100, CONTENT_WIDTH - 420], staffRows, [false, false, true, true, false]);
  if (data.level.notices.length) {
    note(doc, t('report.staffing.notices'));
    for (const n of data.level.notices) note(doc, `• ${l.dateTime(n.at).slice(0, 5)} — ${t(`report.notice.${n.kind}`, { level: n.level })} (${fmt(n.count24h)}/24h${n.projected !== null ? `; ${fmt(n.projected)}` : ''})`);
  } else note(doc, t('report.staffing.noNotice'));

  // Page numbers
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    // Writing below the bottom margin would make pdfkit start a new page.
    doc.page.margins.bottom = 0;
    doc.font('regular').fontSize(8).fillColor(COLOURS.muted).text(`${l.date(data.day)} · ${i + 1}/${range.count}`, PAGE.margin, PAGE.height - PAGE.margin + 6, { width: CONTENT_WIDTH, align: 'right', lineBreak: false });
  }
  doc.end();
  return done;
}

const fmt = (n: number): string => n.toLocaleString('vi-VN');
const capitalise = (s: string): string => s.charAt(0).toLocaleUpperCase('vi-VN') + s.slice(1);
const pct = (n: number, total: number): string => (total ? `${(Math.round((n / total) * 1000) / 10).toLocaleString('vi-VN')}%` : '—');
const withShare = (n: number, total: number): string => `${fmt(n)} (${pct(n, total)})`;

function ensureSpace(doc: Doc, height: number): void {
  if (doc.y + height > BOTTOM) doc.addPage();
}

function heading(doc: Doc, text: string): void {
  ensureSpace(doc, 60);
  doc.moveDown(0.3);
  const y = doc.y;
  doc.font('bold').fontSize(11.5).fillColor(COLOURS.primary).text(text, PAGE.margin, y, { width: CONTENT_WIDTH });
  doc.moveTo(PAGE.margin, doc.y + 1).lineTo(PAGE.margin + CONTENT_WIDTH, doc.y + 1).lineWidth(0.6).strokeColor(COLOURS.grid).stroke();
  doc.y += 5;
}

function note(doc: Doc, text: string): void {
  ensureSpace(doc, 16);
  doc.font('regular').fontSize(9).fillColor(COLOURS.text).text(text, PAGE.margin, doc.y, { width: CONTENT_WIDTH });
  doc.y += 3;
}

function keyValues(doc: Doc, rows: Array<[string, string]>): void {
  const labelWidth = 250;
  for (const [k, v] of rows) {
    ensureSpace(doc, 16);
    const y = doc.y;
    doc.font('regular').fontSize(9.5).fillColor(COLOURS.muted).text(k, PAGE.margin, y, { width: labelWidth });
    doc.font('bold').fillColor(COLOURS.text).text(v, PAGE.margin + labelWidth, y, { width: CONTENT_WIDTH - labelWidth });
    doc.y = Math.max(doc.y, y + 14);
  }
}

/** Vertical bars with the value above each bar, the label below, and a light grid. */
function columnChart(doc: Doc, items: Array<{ label: string; value: number; highlight?: boolean }>, height: number): void {
  ensureSpace(doc, height + 40);
  const top = doc.y + 12;
  const left = PAGE.margin + 28;
  const width = CONTENT_WIDTH - 28;
  const max = Math.max(1, ...items.map((i) => i.value));
  // Four grid steps of a round, whole number of requests.
  const scaleMax = 4 * Math.max(1, niceCeiling(max / 4));
  doc.lineWidth(0.5);
  for (let g = 0; g <= 4; g++) {
    const y = top + height - (height * g) / 4;
    doc.moveTo(left, y).lineTo(left + width, y).strokeColor(COLOURS.grid).stroke();
    doc.font('regular').fontSize(7).fillColor(COLOURS.muted).text(fmt((scaleMax * g) / 4), PAGE.margin, y - 4, { width: 24, align: 'right', lineBreak: false });
  }
  const slot = width / items.length;
  const barWidth = Math.max(3, slot * 0.7);
  items.forEach((item, i) => {
    const barHeight = (item.value / scaleMax) * height;
    const x = left + i * slot + (slot - barWidth) / 2;
    if (barHeight > 0) doc.rect(x, top + height - barHeight, barWidth, barHeight).fillColor(item.highlight ? COLOURS.primary : COLOURS.bar).fill();
    if (item.value > 0) doc.font('regular').fontSize(6.5).fillColor(COLOURS.text).text(fmt(item.value), x - 6, top + height - barHeight - 9, { width: barWidth + 12, align: 'center', lineBreak: false });
    doc.font('regular').fontSize(7).fillColor(COLOURS.muted).text(item.label, x - 8, top + height + 3, { width: barWidth + 16, align: 'center', lineBreak: false });
  });
  doc.x = PAGE.margin;
  doc.y = top + height + 18;
}

/** Horizontal bars, one per row, with label and value. */
function barChart(doc: Doc, items: Array<{ label: string; value: number }>, total: number): void {
  if (!items.length) {
    note(doc, '—');
    return;
  }
  const labelWidth = 170;
  const rowHeight = 15;
  ensureSpace(doc, items.length * rowHeight + 14);
  const top = doc.y + 4;
  const max = Math.max(1, ...items.map((i) => i.value));
  const barMax = CONTENT_WIDTH - labelWidth - 80;
  items.forEach((item, i) => {
    const y = top + i * rowHeight;
    doc.font('regular').fontSize(8.5).fillColor(COLOURS.text).text(item.label, PAGE.margin, y + 2, { width: labelWidth - 6, lineBreak: false, ellipsis: true });
    const w = (item.value / max) * barMax;
    if (w > 0) doc.rect(PAGE.margin + labelWidth, y + 1, w, rowHeight - 4).fillColor(COLOURS.bar).fill();
    doc.font('regular').fontSize(8).fillColor(COLOURS.text).text(`${fmt(item.value)} (${pct(item.value, total)})`, PAGE.margin + labelWidth + w + 4, y + 2, { width: 80, lineBreak: false });
  });
  doc.x = PAGE.margin;
  doc.y = top + items.length * rowHeight + 8;
}

/** A table with a shaded header row, repeated on a new page; text wraps inside its column. */
function tableOf(doc: Doc, header: string[], widths: number[], rows: string[][], numeric: boolean[]): void {
  const padding = 3;
  const drawRow = (cells: string[], bold: boolean, shade?: string) => {
    doc.font(bold ? 'bold' : 'regular').fontSize(8.5);
    const height = Math.max(...cells.map((c, i) => doc.heightOfString(c || ' ', { width: widths[i] - 2 * padding }))) + 2 * padding;
    if (doc.y + height > BOTTOM) {
      doc.addPage();
      if (!bold) drawRow(header, true, COLOURS.head);
    }
    const y = doc.y;
    if (shade) doc.rect(PAGE.margin, y, CONTENT_WIDTH, height).fillColor(shade).fill();
    let x = PAGE.margin;
    cells.forEach((c, i) => {
      doc.font(bold ? 'bold' : 'regular').fontSize(8.5).fillColor(COLOURS.text).text(c, x + padding, y + padding, { width: widths[i] - 2 * padding, align: numeric[i] ? 'right' : 'left' });
      x += widths[i];
    });
    doc.moveTo(PAGE.margin, y + height).lineTo(PAGE.margin + CONTENT_WIDTH, y + height).lineWidth(0.4).strokeColor(COLOURS.grid).stroke();
    doc.x = PAGE.margin;
    doc.y = y + height;
  };
  ensureSpace(doc, 40);
  drawRow(header, true, COLOURS.head);
  for (const r of rows) drawRow(r, false);
  doc.y += 6;
}

function niceCeiling(n: number): number {
  const magnitude = 10 ** Math.floor(Math.log10(n));
  for (const step of [1, 2, 3, 4, 5, 6, 8, 10]) if (step * magnitude >= n) return step * magnitude;
  return 10 * magnitude;
}

export const fontDirectory = (fontFile: string = DEFAULT_FONT): string => path.dirname(fontFile);
