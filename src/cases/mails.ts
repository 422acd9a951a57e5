/** The contents of the mail a case sends: to the agency, the update, the escalation, the forwarded question. */
import type { Executor } from '../store/executor';
import type { AgencyContact } from './agencies';
import { formatLocal } from './localTime';
import type { Case } from './model';
import type { CaseTexts } from './texts';

export interface MailContent {
  subject: string;
  body: string;
}

export interface MailContext {
  texts: CaseTexts;
  timeZone: string;
}

const TRANSCRIPT_MESSAGES = 10;
const TRANSCRIPT_CHARS = 300;

/** The citizen's last messages of the conversation, one line each with its local time. */
export async function citizenTranscript(db: Executor, conversationId: string | null, timeZone: string): Promise<string> {
  if (!conversationId) return '';
  const rows = await db
    .selectFrom('messages')
    .select(['text', 'created_at'])
    .where('conversation_id', '=', conversationId)
    .where('direction', '=', 'in')
    .where('author', '=', 'citizen')
    .orderBy('created_at', 'desc')
    .orderBy('id', 'desc')
    .limit(TRANSCRIPT_MESSAGES)
    .execute();
  return rows
    .reverse()
    .filter((r) => r.text.trim())
    .map((r) => {
      const text = r.text.replace(/\s+/g, ' ').trim();
      return `- ${formatLocal(r.created_at, timeZone)}: ${text.length > TRANSCRIPT_CHARS ? `${text.slice(0, TRANSCRIPT_CHARS)}…` : text}`;
    })
    .join('\n');
}

export function levelName(ctx: MailContext, level: string): string {
  return level === 'emergency' || level === 'urgent' ? ctx.texts(`case.level.${level}`) : ctx.texts('case.unknown');
}

export function channelName(ctx: MailContext, channel: string | null): string {
  if (!channel) return ctx.texts('case.unknown');
  try {
    return ctx.texts(`case.channel.${channel}`);
  } catch {
    return channel;
  }
}

export function areaOf(c: Case, districtName?: string): string {
  return [c.details.commune, districtName ?? c.details.district].filter(Boolean).join(', ');
}

function summaryVars(ctx: MailContext, c: Case, agency: AgencyContact | undefined, transcript: string, districtName?: string) {
  const unknown = ctx.texts('case.unknown');
  return {
    agencyName: agency?.name ?? unknown,
    code: c.code,
    level: levelName(ctx, c.level),
    symptoms: c.symptoms.join(', ') || unknown,
    who: c.details.who || unknown,
    onset: c.details.onset || unknown,
    area: areaOf(c, districtName) || unknown,
    address: c.details.address || unknown,
    phone: c.details.phone || unknown,
    channel: channelName(ctx, c.channel),
    receivedAt: formatLocal(c.createdAt, ctx.timeZone),
    transcript: transcript || unknown,
  };
}

export function urgentMail(ctx: MailContext, c: Case, agency: AgencyContact | undefined, transcript: string, districtName?: string): MailContent {
  const vars = summaryVars(ctx, c, agency, transcript, districtName);
  return { subject: ctx.texts('case.mail.urgent.subject', vars), body: ctx.texts('case.mail.urgent.body', vars) };
}

export function updateMail(ctx: MailContext, c: Case, agency: AgencyContact | undefined, changes: string, transcript: string, districtName?: string): MailContent {
  const vars = { ...summaryVars(ctx, c, agency, transcript, districtName), changes };
  return { subject: ctx.texts('case.mail.update.subject', vars), body: ctx.texts('case.mail.update.body', vars) };
}

export function escalationMail(
  ctx: MailContext,
  c: Case,
  agency: AgencyContact | undefined,
  province: AgencyContact | undefined,
  slaMinutes: number,
  transcript: string,
  districtName?: string,
): MailContent {
  const vars = { ...summaryVars(ctx, c, agency, transcript, districtName), provinceName: province?.name ?? ctx.texts('case.unknown'), slaMinutes };
  return { subject: ctx.texts('case.mail.escalation.subject', vars), body: ctx.texts('case.mail.escalation.body', vars) };
}

export function forwardMail(
  ctx: MailContext,
  kind: 'forward' | 'reminder',
  c: Case,
  agency: AgencyContact,
  link: { url: string; expiresAt: Date },
  question: string,
  contact: string,
): MailContent {
  const vars = {
    agencyName: agency.name,
    code: c.code,
    channel: channelName(ctx, c.channel),
    dueAt: c.dueAt ? formatLocal(c.dueAt, ctx.timeZone) : ctx.texts('case.unknown'),
    question,
    contact,
    link: link.url,
    expiresAt: formatLocal(link.expiresAt, ctx.timeZone),
  };
  return { subject: ctx.texts(`case.mail.${kind}.subject`, vars), body: ctx.texts(`case.mail.${kind}.body`, vars) };
}
