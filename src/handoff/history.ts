/** A contact's details and whole history across channels, as an operator reads it in the console. */
import type { ChannelName, ConversationState, Role } from '../domain/types';
import { getContact } from '../store/contacts';
import type { Executor } from '../store/executor';

export interface ContactView {
  id: string;
  name: string | null;
  /** Only for roles that may see personal data. */
  phone?: string | null;
  email?: string | null;
  identities: Array<{ channel: ChannelName; displayName: string | null }>;
}

export interface ConversationSummary {
  id: string;
  channel: ChannelName;
  state: ConversationState;
  createdAt: string;
  closedAt: string | null;
  closeReason: string | null;
}

export async function contactView(db: Executor, contactId: string, role: Role, seesPersonal: (role: Role) => boolean): Promise<ContactView | undefined> {
  const contact = await getContact(db, contactId);
  if (!contact) return undefined;
  const identities = await db.selectFrom('identities').select(['channel', 'display_name']).where('contact_id', '=', contactId).orderBy('created_at', 'asc').execute();
  return {
    id: contact.id,
    name: contact.name,
    ...(seesPersonal(role) && { phone: contact.phone, email: contact.email }),
    identities: identities.map((i) => ({ channel: i.channel as ChannelName, displayName: i.display_name })),
  };
}

export async function contactConversations(db: Executor, contactId: string): Promise<ConversationSummary[]> {
  const rows = await db
    .selectFrom('conversations')
    .select(['id', 'channel', 'state', 'created_at', 'closed_at', 'close_reason'])
    .where('contact_id', '=', contactId)
    .orderBy('created_at', 'asc')
    .execute();
  return rows.map((r) => ({ id: r.id, channel: r.channel as ChannelName, state: r.state as ConversationState, createdAt: r.created_at, closedAt: r.closed_at, closeReason: r.close_reason }));
}
