/**
 * The console's conversation API: the queue, one conversation with the contact's whole history across channels,
 * and the operator's actions (claim, reply, internal note, transfer, release, close).
 */
import express from 'express';
import { contactConversations, contactView } from '../../handoff/history';
import { listContactMessages } from '../../store/messages';
import { addNote, sendReply } from '../../handoff/operatorMessages';
import { listQueue, slaDueAt, type SlaSettings } from '../../handoff/queue';
import { HandoffError, type HandoffService } from '../../handoff/service';
import type { Clock } from '../../store/clock';
import { getConversation } from '../../store/conversations';
import type { Executor } from '../../store/executor';
import { getMessage, type Message } from '../../store/messages';
import { getUser } from '../../store/users';
import { requireRole } from '../auth/middleware';
import { CONVERSATION_HANDLERS, CONVERSATION_READERS, seesPersonalData } from '../auth/roles';
import { handle, param, userOf } from './consoleHttp';

export interface ConsoleQueueDeps {
  db: Executor;
  clock: Clock;
  handoff: HandoffService;
  sla: SlaSettings;
  /** Channels whose citizens' typing reaches us (the console shows "đang nhập…" only there). */
  typingChannels?: ReadonlySet<string>;
}

/** A message as the console shows it. */
export function messageView(m: Message) {
  return {
    id: m.id,
    conversationId: m.conversationId,
    channel: m.channel,
    direction: m.direction,
    author: m.author,
    authorName: m.authorName,
    text: m.text,
    internal: m.internal,
    status: m.status,
    statusReason: m.statusReason,
    urgency: m.urgency,
    symptoms: m.symptoms,
    attachments: m.attachments.map((a) => ({ type: a.type, name: a.name ?? null, url: a.url && /^https?:\/\//i.test(a.url) ? a.url : null })),
    event: typeof m.meta.event === 'string' ? m.meta.event : null,
    createdAt: m.createdAt,
  };
}

export function createConsoleQueueRouter(deps: ConsoleQueueDeps): express.Router {
  const { db, handoff } = deps;
  const router = express.Router();
  const json = express.json({ limit: '64kb' });
  const read = requireRole(...CONVERSATION_READERS);
  const act = requireRole(...CONVERSATION_HANDLERS);

  router.get('/api/console/queue', read, handle(async (req, res) => {
    const ids = typeof req.query.ids === 'string' ? req.query.ids.split(',').filter(Boolean).slice(0, 100) : undefined;
    const items = await listQueue(db, deps.sla, { ids });
    res.set('Cache-Control', 'no-store').json({ now: deps.clock.now().toISOString(), items });
  }));

  router.get('/api/console/conversations/:id', read, handle(async (req, res) => {
    const user = userOf(res);
    const conversation = await getConversation(db, param(req, 'id'));
    if (!conversation) throw new HandoffError(404, 'not found', 'Không tìm thấy cuộc trò chuyện.');
    const [contact, conversations, messages, assignee] = await Promise.all([
      contactView(db, conversation.contactId, user.role, seesPersonalData),
      contactConversations(db, conversation.contactId),
      listContactMessages(db, conversation.contactId),
      conversation.assigneeId ? getUser(db, conversation.assigneeId) : Promise.resolve(undefined),
    ]);
    res.set('Cache-Control', 'no-store').json({
      now: deps.clock.now().toISOString(),
      conversation: {
        id: conversation.id,
        channel: conversation.channel,
        state: conversation.state,
        urgency: conversation.urgency,
        tags: conversation.tags,
        subject: conversation.subject,
        assigneeId: conversation.assigneeId,
        assigneeName: assignee?.displayName ?? null,
        createdAt: conversation.createdAt,
        queuedAt: conversation.queuedAt,
        slaDueAt: conversation.state === 'queued' ? slaDueAt(conversation.queuedAt, conversation.urgency, deps.sla) : null,
        closeReason: conversation.closeReason,
        citizenTyping: deps.typingChannels?.has(conversation.channel) ?? false,
      },
      contact,
      conversations,
      messages: messages.map(messageView),
      you: { canAct: CONVERSATION_HANDLERS.includes(user.role), holds: conversation.state === 'human' && conversation.assigneeId === user.id },
    });
  }));

  router.get('/api/console/conversations/:id/messages/:messageId', read, handle(async (req, res) => {
    const message = await getMessage(db, param(req, 'messageId'));
    const conversation = message && (await getConversation(db, message.conversationId));
    const asked = await getConversation(db, param(req, 'id'));
    // A message of any conversation of the same contact belongs to this view.
    if (!message || !conversation || !asked || conversation.contactId !== asked.contactId) throw new HandoffError(404, 'not found', 'Không tìm thấy tin nhắn.');
    res.json(messageView(message));
  }));

  const actor = (res: express.Response) => userOf(res);

  router.post('/api/console/conversations/:id/claim', act, handle(async (req, res) => {
    res.json({ conversation: await handoff.claim(param(req, 'id'), actor(res)) });
  }));
  router.post('/api/console/conversations/:id/release', act, handle(async (req, res) => {
    res.json({ conversation: await handoff.release(param(req, 'id'), actor(res)) });
  }));
  router.post('/api/console/conversations/:id/transfer', act, json, handle(async (req, res) => {
    const to = (req.body ?? {}).toUserId;
    if (typeof to !== 'string' || !to) throw new HandoffError(400, 'toUserId', 'Chọn tổng đài viên nhận.');
    res.json({ conversation: await handoff.transfer(param(req, 'id'), to, actor(res)) });
  }));
  router.post('/api/console/conversations/:id/close', act, json, handle(async (req, res) => {
    const reason = (req.body ?? {}).reason;
    res.json({ conversation: await handoff.close(param(req, 'id'), typeof reason === 'string' ? reason : '', actor(res)) });
  }));
  router.post('/api/console/conversations/:id/reply', act, json, handle(async (req, res) => {
    const sent = await sendReply(handoff, param(req, 'id'), (req.body ?? {}).text, actor(res));
    res.status(202).json(sent);
  }));
  router.post('/api/console/conversations/:id/notes', act, json, handle(async (req, res) => {
    const note = await addNote(handoff, param(req, 'id'), (req.body ?? {}).text, actor(res));
    res.status(201).json(messageView(note));
  }));

  return router;
}
