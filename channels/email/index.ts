/**
 * The email channel (1022@binhphuoc.gov.vn): mail in from IMAP (IDLE + periodic check), replies out by SMTP in
 * the citizen's thread. Auto-replies, lists and bounces are stored but never answered (meta.noReply), and bot
 * replies to one address are rate-limited, so no loop and no storm can start here.
 */
import type { ChannelConnector, ChannelContext, Logger, OutboundMessage, SendResult } from '../types';
import { buildReply } from './format';
import { addressOf, createMailer, sendResultFromError, type Mailer } from './mailer';
import { parseMail, type ThreadRecord } from './parse';
import { MailboxPoller, type FetchedMail, type ImapSettings } from './poller';
import { readJson, ReplyRateLimiter, type MailStateStore } from './state';

export { createMailer, type Mailer, type MailToSend } from './mailer';
export type { MailStateStore } from './state';

export interface EmailChannelSettings {
  /** IMAP; undefined: the channel only sends (replies by operators still go out). */
  imap?: ImapSettings;
  smtpUrl?: string;
  /** "Tổng đài 1022 Bình Phước <1022@binhphuoc.gov.vn>" */
  from: string;
  repliesPerSenderPerHour: number;
  timeoutMs: number;
}

export interface EmailChannelDeps {
  state: MailStateStore;
  now?: () => Date;
  /** An existing mailer to share; by default one is made from smtpUrl. */
  mailer?: Mailer;
}

export interface EmailConnector extends ChannelConnector {
  /** Checks the mailbox now and waits for the round to finish (tests, admin "check now"). */
  checkNow(): Promise<void>;
}

const threadKey = (root: string) => `thread:${root}`;
/** How long a reply waits for the other replies of its turn. */
const COALESCE_MS = 300;

export function createEmailConnector(settings: EmailChannelSettings, deps: EmailChannelDeps): EmailConnector {
  const now = deps.now ?? (() => new Date());
  const ownAddress = addressOf(settings.from);
  const domain = ownAddress.split('@')[1] || 'hotline1022.invalid';
  const fallbackSubject = settings.from.replace(/<[^>]*>/, '').replace(/"/g, '').trim() || ownAddress;
  let mailer = deps.mailer;
  const getMailer = (): Mailer | undefined => {
    if (!mailer && settings.smtpUrl) mailer = createMailer(settings.smtpUrl, settings.from, { timeoutMs: settings.timeoutMs });
    return mailer;
  };
  const limiter = new ReplyRateLimiter(deps.state, settings.repliesPerSenderPerHour, now);
  let poller: MailboxPoller | undefined;
  let log: Logger | undefined;

  async function handle(ctx: ChannelContext, mail: FetchedMail): Promise<void> {
    const { message, thread } = await parseMail(mail.source, { mailbox: mail.mailbox, uidValidity: mail.uidValidity, uid: mail.uid }, [ownAddress]);
    // The thread record first: the reply to this mail may be sent before receive() even returns.
    if (message.externalThreadId) await deps.state.set(threadKey(message.externalThreadId), JSON.stringify(thread));
    const result = await ctx.receive(message);
    if (thread.noReply) ctx.log.info({ reason: thread.noReply, conversationId: result.conversationId }, 'automatic mail stored, not answered');
  }

  async function deliver(message: OutboundMessage, thread: ThreadRecord | undefined): Promise<{ sent: boolean; value: SendResult }> {
    const smtp = getMailer();
    if (!smtp) return { sent: false, value: { ok: false, retryable: false, reason: 'chưa cấu hình máy chủ gửi thư (SMTP_URL)' } };
    const mail = buildReply(message, thread, { domain, fallbackSubject });
    try {
      const info = await smtp.send(mail);
      if (info.rejected.length && !info.accepted.length) {
        return { sent: false, value: { ok: false, retryable: false, reason: `máy chủ thư từ chối địa chỉ ${info.rejected.join(', ')}: ${info.response}` } };
      }
      return { sent: true, value: { ok: true, externalId: mail.messageId } };
    } catch (err) {
      return { sent: false, value: sendResultFromError(err) };
    }
  }

  /**
   * Replies of one turn (an answer and its follow-up question) are claimed together by the delivery worker: they go
   * out as one mail, so a citizen gets one answer per question, and count once against the rate limit.
   */
  const batches = new Map<string, { messages: OutboundMessage[]; result: Promise<SendResult> }>();
  function coalesce(message: OutboundMessage): Promise<SendResult> {
    const key = `${message.conversationId}\u0000${message.author}`;
    const open = batches.get(key);
    if (open) {
      open.messages.push(message);
      return open.result;
    }
    const batch = { messages: [message], result: Promise.resolve<SendResult>({ ok: true }) };
    batch.result = new Promise<void>((resolve) => setTimeout(resolve, COALESCE_MS)).then(() => {
      batches.delete(key);
      return sendBatch(batch.messages);
    });
    batches.set(key, batch);
    return batch.result;
  }

  async function sendBatch(messages: OutboundMessage[]): Promise<SendResult> {
    const first = messages[0];
    const message: OutboundMessage =
      messages.length === 1
        ? first
        : {
            ...first,
            outboxId: messages.map((m) => m.outboxId).join(', '),
            text: messages.map((m) => m.text).join('\n\n'),
            quickReplies: [...messages].reverse().find((m) => m.quickReplies?.length)?.quickReplies,
          };
    const thread = message.externalThreadId ? await readJson<ThreadRecord>(deps.state, threadKey(message.externalThreadId)) : undefined;
    if (thread?.noReply && (message.author !== 'operator' || thread.noReply === 'bounce' || thread.noReply === 'no-sender')) {
      log?.info({ outboxId: message.outboxId, reason: thread.noReply }, 'reply to an automatic mail refused');
      return { ok: false, retryable: false, reason: `không trả lời thư tự động hoặc thư báo lỗi (${thread.noReply}), để tránh vòng lặp thư` };
    }
    if (message.author === 'operator') return (await deliver(message, thread)).value;
    const outcome = await limiter.run(message.externalUserId, () => deliver(message, thread));
    if (outcome.limited) {
      return {
        ok: false,
        retryable: false,
        reason: `đã gửi ${settings.repliesPerSenderPerHour} thư trả lời tự động cho địa chỉ này trong 1 giờ; không gửi thêm để tránh gửi thư hàng loạt`,
      };
    }
    return outcome.value;
  }

  return {
    name: 'email',
    capabilities: { maxTextLength: 100_000, maxQuickReplies: 0, speech: false, typingIndicator: false },

    async start(ctx: ChannelContext) {
      log = ctx.log;
      if (!settings.imap) return;
      poller = new MailboxPoller(settings.imap, { state: deps.state, log: ctx.log, handle: (mail) => handle(ctx, mail) });
      await poller.start();
    },

    async stop() {
      await poller?.stop();
      poller = undefined;
      mailer?.close();
      mailer = deps.mailer;
    },

    async checkNow() {
      if (!poller) return;
      await poller.idle();
      poller.requestCheck();
      await poller.idle();
    },

    send(message: OutboundMessage): Promise<SendResult> {
      return coalesce(message);
    },
  };
}
