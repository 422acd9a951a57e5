/**
 * Daily reports: build one day's figures and files (XLSX, PDF with charts, HTML mail body), archive every report
 * made, mail it with both files attached, resend or download it on demand.
 */
import { audit } from '../store/audit';
import type { Clock } from '../store/clock';
import type { Executor } from '../store/executor';
import { json, newId, parseJson } from '../store/ids';
import { collectDailyReport, type DailyReportData } from './dailyReport';
import { reportSubject, reportToHtml, reportToText } from './emailBody';
import { ReportsError } from './errors';
import { reportLabels } from './labels';
import type { LevelRules, Texts } from './levelSettings';
import { reportToPdf } from './pdf';
import './schema';
import type { Topic } from './topics';
import { reportToXlsx } from './xlsx';

/** What sending a mail with attachments needs (channels/email createMailer() provides it). */
export interface ReportMailer {
  send(mail: { to: string[]; subject: string; text: string; html: string; attachments: Array<{ filename: string; content: Buffer; contentType: string }> }): Promise<unknown>;
}

export interface ReportServiceDeps {
  db: Executor;
  clock: Clock;
  timeZone: string;
  texts: Texts;
  topics(): Topic[];
  rules(): Promise<LevelRules>;
  agencyName(id: string | null): string;
  ackSlaMinutes: number;
  /** REPORT_RECIPIENTS */
  recipients: string[];
  mailer?: ReportMailer;
  fontFile?: string;
}

export interface BuiltReport {
  data: DailyReportData;
  subject: string;
  xlsx: Buffer;
  pdf: Buffer;
  html: string;
  text: string;
}

export interface ReportSummary {
  id: string;
  day: string;
  trigger: string;
  generatedAt: string;
  generatedBy: string | null;
  sentAt: string | null;
  sentTo: string[];
  sendCount: number;
  lastError: string | null;
  figures: { total: number; level: number; unanswered: number; urgent: number; emergency: number };
}

export type ReportFile = 'xlsx' | 'pdf' | 'html';
export const FILE_TYPES: Record<ReportFile, string> = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  pdf: 'application/pdf',
  html: 'text/html; charset=utf-8',
};

export const reportFileName = (day: string, kind: ReportFile): string => `bao-cao-tong-dai-1022-${day}.${kind}`;

export class ReportService {
  constructor(private deps: ReportServiceDeps) {}

  get recipients(): string[] {
    return this.deps.recipients;
  }

  async build(day: string): Promise<BuiltReport> {
    const rules = await this.deps.rules();
    const labels = reportLabels(this.deps.texts, this.deps.topics(), this.deps.timeZone);
    const data = await collectDailyReport({ db: this.deps.db, rules, timeZone: this.deps.timeZone, now: this.deps.clock.now(), ackSlaMinutes: this.deps.ackSlaMinutes, agencyName: this.deps.agencyName }, day);
    const [xlsx, pdf] = await Promise.all([reportToXlsx(data, labels), reportToPdf(data, labels, this.deps.fontFile)]);
    return { data, subject: reportSubject(data, labels), xlsx, pdf, html: reportToHtml(data, labels), text: reportToText(data, labels) };
  }

  /** Builds and archives a report; returns its summary. */
  async generate(day: string, trigger: 'scheduled' | 'manual', actorId: string | null = null): Promise<ReportSummary> {
    const built = await this.build(day);
    const at = this.deps.clock.now().toISOString();
    const d = built.data;
    const summary = { total: d.total, level: d.level.reached, unanswered: d.unanswered.count, urgent: d.urgent.urgent, emergency: d.urgent.emergency, subject: built.subject, text: built.text };
    const row = {
      id: newId(),
      day,
      trigger,
      generated_at: at,
      generated_by: actorId,
      summary: json(summary),
      xlsx: built.xlsx.toString('base64'),
      pdf: built.pdf.toString('base64'),
      html: built.html,
      sent_at: null,
      sent_to: null,
      send_count: 0,
      last_error: null,
    };
    await this.deps.db.transaction().execute(async (tx) => {
      await tx.insertInto('reports').values(row).execute();
      if (actorId) await audit(tx, { actorId, action: 'report.generate', targetType: 'report', targetId: row.id, detail: { day }, at });
    });
    return toSummary(row);
  }

