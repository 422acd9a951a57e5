/**
 * After an urgent verdict: the safety reply at once, then short questions for what is missing (who, since when,
 * where, a phone number). It never blocks: every answer updates the case, and the citizen may stop at any time.
 */
import { emitEffect, sendReply, turnRequest } from '../../src/engine/botEngine';
import { ComponentDialog, TextPrompt, WaterfallDialog, type WaterfallStepContext } from '../../src/engine/dialogs';
import type { BotDeps, CaseDetails } from './deps';
import { wantsToStop } from './intents';

export const URGENT_DIALOG = 'urgent';
const LOOP = 'urgent-loop';
const PROMPT = 'urgent-prompt';
const FIELDS: Array<keyof CaseDetails> = ['who', 'onset', 'district', 'phone'];
const QUESTION: Record<string, string> = { who: 'urgent.ask.who', onset: 'urgent.ask.onset', district: 'urgent.ask.district', phone: 'urgent.ask.phone' };

interface UrgentValues {
  level: 'urgent' | 'emergency';
  symptoms: string[];
  details: CaseDetails;
  asked?: keyof CaseDetails;
  askedTimes: Record<string, number>;
}

export interface UrgentOptions {
  level: 'urgent' | 'emergency';
  symptoms: string[];
  text: string;
}

/** Ended by the citizen writing something that is not an answer: the bot handles it as a new message. */
export interface UrgentInterrupted {
  interruptedBy: string;
}

export class UrgentDialog extends ComponentDialog {
  constructor(private deps: BotDeps) {
    super(URGENT_DIALOG);
    this.addDialog(new TextPrompt(PROMPT));
    this.addDialog(new WaterfallDialog(URGENT_DIALOG + '-start', [(step) => this.start(step)]));
    this.addDialog(new WaterfallDialog(LOOP, [(step) => this.ask(step), (step) => this.receive(step)]));
    this.initialDialogId = URGENT_DIALOG + '-start';
  }

  private async start(step: WaterfallStepContext) {
    const options = step.options as UrgentOptions;
    const values: UrgentValues = { level: options.level, symptoms: options.symptoms, details: this.deps.details(options.text), askedTimes: {} };
    await this.sendSafety(step, values);
    this.report(step, values, false);
    // A call is transferred to an operator at once; the case is already created.
    if (turnRequest(step.context).conversation.channel === 'voichat') return step.endDialog();
    return step.replaceDialog(LOOP, values);
  }

  private async ask(step: WaterfallStepContext) {
    const values = step.options as UrgentValues;
    const missing = FIELDS.find((f) => !values.details[f] && (values.askedTimes[f] ?? 0) < 2);
    if (!missing) {
      this.report(step, values, true);
      const agency = this.deps.agencyFor(values.level, values.details.district);
      await sendReply(step.context, { text: this.deps.texts('urgent.done', { agencyName: agency?.name ?? this.deps.texts('urgent.agencyFallback') }) });
      return step.endDialog();
    }
    values.asked = missing;
    values.askedTimes[missing] = (values.askedTimes[missing] ?? 0) + 1;
    return step.prompt(PROMPT, { prompt: this.deps.texts(QUESTION[missing]) });
  }

  private async receive(step: WaterfallStepContext) {
    const values = step.options as UrgentValues;
    const answer = String(step.result ?? '').trim();
    const request = turnRequest(step.context);
    const found = this.deps.details(answer);
    const extracted = Object.values(found).some(Boolean);
    if (!extracted && looksLikeNewTopic(answer, this.deps)) {
      this.report(step, values, true);
      return step.endDialog({ interruptedBy: answer } satisfies UrgentInterrupted);
    }
    if (wantsToStop(answer)) {
      this.report(step, values, true);
      return step.endDialog();
    }
    for (const field of FIELDS) if (found[field] && !values.details[field]) values.details[field] = found[field];
    // A short free answer to the question just asked is taken as it is ("con trai tôi", "Bù Đăng").
    const asked = values.asked;
    if (asked && !values.details[asked] && asked !== 'phone' && answer.length > 0 && answer.length <= 80) values.details[asked] = answer;
    if (request.triage.level !== 'none') {
      const wasEmergency = values.level === 'emergency';
      values.symptoms = [...new Set([...values.symptoms, ...request.triage.symptoms])];
      if (request.triage.level === 'emergency') values.level = 'emergency';
      if (!wasEmergency && values.level === 'emergency') await this.sendSafety(step, values);
    }
    this.report(step, values, false);
    return step.replaceDialog(LOOP, values);
  }

  private async sendSafety(step: WaterfallStepContext, values: UrgentValues) {
    const agency = this.deps.agencyFor(values.level, values.details.district);
    const voice = turnRequest(step.context).conversation.channel === 'voichat';
    const key = values.level === 'emergency' ? 'emergency.safety' : 'urgent.safety';
    const text = this.deps.texts(key, {
      agencyName: agency?.name ?? this.deps.texts('urgent.agencyFallback'),
      agencyPhone: agency?.phone ? ` (${agency.phone})` : '',
    });
    await sendReply(step.context, { text, ...(voice && { meta: { transfer: true } }) });
  }

  private report(step: WaterfallStepContext, values: UrgentValues, complete: boolean) {
    emitEffect(step.context, { type: 'urgentCase', level: values.level, symptoms: values.symptoms, details: { ...values.details }, complete });
  }
}

/** A long message with a confident curated answer is a new question, not an answer to ours. */
function looksLikeNewTopic(answer: string, deps: BotDeps): boolean {
  if (answer.length < 25) return false;
  return deps.faq.search(answer).decision === 'answer';
}
