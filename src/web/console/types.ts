/** Shapes the console's pages share (mirrors of the API's JSON; server types are imported as types only). */
import type { Role } from '../../domain/types';
import type { QueueItem } from '../../handoff/queue';

export type { QueueItem, Role };

export interface ConsoleUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}


export interface MessageView {
  id: string;
  conversationId: string;
  channel: string;
  direction: 'in' | 'out';
  author: 'citizen' | 'bot' | 'operator' | 'system';
  authorName: string | null;
  text: string;
  internal: boolean;
  status: string;
  statusReason: string | null;
  urgency: string;
  symptoms: string[];
  attachments: Array<{ type: string; name: string | null; url: string | null }>;
  event: string | null;
  createdAt: string;
}

export interface ConversationDetail {
  now: string;
  conversation: {
    id: string;
    channel: string;
    state: QueueItem['state'];
    urgency: QueueItem['urgency'];
    tags: string[];
    subject: string | null;
    assigneeId: string | null;
    assigneeName: string | null;
    createdAt: string;
    queuedAt: string | null;
    slaDueAt: string | null;
    closeReason: string | null;
    citizenTyping: boolean;
  };
  contact?: {
    id: string;
    name: string | null;
    phone?: string | null;
    email?: string | null;
    identities: Array<{ channel: string; displayName: string | null }>;
  };
  conversations: Array<{ id: string; channel: string; state: string; createdAt: string; closedAt: string | null; closeReason: string | null }>;
  messages: MessageView[];
  you: { canAct: boolean; holds: boolean };
}

export interface Operator {
  id: string;
  displayName: string;
  role: Role;
  presence: 'online' | 'away' | 'offline';
  load: number;
}