  /** Mails an archived report with both files; records who it went to. Throws when it could not be sent. */
  async send(id: string, actorId: string | null = null, to: string[] = this.deps.recipients): Promise<ReportSummary> {
    const { db } = this.deps;
    const row = await db.selectFrom('reports').selectAll().where('id', '=', id).executeTakeFirst();
    if (!row) throw new ReportsError(404, 'not found', 'Không tìm thấy báo cáo.');
    if (!to.length) throw new ReportsError(409, 'no recipients', 'Chưa cấu hình người nhận báo cáo (REPORT_RECIPIENTS).');
    if (!this.deps.mailer) throw new ReportsError(409, 'no smtp', 'Chưa cấu hình máy chủ gửi thư (SMTP_URL).');
    const summary = parseJson<{ subject?: string; text?: string }>(row.summary, {});
    try {
      await this.deps.mailer.send({
        to,
        subject: summary.subject ?? row.day,
        text: summary.text ?? '',
        html: row.html,
        attachments: [
          { filename: reportFileName(row.day, 'xlsx'), content: Buffer.from(row.xlsx, 'base64'), contentType: FILE_TYPES.xlsx },
          { filename: reportFileName(row.day, 'pdf'), content: Buffer.from(row.pdf, 'base64'), contentType: FILE_TYPES.pdf },
        ],
      });
    } catch (err) {
      const reason = ((err as { response?: string; message?: string }).response ?? (err as Error).message ?? String(err)).slice(0, 500);
      await db.updateTable('reports').set({ last_error: reason }).where('id', '=', id).execute();
      throw new ReportsError(502, 'send failed', `Không gửi được báo cáo: ${reason}`);
    }
    const at = this.deps.clock.now().toISOString();
    await db.transaction().execute(async (tx) => {
      await tx.updateTable('reports').set((eb) => ({ sent_at: at, sent_to: json(to), send_count: eb('send_count', '+', 1), last_error: null })).where('id', '=', id).execute();
      if (actorId) await audit(tx, { actorId, action: 'report.send', targetType: 'report', targetId: id, detail: { day: row.day, to }, at });
    });
    return (await this.get(id))!;
  }

  async get(id: string): Promise<ReportSummary | undefined> {
    const row = await this.deps.db
      .selectFrom('reports')
      .select(['id', 'day', 'trigger', 'generated_at', 'generated_by', 'summary', 'sent_at', 'sent_to', 'send_count', 'last_error'])
      .where('id', '=', id)
      .executeTakeFirst();
    return row && toSummary(row);
  }

  async list(limit = 60): Promise<ReportSummary[]> {
    const rows = await this.deps.db
      .selectFrom('reports')
      .select(['id', 'day', 'trigger', 'generated_at', 'generated_by', 'summary', 'sent_at', 'sent_to', 'send_count', 'last_error'])
      .orderBy('day', 'desc')
      .orderBy('generated_at', 'desc')
      .limit(limit)
      .execute();
    return rows.map(toSummary);
  }

  async file(id: string, kind: ReportFile): Promise<{ day: string; content: Buffer } | undefined> {
    const row = await this.deps.db.selectFrom('reports').select(['day', kind]).where('id', '=', id).executeTakeFirst();
    if (!row) return undefined;
    const value = (row as Record<string, string>)[kind];
    return { day: row.day, content: kind === 'html' ? Buffer.from(value, 'utf8') : Buffer.from(value, 'base64') };
  }
}

function toSummary(r: { id: string; day: string; trigger: string; generated_at: string; generated_by: string | null; summary: string; sent_at: string | null; sent_to: string | null; send_count: number; last_error: string | null }): ReportSummary {
  const s = parseJson<Record<string, number>>(r.summary, {});
  return {
    id: r.id,
    day: r.day,
    trigger: r.trigger,
    generatedAt: r.generated_at,
    generatedBy: r.generated_by,
    sentAt: r.sent_at,
    sentTo: parseJson<string[]>(r.sent_to, []),
    sendCount: r.send_count,
    lastError: r.last_error,
    figures: { total: s.total ?? 0, level: s.level ?? 1, unanswered: s.unanswered ?? 0, urgent: s.urgent ?? 0, emergency: s.emergency ?? 0 },
  };
}
