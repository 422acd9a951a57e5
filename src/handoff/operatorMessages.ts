/**
 * What operators write in a conversation: replies that go to the citizen on their channel (through the outbox, like
 * everything we send) and internal notes that never leave the console (no outbox row).
 */
import { writeOutbound } from '../pipeline/outbound';
import { audit } from '../store/audit';
import { touchConversation } from '../store/conversations';
import { insertMessage, type Message } from '../store/messages';
import { HandoffError, MAX_REPLY_LENGTH, type Actor, type HandoffService } from './service';

function cleanOperatorText(text: unknown): string {
  if (typeof text !== 'string') throw new HandoffError(400, 'text', 'Nội dung trống.');
  const clean = text.normalize('NFC').replace(/\r\n?/g, '\n').trim();
  if (!clean) throw new HandoffError(400, 'text', 'Nội dung trống.');
  if (clean.length > MAX_REPLY_LENGTH) throw new HandoffError(413, 'too long', `Nội dung dài quá ${MAX_REPLY_LENGTH} ký tự.`);
  return clean;
}

/** Sends an operator's reply. Only the operator holding the conversation may reply (claim it first). */
export async function sendReply(handoff: HandoffService, conversationId: string, text: unknown, actor: Actor): Promise<{ messageId: string; outboxId: string }> {
  const clean = cleanOperatorText(text);
  return handoff.run(async (tx, at, out) => {
    const conversation = await handoff.load(tx, conversationId);
    if (conversation.state !== 'human' || conversation.assigneeId !== actor.id) {
      throw new HandoffError(409, 'not held', 'Cần nhận cuộc trò chuyện trước khi trả lời.');
    }
    const written = await writeOutbound(tx, conversation, { text: clean, author: 'operator', authorId: actor.id, authorName: actor.displayName }, at);
    await touchConversation(tx, conversation.id, at, false);
    await audit(tx, { actorId: actor.id, action: 'conversation.reply', targetType: 'conversation', targetId: conversation.id, detail: { messageId: written.messageId }, at });
    out.written.push(written);
    out.events.push({ type: 'message.created', conversationId: conversation.id, messageId: written.messageId, direction: 'out', author: 'operator' });
    return { messageId: written.messageId, outboxId: written.outboxId };
  });
}

/** Adds an internal note: stored with the conversation, shown to staff, never sent to the citizen. */
export async function addNote(handoff: HandoffService, conversationId: string, text: unknown, actor: Actor): Promise<Message> {
  const clean = cleanOperatorText(text);
  return handoff.run(async (tx, at, out) => {
    const conversation = await handoff.load(tx, conversationId);
    const note = await insertMessage(tx, {
      conversationId: conversation.id,
      channel: conversation.channel,
      direction: 'out',
      author: 'operator',
      authorId: actor.id,
      authorName: actor.displayName,
      text: clean,
      status: 'sent',
      internal: true,
      meta: { note: true },
      at,
      processed: true,
    });
    out.events.push({ type: 'message.created', conversationId: conversation.id, messageId: note.id, direction: 'out', author: 'operator', internal: true });
    return note;
  });
}
