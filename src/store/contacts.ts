/** Citizens and their identities on each channel; a phone or email links identities into one contact. */
import type { ChannelName } from '../domain/types';
import type { Executor } from './executor';
import { newId } from './ids';
import type { ContactRow } from './schema';

export interface Profile {
  name?: string;
  phone?: string;
  email?: string;
}

/** Returns the contact for (channel, external user id), creating it (and linking by phone/email) if new. */
export async function resolveContact(db: Executor, channel: ChannelName, externalUserId: string, profile: Profile, at: string): Promise<string> {
  const identity = await db
    .selectFrom('identities')
    .select(['contact_id'])
    .where('channel', '=', channel)
    .where('external_user_id', '=', externalUserId)
    .executeTakeFirst();
  if (identity) {
    if (profile.name || profile.phone || profile.email) await fillContact(db, identity.contact_id, profile, at);
    return identity.contact_id;
  }
  const linked = await findByPhoneOrEmail(db, profile);
  const contactId = linked?.id ?? newId();
  if (!linked) {
    await db
      .insertInto('contacts')
      .values({ id: contactId, name: profile.name ?? null, phone: profile.phone ?? null, email: profile.email?.toLowerCase() ?? null, created_at: at, updated_at: at })
      .execute();
  } else {
    await fillContact(db, contactId, profile, at);
  }
  await db
    .insertInto('identities')
    .values({ id: newId(), contact_id: contactId, channel, external_user_id: externalUserId, display_name: profile.name ?? null, created_at: at })
    .execute();
  return contactId;
}

async function findByPhoneOrEmail(db: Executor, profile: Profile): Promise<ContactRow | undefined> {
  if (profile.phone) {
    const row = await db.selectFrom('contacts').selectAll().where('phone', '=', profile.phone).executeTakeFirst();
    if (row) return row;
  }
  if (profile.email) {
    return db.selectFrom('contacts').selectAll().where('email', '=', profile.email.toLowerCase()).executeTakeFirst();
  }
  return undefined;
}

/** Fills missing fields only: what a citizen told once is not overwritten by a channel's profile. */
async function fillContact(db: Executor, contactId: string, profile: Profile, at: string): Promise<void> {
  const row = await db.selectFrom('contacts').selectAll().where('id', '=', contactId).executeTakeFirstOrThrow();
  const patch: Partial<ContactRow> = {};
  if (!row.name && profile.name) patch.name = profile.name;
  if (!row.phone && profile.phone) patch.phone = profile.phone;
  if (!row.email && profile.email) patch.email = profile.email.toLowerCase();
  if (Object.keys(patch).length) await db.updateTable('contacts').set({ ...patch, updated_at: at }).where('id', '=', contactId).execute();
}

export async function getContact(db: Executor, id: string): Promise<ContactRow | undefined> {
  return db.selectFrom('contacts').selectAll().where('id', '=', id).executeTakeFirst();
}

export async function updateContact(db: Executor, id: string, patch: Profile, at: string): Promise<void> {
  await db
    .updateTable('contacts')
    .set({ ...(patch.name !== undefined && { name: patch.name }), ...(patch.phone !== undefined && { phone: patch.phone }), ...(patch.email !== undefined && { email: patch.email.toLowerCase() }), updated_at: at })
    .where('id', '=', id)
    .execute();
}
