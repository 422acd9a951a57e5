/** Shapes the console's pages share (mirrors of the API's JSON). */
export type Role = 'operator' | 'supervisor' | 'editor' | 'admin';

export interface ConsoleUser {
  id: string;
  username: string;
  displayName: string;
  role: Role;
}

export interface QueueItem {
  id: string;
  channel: string;
  state: 'bot' | 'queued' | 'human' | 'closed';
  urgency: 'none' | 'urgent' | 'emergency';
  assigneeId: string | null;
  assigneeName: string | null;
  contactName: string | null;
  subject: string | null;
  tags: string[];
  queuedAt: string | null;
  lastMessageAt: string;
  lastCitizenMessageAt: string | null;
  lastText: string | null;
  lastAuthor: string | null;
  slaDueAt: string | null;
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
