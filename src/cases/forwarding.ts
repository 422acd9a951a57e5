/**
 * Forwarding (the province's 1022 regulation: receive, forward, answer): an operator forwards a conversation's question
 * to a competent agency with a due date; the agency answers through a signed, expiring link without an account; the
 * operator approves (or edits) the answer and it goes to the citizen on the original channel. Every step is on the
 * case's timeline; nothing changes through an expired, revoked or tampered link.
 */
import { enqueueNotification } from '../notify/notifications';
import { writeOutbound } from '../pipeline/outbound';
import { audit } from '../store/audit';
import { getContact } from '../store/contacts';
import { getConversation } from '../store/conversations';
import type { Executor } from '../store/executor';
import { insertMessage } from '../store/messages';
import type { AgencyContact } from './agencies';
import { newForwardCode } from './caseCode';
import { CaseError, type AfterCommit, type CaseContext } from './context';
import { formToken, formTokenMatches, newNonce, signLink, verifyLink } from './links';
import { forwardMail } from './mails';
import type { Case } from './model';
import { addCaseEvent, claimCase, getCase, insertCase, updateCase } from './repository';
import type { Actor } from './urgentCases';
import './schema';

export const MAX_QUESTION = 4000;
export const MAX_ANSWER = 5000;

export interface ForwardInput {
  conversationId: unknown;
  agencyId: unknown;
  question: unknown;
  dueAt: unknown;
  shareContact: unknown;
}

/** Why a link cannot be used; each reason has its Vietnamese text (agencyPage.refused.<reason>). */
export type LinkRefusal = 'invalid' | 'expired' | 'revoked' | 'closed' | 'approved' | 'form';

export class LinkRefused extends Error {
  constructor(
    readonly reason: LinkRefusal,
    readonly expiredAt?: Date,
  ) {
    super(`link refused: ${reason}`);
  }
}

/** What the agency page shows for a valid link. */
export interface AgencyView {
  case: Case;
  agency: AgencyContact | undefined;
  /** The question as the agency may read it (contact details masked unless shared). */
  question: string;
  /** The citizen's contact details, only when the operator shared them. */
  contact?: string;
  formToken: string;
}

const PHONE = /(?<![\p{L}\p{N}])(?:\+?84|0)(?:[\s.-]?\d){8,10}(?![\p{N}])/gu;
const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;

const clean = (text: string) => text.normalize('NFC').replace(/\r\n?/g, '\n').trim();

export class Forwarding {
  constructor(private ctx: CaseContext) {}

  /** Masks phone numbers and email addresses the citizen wrote into the question. */
  maskContact(text: string): string {
    const t = this.ctx.deps.texts;
    return text.replace(EMAIL, t('case.mask.email')).replace(PHONE, t('case.mask.phone'));
  }

