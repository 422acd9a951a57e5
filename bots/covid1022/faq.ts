/** Answers from the curated base: answer, offer close entries, or say honestly that nothing fits. */
import type { TurnContext } from '../../src/engine/dialogs';
import { emitEffect, sendReply, turnRequest } from '../../src/engine/botEngine';
import type { BotDeps } from './deps';
import type { FaqMemory } from './memory';

/** Channels where a follow-up "was this helpful?" with buttons makes no sense. */
const NO_FEEDBACK_CHANNELS = new Set(['voichat', 'email']);

export async function answerQuestion(context: TurnContext, deps: BotDeps, memory: FaqMemory, question: string): Promise<void> {
  const result = deps.faq.search(question);
  const best = result.matches[0];
  emitEffect(context, {
    type: 'answered',
    entryId: result.decision === 'answer' ? (best?.id ?? null) : null,
    decision: result.decision,
    confidence: result.confidence,
    question,
    matches: result.matches.slice(0, 5),
  });
  if (result.decision === 'answer' && best) return answerEntry(context, deps, memory, best.id);
  if (result.decision === 'suggest' && result.options.length) {
    const options = result.options.map((m) => deps.faq.entry(m.id)).filter((e) => e !== undefined);
    const list = options.map((e, i) => deps.texts('faq.suggest.option', { number: i + 1, question: e.question })).join('\n');
    memory.unansweredQuestion = question;
    await sendReply(context, {
      text: deps.texts('faq.suggest', { options: `\n${list}` }),
      quickReplies: [
        ...options.map((e) => ({ title: e.question, payload: `faq:${e.id}` })),
        { title: deps.texts('faq.suggest.none'), payload: 'suggest:none' },
      ],
    });
    return;
  }
  memory.unansweredQuestion = question;
  await sendFallback(context, deps);
}

export async function answerEntry(context: TurnContext, deps: BotDeps, memory: FaqMemory, entryId: string): Promise<void> {
  const entry = deps.faq.entry(entryId);
  if (!entry) return sendFallback(context, deps);
  memory.lastAnswerId = entry.id;
  memory.unansweredQuestion = undefined;
  await sendReply(context, { text: entry.answer });
  if (NO_FEEDBACK_CHANNELS.has(turnRequest(context).conversation.channel)) return;
  memory.feedbackFor = entry.id;
  await sendReply(context, {
    text: deps.texts('faq.feedback.question'),
    quickReplies: [
      { title: deps.texts('faq.feedback.yes'), payload: `feedback:${entry.id}:yes` },
      { title: deps.texts('faq.feedback.no'), payload: `feedback:${entry.id}:no` },
    ],
  });
}

export async function sendFallback(context: TurnContext, deps: BotDeps): Promise<void> {
  await sendReply(context, {
    text: deps.texts('faq.fallback'),
    quickReplies: [
      { title: deps.texts('faq.fallback.operator'), payload: 'handoff' },
      { title: deps.texts('faq.fallback.leave'), payload: 'leave' },
    ],
  });
}

export async function recordFeedback(context: TurnContext, deps: BotDeps, memory: FaqMemory, entryId: string, helpful: boolean): Promise<void> {
  memory.feedbackFor = undefined;
  emitEffect(context, { type: 'feedback', entryId, helpful });
  await sendReply(context, { text: deps.texts(helpful ? 'faq.feedback.thanks' : 'faq.feedback.sorry') });
}
