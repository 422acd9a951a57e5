/**
 * What the bot did with each question, for the content team: answers given, feedback per entry, and the questions
 * it could not answer (kept with personal data masked).
 */
import { maskContactData } from '../domain/personalData';
import type { TurnEffect } from '../domain/turn';
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';

// "tên tôi là Nguyễn Văn A", "em tên Lan": the name after the cue, up to four capitalised words.
const NAME = /((?:tên|ten)\s+(?:(?:tôi|toi|em|mình|minh|là|la)\s+){0,2})((?:\p{Lu}[\p{L}]*\s*){1,4})/gu;
// House numbers and street names: "số 12 đường Phú Riềng Đỏ", "12/3 hẻm 5".
const ADDRESS = /\b(số|so|nhà|nha)?\s*\d+[\d/]*\s+(đường|duong|hẻm|hem|ngõ|ngo|tổ|to|ấp|ap|khu phố|kp)\s+[\p{L}\d ]{1,30}/giu;

/** Masks phone numbers, emails, names after a name cue, and street addresses. */
export function maskPersonalData(text: string): string {
  return maskContactData(text, { email: '[email]', phone: '[số điện thoại]' })
    .replace(NAME, (_m, cue: string) => `${cue}[tên] `)
    .replace(ADDRESS, '[địa chỉ]')
    .trim();
}

export async function recordAnswered(tx: Executor, effect: Extract<TurnEffect, { type: 'answered' }>, info: { conversationId: string; channel: string; at: string }): Promise<void> {
  await tx
    .insertInto('kb_answers')
    .values({
      id: newId(),
      entry_id: effect.entryId,
      conversation_id: info.conversationId,
      channel: info.channel,
      decision: effect.decision,
      confidence: effect.confidence,
      question: maskPersonalData(effect.question),
      matches: JSON.stringify(effect.matches),
      at: info.at,
    })
    .execute();
}

export async function recordFeedback(tx: Executor, effect: { entryId: string; helpful: boolean }, info: { conversationId: string; at: string }): Promise<void> {
  await tx.insertInto('kb_feedback').values({ id: newId(), entry_id: effect.entryId, conversation_id: info.conversationId, helpful: effect.helpful ? 1 : 0, at: info.at }).execute();
}

/** A question the citizen chose to leave for an operator: collected like an unanswered one. */
export async function recordQuestionLeft(tx: Executor, question: string, info: { conversationId: string; channel: string; at: string }): Promise<void> {
  await tx
    .insertInto('kb_answers')
    .values({ id: newId(), entry_id: null, conversation_id: info.conversationId, channel: info.channel, decision: 'left', confidence: 0, question: maskPersonalData(question), matches: '[]', at: info.at })
    .execute();
}

export interface EntryUsage {
  entryId: string;
  answered: number;
  helpful: number;
  notHelpful: number;
}

export async function entryUsage(db: Executor): Promise<EntryUsage[]> {
  const answered = await db.selectFrom('kb_answers').select(['entry_id', db.fn.countAll<number>().as('n')]).where('decision', '=', 'answer').groupBy('entry_id').execute();
  const feedback = await db.selectFrom('kb_feedback').select(['entry_id', 'helpful', db.fn.countAll<number>().as('n')]).groupBy(['entry_id', 'helpful']).execute();
  const usage = new Map<string, EntryUsage>();
  const get = (id: string) => usage.get(id) ?? usage.set(id, { entryId: id, answered: 0, helpful: 0, notHelpful: 0 }).get(id)!;
  for (const r of answered) if (r.entry_id) get(r.entry_id).answered = Number(r.n);
  for (const r of feedback) get(r.entry_id)[r.helpful ? 'helpful' : 'notHelpful'] = Number(r.n);
  return [...usage.values()];
}
