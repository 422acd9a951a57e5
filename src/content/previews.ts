/**
 * An answer as each channel will show it, made by the connectors' own format functions: Messenger and Zalo split
 * long texts and carry the "was it helpful?" buttons, email writes a reply mail, the widget shows the text as is, and
 * the voice gateway speaks it (abbreviations, numbers and dates read out, in short chunks).
 */
import { toSendApiBodies } from '../../channels/messenger/format';
import { toCsBodies } from '../../channels/zalo/format';
import { buildReply } from '../../channels/email/format';
import { chunkSpeech, toSpeech } from '../../channels/voichat/format';
import type { OutboundMessage, QuickReply } from '../../channels/types';
import type { Templates } from '../kb/templates';

export interface ChannelBubble {
  text: string;
  buttons: string[];
}

export interface ChannelPreviews {
  messenger: ChannelBubble[];
  zalo: ChannelBubble[];
  widget: ChannelBubble[];
  email: { subject: string; text: string };
  voice: string[];
}

function outbound(text: string, channel: OutboundMessage['channel'], quickReplies?: QuickReply[], meta?: Record<string, unknown>): OutboundMessage {
  return { outboxId: 'preview', conversationId: 'preview', channel, externalUserId: 'preview', text, quickReplies, author: 'bot', attempt: 0, meta };
}

export function channelPreviews(answer: string, question: string, templates: Templates, mailFrom: string): ChannelPreviews {
  const text = answer.trim();
  const feedbackText = templates['faq.feedback.question'] ?? '';
  const feedback: QuickReply[] = [
    { title: templates['faq.feedback.yes'] ?? '', payload: 'feedback:yes' },
    { title: templates['faq.feedback.no'] ?? '', payload: 'feedback:no' },
  ];
  // The bot sends the answer, then the feedback question with its buttons (not on email or voice).
  const messenger = [
    ...toSendApiBodies(outbound(text, 'messenger'), { ok: true, messagingType: 'RESPONSE' }),
    ...toSendApiBodies(outbound(feedbackText, 'messenger', feedback), { ok: true, messagingType: 'RESPONSE' }),
  ].map((b) => ({ text: b.message.text, buttons: (b.message.quick_replies ?? []).map((q) => q.title) }));
  const zalo = [...toCsBodies(outbound(text, 'zalo')), ...toCsBodies(outbound(feedbackText, 'zalo', feedback))].map((b) => ({
    text: b.message.text,
    buttons: (b.message.attachment?.payload.buttons ?? []).map((x) => x.title),
  }));
  const widget = [
    { text, buttons: [] },
    { text: feedbackText, buttons: feedback.map((q) => q.title) },
  ];
  const domain = /@([^>\s]+)/.exec(mailFrom)?.[1] ?? 'localhost';
  const mail = buildReply(outbound(text, 'email', undefined, { subject: question }), undefined, { domain, fallbackSubject: question });
  return { messenger, zalo, widget, email: { subject: mail.subject, text: mail.text }, voice: chunkSpeech(toSpeech(text)) };
}