  async forward(input: ForwardInput, actor: Actor): Promise<Case> {
    const now = this.ctx.now();
    if (typeof input.conversationId !== 'string' || !input.conversationId) throw new CaseError(400, 'conversationId', 'Thiếu cuộc trò chuyện cần chuyển.');
    if (typeof input.agencyId !== 'string' || !input.agencyId) throw new CaseError(400, 'agencyId', 'Chưa chọn đơn vị nhận.');
    const agency = this.ctx.deps.agencies.agencyById(input.agencyId, now);
    if (!agency) throw new CaseError(400, 'agencyId', 'Không tìm thấy đơn vị nhận trong danh bạ.');
    if (!agency.emails.length) throw new CaseError(400, 'agencyId', `${agency.name} chưa có địa chỉ thư trong danh bạ.`);
    const question = typeof input.question === 'string' ? clean(input.question) : '';
    if (!question) throw new CaseError(400, 'question', 'Nội dung câu hỏi trống.');
    if (question.length > MAX_QUESTION) throw new CaseError(413, 'question', `Câu hỏi dài quá ${MAX_QUESTION} ký tự.`);
    const due = typeof input.dueAt === 'string' ? new Date(input.dueAt) : undefined;
    if (!due || Number.isNaN(due.getTime())) throw new CaseError(400, 'dueAt', 'Hạn trả lời không hợp lệ.');
    if (due.getTime() <= now.getTime()) throw new CaseError(400, 'dueAt', 'Hạn trả lời phải sau thời điểm hiện tại.');
    if (input.shareContact !== undefined && typeof input.shareContact !== 'boolean') throw new CaseError(400, 'shareContact', 'shareContact phải là true hoặc false.');
    const shareContact = input.shareContact === true;
    const conversationId = input.conversationId;

    return this.ctx.run(async (tx, at, out) => {
      const conversation = await getConversation(tx, conversationId);
      if (!conversation) throw new CaseError(404, 'conversation', 'Không tìm thấy cuộc trò chuyện.');
      const c = await insertCase(
        tx,
        {
          kind: 'forward',
          code: await newForwardCode(tx),
          status: 'forwarded',
          conversation_id: conversation.id,
          contact_id: conversation.contactId,
          channel: conversation.channel,
          level: 'none',
          agency_id: agency.id,
          question,
          due_at: due.toISOString(),
          share_contact: shareContact ? 1 : 0,
          created_by: actor.id,
          notified_at: at,
        },
        at,
      );
      await addCaseEvent(tx, { caseId: c.id, actor: `user:${actor.id}`, action: 'forwarded', detail: { by: actor.displayName, agencyId: agency.id, agencyName: agency.name, dueAt: c.dueAt, shareContact }, at });
      await this.sendLink(tx, c, agency, 'forward', at, out);
      await audit(tx, { actorId: actor.id, action: 'case.forward', targetType: 'case', targetId: c.id, detail: { conversationId: conversation.id, agencyId: agency.id }, at });
      out.events.push({ type: 'case.updated', caseId: c.id, conversationId: c.conversationId, status: c.status, level: c.level });
      return c;
    });
  }

  /** Issues a new link and mails it (the first forward, and each overdue reminder). */
  async sendLink(tx: Executor, c: Case, agency: AgencyContact, kind: 'forward' | 'reminder', at: string, out: AfterCommit): Promise<void> {
    const expiresAt = new Date(Date.parse(at) + this.ctx.settings.linkTtlHours * 3_600_000);
    const nonce = newNonce();
    await tx.insertInto('case_links').values({ nonce, case_id: c.id, agency_id: agency.id, expires_at: expiresAt.toISOString(), created_at: at, revoked_at: null }).execute();
    const token = signLink(this.ctx.settings.secret, { caseId: c.id, nonce, expiresAt });
    const url = `${this.ctx.settings.publicUrl().replace(/\/$/, '')}/agency/answer/${token}`;
    const contact = c.shareContact ? await this.contactText(tx, c) : this.ctx.deps.texts('case.contact.hidden');
    const question = c.shareContact ? c.question ?? '' : this.maskContact(c.question ?? '');
    const mail = forwardMail(this.ctx.mailContext, kind, c, agency, { url, expiresAt }, question, contact);
    await enqueueNotification(tx, { caseId: c.id, kind, recipients: agency.emails, ...mail }, at);
    await addCaseEvent(tx, { caseId: c.id, actor: 'system', action: kind === 'forward' ? 'link.sent' : 'reminded', detail: { agencyId: agency.id, recipients: agency.emails, linkExpiresAt: expiresAt.toISOString() }, at });
    out.mail = true;
  }

  private async contactText(tx: Executor, c: Case): Promise<string> {
    const contact = c.contactId ? await getContact(tx, c.contactId) : undefined;
    const unknown = this.ctx.deps.texts('case.unknown');
    return this.ctx.deps.texts('case.contact.shared', { name: contact?.name || unknown, phone: contact?.phone || unknown, email: contact?.email || unknown });
  }

  /** Checks a link: signature, expiry (platform clock), its row (not revoked) and the case (still answerable). */
  private async check(db: Executor, token: string): Promise<{ c: Case; nonce: string; agencyId: string }> {
    const claims = verifyLink(this.ctx.settings.secret, token);
    if (!claims) throw new LinkRefused('invalid');
    if (claims.expiresAt.getTime() <= this.ctx.now().getTime()) throw new LinkRefused('expired', claims.expiresAt);
    const link = await db.selectFrom('case_links').selectAll().where('nonce', '=', claims.nonce).executeTakeFirst();
    if (!link || link.case_id !== claims.caseId) throw new LinkRefused('invalid');
    const c = await getCase(db, claims.caseId);
    if (!c || c.kind !== 'forward') throw new LinkRefused('invalid');
    if (c.status === 'closed') throw new LinkRefused('closed');
    if (link.revoked_at) throw new LinkRefused('revoked');
    return { c, nonce: claims.nonce, agencyId: link.agency_id };
  }

