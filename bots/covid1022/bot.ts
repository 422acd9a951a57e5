/**
 * The 1022 bot. Every turn: an urgent verdict first (safety reply and case), then the citizen's choice (a tapped
 * button), a dialog in progress, small intents (operator, declaration, greeting…), and otherwise the curated base.
 * It only ever says a curated answer or a fixed text from knowledge-base/templates.yaml.
 */
import { type BotLogic, emitEffect, sendReply, turnRequest } from '../../src/engine/botEngine';
import { DialogSet, DialogTurnStatus, type DialogContext, type TurnContext } from '../../src/engine/dialogs';
import { DeclarationDialog, DECLARATION_DIALOG } from './declaration';
import type { BotDeps } from './deps';
import { answerEntry, answerQuestion, recordFeedback, sendFallback } from './faq';
import { choiceInText, wantsToStop } from './intents';
import type { FaqMemory } from './memory';
import { UrgentDialog, URGENT_DIALOG, type UrgentInterrupted } from './urgent';

export function createCovidBot(deps: BotDeps): BotLogic {
  return async (context, states) => {
    const dialogState = states.conversation.createProperty('DialogState');
    const memoryProperty = states.conversation.createProperty<FaqMemory>('faq');
    const memory = await memoryProperty.get(context, {});
    const dialogs = new DialogSet(dialogState);
    dialogs.add(new UrgentDialog(deps));
    dialogs.add(new DeclarationDialog(deps, () => new Date(turnRequest(context).now).getUTCFullYear()));
    const dc = await dialogs.createContext(context);
    await handleTurn(context, dc, deps, memory);
    await memoryProperty.set(context, memory);
  };
}

async function handleTurn(context: TurnContext, dc: DialogContext, deps: BotDeps, memory: FaqMemory): Promise<void> {
  const request = turnRequest(context);
  const text = request.message.text.trim();
  const active = dc.activeDialog?.id;

  if (request.message.kind === 'follow') {
    // A call's start is greeted by the voice gateway itself.
    if (request.conversation.channel !== 'voichat') await sendReply(context, { text: deps.texts('follow.welcome') });
    return;
  }

  // 1. Urgent reports come before everything else.
  if (request.triage.level !== 'none') {
    if (active === URGENT_DIALOG) {
      const result = await dc.continueDialog();
      return afterUrgent(context, deps, memory, result.result as UrgentInterrupted | undefined);
    }
    await dc.cancelAllDialogs();
    await dc.beginDialog(URGENT_DIALOG, { level: request.triage.level, symptoms: request.triage.symptoms, text });
    return;
  }

  // 2. A tapped button.
  const choice = request.message.choice ?? choiceInText(text) ?? '';
  if (choice && (await handleChoice(context, dc, deps, memory, choice))) return;

  if (!text) {
    if (request.message.attachments.length) await sendReply(context, { text: deps.texts('attachment.textOnly') });
    return;
  }

  const intent = deps.intent(text);
  // 3. Asking for an operator always works, also in the middle of a dialog.
  if (intent === 'handoff') {
    await dc.cancelAllDialogs();
    return handOver(context, deps, 'requested');
  }

  // 4. A dialog in progress takes the answer.
  if (active === DECLARATION_DIALOG && wantsToStop(text)) {
    await dc.cancelAllDialogs();
    await sendReply(context, { text: deps.texts('declaration.cancelled') });
    return;
  }
  if (active) {
    const result = await dc.continueDialog();
    if (active === URGENT_DIALOG) return afterUrgent(context, deps, memory, result.result as UrgentInterrupted | undefined);
    if (result.status !== DialogTurnStatus.empty) return;
  }

  // 5. Small intents.
  if (memory.feedbackFor && (intent === 'yes' || intent === 'no')) return recordFeedback(context, deps, memory, memory.feedbackFor, intent === 'yes');
  switch (intent) {
    case 'declaration':
      await dc.beginDialog(DECLARATION_DIALOG);
      return;
    case 'greeting':
      await sendReply(context, { text: deps.texts('greeting') });
      return;
    case 'thanks':
      await sendReply(context, { text: deps.texts('smalltalk.thanks') });
      return;
    case 'bye':
      await sendReply(context, { text: deps.texts('smalltalk.bye') });
      return;
    case 'repeat':
      if (memory.lastAnswerId) return answerEntry(context, deps, memory, memory.lastAnswerId);
      await sendReply(context, { text: deps.texts('smalltalk.repeat.none') });
      return;
  }

  // 6. The curated base.
  await answerQuestion(context, deps, memory, text);
}

async function handleChoice(context: TurnContext, dc: DialogContext, deps: BotDeps, memory: FaqMemory, choice: string): Promise<boolean> {
  const [kind, id, value] = choice.split(':');
  switch (kind) {
    case 'faq':
      if (!deps.faq.entry(id)) return false;
      await dc.cancelAllDialogs();
      await answerEntry(context, deps, memory, id);
      return true;
    case 'feedback':
      if (!deps.faq.entry(id)) return false;
      await recordFeedback(context, deps, memory, id, value === 'yes');
      return true;
    case 'handoff':
      await dc.cancelAllDialogs();
      await handOver(context, deps, 'fallback');
      return true;
    case 'leave':
      if (!memory.unansweredQuestion) return false;
      emitEffect(context, { type: 'questionLeft', question: memory.unansweredQuestion });
      memory.unansweredQuestion = undefined;
      await sendReply(context, { text: deps.texts('faq.fallback.left') });
      return true;
    case 'suggest':
      await sendFallback(context, deps);
      return true;
    case 'declare':
      await dc.cancelAllDialogs();
      await dc.beginDialog(DECLARATION_DIALOG);
      return true;
    default:
      return false;
  }
}

/** The urgent dialog ended because the citizen asked something else: answer that. */
async function afterUrgent(context: TurnContext, deps: BotDeps, memory: FaqMemory, result: UrgentInterrupted | undefined): Promise<void> {
  if (result?.interruptedBy) await answerQuestion(context, deps, memory, result.interruptedBy);
}

async function handOver(context: TurnContext, deps: BotDeps, reason: 'requested' | 'fallback'): Promise<void> {
  const request = turnRequest(context);
  emitEffect(context, { type: 'handoff', reason });
  const onShift = request.context?.operatorsOnShift !== false;
  const text = onShift ? deps.texts('handoff.queued') : deps.texts('handoff.offHours', { hours: String(request.context?.operatorHours ?? '') });
  await sendReply(context, { text, ...(request.conversation.channel === 'voichat' && { meta: { transfer: true } }) });
}
