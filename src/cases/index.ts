/**
 * The cases part, assembled: urgent cases (pipeline hooks), forwarding, the console's case desk, the timers and the
 * notifier that mails agencies. main.ts builds it from settings and registers its hooks, routers and timers.
 */
import type { EventBus } from '../pipeline/events';
import type { WrittenOutbound } from '../pipeline/outbound';
import type { PipelineHooks } from '../pipeline/pipeline';
import type { Mailer } from '../notify/mailer';
import { Notifier } from '../notify/notifier';
import type { Clock } from '../store/clock';
import type { DbHandle } from '../store/db';
import { getConversation } from '../store/conversations';
import { insertMessage } from '../store/messages';
import type { AgencyRouting } from './agencies';
import { AfterTurn } from './afterTurn';
import { CaseDesk } from './caseDesk';
import { CaseContext, type CaseSettings } from './context';
import { Forwarding } from './forwarding';
import { addCaseEvent, getCase } from './repository';
import type { CaseTexts } from './texts';
import { CaseTimers } from './timers';
import { UrgentCases, type DetailExtractor } from './urgentCases';

export interface CaseModuleDeps {
  store: DbHandle;
  clock: Clock;
  bus: EventBus;
  log: { info(o: object, m?: string): void; warn(o: object, m?: string): void; error(o: object, m?: string): void };
  agencies: AgencyRouting;
  texts: CaseTexts;
  extract: DetailExtractor;
  settings: CaseSettings;
  /** Undefined when SMTP_URL is empty: mail stays queued. */
  mailer?: Mailer;
  instance: string;
  onOutbound?(rows: WrittenOutbound[]): void;
  /** Notifier retry tuning (tests). */
  notifierOptions?: { baseDelayMs?: number; maxDelayMs?: number; pollMs?: number; maxAttempts?: number };
}

export interface CaseModule {
  urgent: UrgentCases;
  forwarding: Forwarding;
  desk: CaseDesk;
  timers: CaseTimers;
  notifier: Notifier;
  /** Register in the pipeline: onUrgent and the urgentCase effect. */
  hooks: Required<Pick<PipelineHooks, 'onUrgent'>> & { effects: { urgentCase: NonNullable<PipelineHooks['effects']>[string] } };
  start(tickMs: number): void;
  stop(): Promise<void>;
}

export function createCaseModule(deps: CaseModuleDeps): CaseModule {
  let notifier: Notifier | undefined;
  const ctx = new CaseContext({
    store: deps.store,
    clock: deps.clock,
    bus: deps.bus,
    agencies: deps.agencies,
    texts: deps.texts,
    settings: deps.settings,
    log: deps.log,
    kickNotifier: () => notifier?.kick(),
    onOutbound: deps.onOutbound,
  });
  notifier = new Notifier(
    { store: deps.store, clock: deps.clock, mailer: deps.mailer, log: deps.log },
    { worker: deps.instance, ...deps.notifierOptions },
    {
      // Every mail a case sends is on its timeline; a mail that cannot be delivered is shown to the operators.
      onSettled: async (n, outcome) => {
        if (!n.caseId) return;
        const caseId = n.caseId;
        await ctx.run(async (tx, at, out) => {
          const c = await getCase(tx, caseId);
          if (!c) return;
          await addCaseEvent(tx, { caseId, actor: 'system', action: outcome.ok ? 'mail.sent' : 'mail.failed', detail: { kind: n.kind, recipients: n.recipients, ...(!outcome.ok && { reason: outcome.reason }) }, at });
          out.events.push({ type: 'case.updated', caseId, conversationId: c.conversationId, status: c.status, level: c.level, ...(!outcome.ok && { mailFailed: true }) });
          const conversation = !outcome.ok && c.conversationId ? await getConversation(tx, c.conversationId) : undefined;
          if (conversation && !outcome.ok) {
            const note = await insertMessage(tx, {
              conversationId: conversation.id,
              channel: conversation.channel,
              direction: 'out',
              author: 'system',
              text: deps.texts('case.internal.mailFailed', { code: c.code, recipients: n.recipients.join(', '), reason: outcome.reason }),
              status: 'sent',
              internal: true,
              meta: { caseId, mailFailed: true },
              at,
              processed: true,
            });
            out.events.push({ type: 'message.created', conversationId: conversation.id, messageId: note.id, direction: 'out', author: 'system', internal: true });
          }
        });
      },
    },
  );
  const afterTurn = new AfterTurn(deps.bus, (err) => deps.log.error({ err }, 'case after-turn action failed'));
  const urgent = new UrgentCases(ctx, deps.extract, afterTurn);
  const forwarding = new Forwarding(ctx);
  const desk = new CaseDesk(ctx, forwarding);
  const timers = new CaseTimers(ctx, urgent, forwarding, () => notifier!.sendDue());
  return {
    urgent,
    forwarding,
    desk,
    timers,
    notifier,
    hooks: { onUrgent: urgent.onUrgent, effects: { urgentCase: urgent.applyUrgentCaseEffect } },
    start(tickMs) {
      notifier!.start();
      timers.start(tickMs);
    },
    async stop() {
      await timers.stop();
      await notifier!.stop();
      afterTurn.close();
    },
  };
}

export type { AgencyRouting, AgencyContact } from './agencies';
export { urgentCaseCode } from './caseCode';
export { findOpenCase } from './repository';