  /** The page an agency sees for a link (throws LinkRefused). An approved answer is shown, read-only. */
  async view(token: string): Promise<AgencyView> {
    const { c, nonce, agencyId } = await this.check(this.ctx.db, token);
    const agency = this.ctx.deps.agencies.agencyById(agencyId, this.ctx.now());
    return {
      case: c,
      agency,
      question: c.shareContact ? c.question ?? '' : this.maskContact(c.question ?? ''),
      ...(c.shareContact && { contact: await this.contactText(this.ctx.db, c) }),
      formToken: formToken(this.ctx.settings.secret, nonce),
    };
  }

  /** The agency's answer through its link. Refused once the operator approved an answer; amendable before that. */
  async answer(token: string, form: { formToken: unknown; answer: unknown; answeredBy: unknown }): Promise<Case> {
    const checked = await this.check(this.ctx.db, token);
    if (!formTokenMatches(this.ctx.settings.secret, checked.nonce, form.formToken)) throw new LinkRefused('form');
    if (checked.c.status === 'approved') throw new LinkRefused('approved');
    const answer = typeof form.answer === 'string' ? clean(form.answer) : '';
    if (!answer) throw new CaseError(400, 'empty', this.ctx.deps.texts('agencyPage.error.empty'));
    if (answer.length > MAX_ANSWER) throw new CaseError(413, 'tooLong', this.ctx.deps.texts('agencyPage.error.tooLong', { max: MAX_ANSWER }));
    const answeredBy = typeof form.answeredBy === 'string' ? clean(form.answeredBy).slice(0, 200) : '';
    return this.ctx.run(async (tx, at, out) => {
      await this.ctx.lockCase(tx, checked.c.id);
      const { c, agencyId } = await this.check(tx, token); // again, inside the transaction: an approval may have won
      if (c.status === 'approved') throw new LinkRefused('approved');
      const claimed = await claimCase(
        tx,
        c.id,
        { answer, answered_at: at, answered_by: answeredBy || null, status: 'answered' },
        (qb) => qb.where('status', 'in', ['forwarded', 'answered']).where('closed_at', 'is', null),
        at,
      );
      if (!claimed) throw new LinkRefused('approved');
      const agency = this.ctx.deps.agencies.agencyById(agencyId, new Date(at));
      await addCaseEvent(tx, { caseId: c.id, actor: `agency:${agencyId}`, action: c.answeredAt ? 'answer.amended' : 'answered', detail: { by: answeredBy || null, agencyName: agency?.name ?? null, length: answer.length }, at });
      out.events.push({ type: 'case.updated', caseId: c.id, conversationId: c.conversationId, status: 'answered', level: c.level });
      // The operator sees it in the conversation too.
      const conversation = c.conversationId ? await getConversation(tx, c.conversationId) : undefined;
      if (conversation) {
        const note = await insertMessage(tx, {
          conversationId: conversation.id,
          channel: conversation.channel,
          direction: 'out',
          author: 'system',
          text: this.ctx.deps.texts('case.internal.answered', { agencyName: agency?.name ?? agencyId, code: c.code }),
          status: 'sent',
          internal: true,
          meta: { caseId: c.id, caseCode: c.code, agencyAnswer: true },
          at,
          processed: true,
        });
        out.events.push({ type: 'message.created', conversationId: conversation.id, messageId: note.id, direction: 'out', author: 'system', internal: true });
      }
      return claimed;
    });
  }

