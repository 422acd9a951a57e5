/**
 * Medical declaration (khai báo y tế) on every channel: name, year of birth, phone, address, symptoms, contact with
 * F0, travel in the last 14 days. Each answer is repeated back, the whole form confirmed, then stored.
 */
import { emitEffect, sendReply } from '../../src/engine/botEngine';
import { ComponentDialog, TextPrompt, WaterfallDialog, type PromptValidatorContext, type WaterfallStepContext } from '../../src/engine/dialogs';
import type { BotDeps } from './deps';

export const DECLARATION_DIALOG = 'declaration';
const FORM = 'declaration-form';
const TEXT = 'declaration-text';
const YEAR = 'declaration-year';
const PHONE = 'declaration-phone';
const YES_NO = 'declaration-yes-no';

interface Form {
  name?: string;
  birthYear?: number;
  phone?: string;
  address?: string;
  district?: string;
  commune?: string;
  symptomsText?: string;
  contactWithF0?: boolean;
  travel?: string | null;
}

export class DeclarationDialog extends ComponentDialog {
  constructor(private deps: BotDeps, private currentYear: () => number) {
    super(DECLARATION_DIALOG);
    this.addDialog(new TextPrompt(TEXT, async (pc) => pc.recognized.succeeded && String(pc.recognized.value).trim().length > 0));
    this.addDialog(new TextPrompt(YEAR, async (pc) => this.year(pc) !== undefined));
    this.addDialog(new TextPrompt(PHONE, async (pc) => !!this.deps.details(String(pc.recognized.value ?? '')).phone));
    this.addDialog(new TextPrompt(YES_NO, async (pc) => this.yesNo(String(pc.recognized.value ?? '')) !== undefined));
    const t = this.deps.texts;
    this.addDialog(
      new WaterfallDialog(FORM, [
        async (step) => {
          (step.values as { form?: Form }).form = {};
          if (!(step.options as { restarted?: boolean })?.restarted) await sendReply(step.context, { text: t('declaration.start') });
          return step.prompt(TEXT, { prompt: t('declaration.ask.name') });
        },
        async (step) => {
          const name = clip(step.result);
          form(step).name = name;
          return step.prompt(YEAR, { prompt: `${t('declaration.noted', { value: name })}\n${t('declaration.ask.birthYear', { name })}`, retryPrompt: t('declaration.retry.birthYear') });
        },
        async (step) => {
          form(step).birthYear = this.yearOf(String(step.result));
          return step.prompt(PHONE, { prompt: `${t('declaration.noted', { value: String(form(step).birthYear) })}\n${t('declaration.ask.phone')}`, retryPrompt: t('declaration.retry.phone') });
        },
        async (step) => {
          form(step).phone = this.deps.details(String(step.result)).phone;
          return step.prompt(TEXT, { prompt: `${t('declaration.noted', { value: form(step).phone ?? '' })}\n${t('declaration.ask.address')}` });
        },
        async (step) => {
          const address = clip(step.result);
          const found = this.deps.details(address);
          Object.assign(form(step), { address, district: found.district, commune: found.commune });
          return step.prompt(TEXT, { prompt: `${t('declaration.noted', { value: address })}\n${t('declaration.ask.symptoms')}` });
        },
        async (step) => {
          const said = clip(step.result);
          form(step).symptomsText = this.deps.intent(said) === 'no' ? '' : said;
          return step.prompt(YES_NO, { prompt: `${t('declaration.noted', { value: said })}\n${t('declaration.ask.contact')}`, retryPrompt: t('declaration.retry.yesNo') });
        },
        async (step) => {
          form(step).contactWithF0 = this.yesNo(String(step.result)) === true;
          // Travel is answered with "không" or with the places visited.
          return step.prompt(TEXT, { prompt: `${t('declaration.noted', { value: t(form(step).contactWithF0 ? 'word.yes' : 'word.no') })}\n${t('declaration.ask.travel')}` });
        },
        async (step) => {
          const said = clip(step.result);
          const yesNo = this.yesNo(said);
          form(step).travel = yesNo === false ? null : said;
          const f = form(step);
          return step.prompt(YES_NO, {
            prompt: t('declaration.confirm', {
              name: f.name ?? '',
              birthYear: f.birthYear ?? '',
              phone: f.phone ?? '',
              address: f.address ?? '',
              symptoms: f.symptomsText || t('declaration.none'),
              contact: t(f.contactWithF0 ? 'word.yes' : 'word.no'),
              travel: f.travel ?? t('word.no'),
            }),
            retryPrompt: t('declaration.retry.yesNo'),
          });
        },
        async (step) => {
          if (this.yesNo(String(step.result)) !== true) {
            await sendReply(step.context, { text: t('declaration.restart') });
            return step.replaceDialog(FORM, { restarted: true });
          }
          const f = form(step);
          emitEffect(step.context, {
            type: 'declaration',
            data: {
              fullName: f.name,
              birthYear: f.birthYear,
              phone: f.phone,
              address: f.address,
              district: f.district,
              commune: f.commune,
              symptoms: f.symptomsText ? [f.symptomsText] : [],
              contactWithF0: f.contactWithF0,
              travel14Days: f.travel,
            },
          });
          await sendReply(step.context, { text: t('declaration.done') });
          return step.endDialog({ symptomsText: f.symptomsText, district: f.district, phone: f.phone });
        },
      ]),
    );
    this.initialDialogId = FORM;
  }

  private year(pc: PromptValidatorContext<string>): number | undefined {
    return this.yearOf(String(pc.recognized.value ?? ''));
  }

  private yearOf(text: string): number | undefined {
    const match = /\b(19|20)\d{2}\b/.exec(text);
    const year = match ? Number(match[0]) : NaN;
    return year >= 1900 && year <= this.currentYear() ? year : undefined;
  }

  private yesNo(text: string): boolean | undefined {
    const intent = this.deps.intent(text);
    return intent === 'yes' ? true : intent === 'no' ? false : undefined;
  }
}

function form(step: WaterfallStepContext): Form {
  return (step.values as { form: Form }).form;
}

function clip(value: unknown): string {
  return String(value ?? '').trim().slice(0, 200);
}