  /** The operator corrects the agency's answer before approving it. */
  async editAnswer(caseId: string, text: unknown, actor: Actor): Promise<Case> {
    const answer = typeof text === 'string' ? clean(text) : '';
    if (!answer) throw new CaseError(400, 'text', 'Nội dung câu trả lời trống.');
    if (answer.length > MAX_ANSWER) throw new CaseError(413, 'text', `Câu trả lời dài quá ${MAX_ANSWER} ký tự.`);
    return this.ctx.run(async (tx, at, out) => {
      await this.ctx.lockCase(tx, caseId);
      const c = await this.answered(tx, caseId);
      await updateCase(tx, c.id, { answer }, at);
      await addCaseEvent(tx, { caseId, actor: `user:${actor.id}`, action: 'answer.edited', detail: { by: actor.displayName }, at });
      out.events.push({ type: 'case.updated', caseId, conversationId: c.conversationId, status: c.status, level: c.level });
      return (await getCase(tx, caseId))!;
    });
  }

  /** The operator approves the answer (optionally edited): it goes to the citizen on the original channel. */
  async approve(caseId: string, text: unknown, actor: Actor): Promise<Case> {
    const edited = (typeof text === 'string' && clean(text)) || undefined;
    if (edited && edited.length > MAX_ANSWER) throw new CaseError(413, 'text', `Câu trả lời dài quá ${MAX_ANSWER} ký tự.`);
    return this.ctx.run(async (tx, at, out) => {
      await this.ctx.lockCase(tx, caseId);
      const c = await this.answered(tx, caseId);
      const conversation = c.conversationId ? await getConversation(tx, c.conversationId) : undefined;
      if (!conversation) throw new CaseError(409, 'conversation', 'Không còn cuộc trò chuyện để gửi câu trả lời.');
      const answer = edited ?? c.answer ?? '';
      const claimed = await claimCase(tx, caseId, { answer, status: 'approved', approved_at: at, approved_by: actor.id, closed_at: at }, (qb) => qb.where('status', '=', 'answered'), at);
      if (!claimed) throw new CaseError(409, 'state', 'Câu trả lời đã được duyệt trước đó.');
      const agency = c.agencyId ? this.ctx.deps.agencies.agencyById(c.agencyId, new Date(at)) : undefined;
      const written = await writeOutbound(
        tx,
        conversation,
        { text: this.ctx.deps.texts('case.answer.toCitizen', { agencyName: agency?.name ?? '', answer }), author: 'operator', authorId: actor.id, authorName: actor.displayName, meta: { caseId, caseCode: c.code } },
        at,
      );
      await addCaseEvent(tx, { caseId, actor: `user:${actor.id}`, action: 'approved', detail: { by: actor.displayName, edited: answer !== c.answer }, at });
      await addCaseEvent(tx, { caseId, actor: 'system', action: 'answer.sent', detail: { channel: conversation.channel, messageId: written.messageId }, at });
      await audit(tx, { actorId: actor.id, action: 'case.approve', targetType: 'case', targetId: caseId, detail: { messageId: written.messageId }, at });
      out.written.push(written);
      out.events.push({ type: 'message.created', conversationId: conversation.id, messageId: written.messageId, direction: 'out', author: 'operator' });
      out.events.push({ type: 'case.updated', caseId, conversationId: c.conversationId, status: 'approved', level: c.level });
      return claimed;
    });
  }

  private async answered(tx: Executor, caseId: string): Promise<Case> {
    const c = await getCase(tx, caseId);
    if (!c) throw new CaseError(404, 'not found', 'Không tìm thấy yêu cầu.');
    if (c.kind !== 'forward') throw new CaseError(409, 'kind', 'Đây không phải yêu cầu chuyển tiếp.');
    if (c.status === 'approved') throw new CaseError(409, 'approved', 'Câu trả lời đã được duyệt và gửi.');
    if (c.status !== 'answered') throw new CaseError(409, 'state', 'Đơn vị chưa trả lời.');
    return c;
  }

  /** An overdue request's daily reminder (called by the timers after they claimed it). */
  async remind(tx: Executor, c: Case, at: string, out: AfterCommit): Promise<void> {
    const agency = c.agencyId ? this.ctx.deps.agencies.agencyById(c.agencyId, new Date(at)) : undefined;
    if (!agency?.emails.length) {
      await addCaseEvent(tx, { caseId: c.id, actor: 'system', action: 'reminder.skipped', detail: { reason: 'no agency address' }, at });
      return;
    }
    await this.sendLink(tx, c, agency, 'reminder', at, out);
    out.events.push({ type: 'case.updated', caseId: c.id, conversationId: c.conversationId, status: c.status, level: c.level, overdue: true });
  }
}
