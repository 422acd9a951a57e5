/** Storing and listing medical declarations. One SQL code path for SQLite and PostgreSQL. */
import type { ChannelName } from '../domain/types';
import type { Executor } from '../store/executor';
import { json, newId, parseJson } from '../store/ids';
import type { DeclarationRow } from './schema';
import './schema';

export interface Declaration {
  id: string;
  contactId: string;
  conversationId: string | null;
  channel: ChannelName;
  fullName: string | null;
  birthYear: number | null;
  phone: string | null;
  district: string | null;
  commune: string | null;
  address: string | null;
  symptoms: string[];
  /** null: not answered. */
  contactWithF0: boolean | null;
  /** Places visited in the last 14 days; null: none. */
  travel14Days: string | null;
  createdAt: string;
  raw: Record<string, unknown>;
}

export type NewDeclaration = Omit<Declaration, 'id' | 'createdAt'> & { at: string };

export interface DeclarationFilter {
  /** ISO times, inclusive from, exclusive to. */
  from?: string;
  to?: string;
  district?: string;
  channel?: ChannelName;
  contactId?: string;
  /** Part of the name or phone number. */
  search?: string;
  limit?: number;
  offset?: number;
}

export function toDeclaration(row: DeclarationRow): Declaration {
  return {
    id: row.id,
    contactId: row.contact_id,
    conversationId: row.conversation_id,
    channel: row.channel as ChannelName,
    fullName: row.full_name,
    birthYear: row.birth_year,
    phone: row.phone,
    district: row.district,
    commune: row.commune,
    address: row.address,
    symptoms: parseJson<string[]>(row.symptoms, []),
    contactWithF0: row.contact_with_f0 === null ? null : row.contact_with_f0 === 1,
    travel14Days: row.travel_14_days,
    createdAt: row.created_at,
    raw: parseJson<Record<string, unknown>>(row.raw, {}),
  };
}

export async function saveDeclaration(db: Executor, d: NewDeclaration): Promise<Declaration> {
  const row: DeclarationRow = {
    id: newId(),
    contact_id: d.contactId,
    conversation_id: d.conversationId,
    channel: d.channel,
    full_name: d.fullName,
    birth_year: d.birthYear,
    phone: d.phone,
    district: d.district,
    commune: d.commune,
    address: d.address,
    symptoms: json(d.symptoms),
    contact_with_f0: d.contactWithF0 === null ? null : d.contactWithF0 ? 1 : 0,
    travel_14_days: d.travel14Days,
    created_at: d.at,
    raw: json(d.raw),
  };
  await db.insertInto('declarations').values(row).execute();
  return toDeclaration(row);
}

function filtered(db: Executor, f: DeclarationFilter) {
  let q = db.selectFrom('declarations');
  if (f.from) q = q.where('created_at', '>=', f.from);
  if (f.to) q = q.where('created_at', '<', f.to);
  if (f.district) q = q.where('district', '=', f.district);
  if (f.channel) q = q.where('channel', '=', f.channel);
  if (f.contactId) q = q.where('contact_id', '=', f.contactId);
  if (f.search?.trim()) {
    const term = `%${f.search.trim().toLowerCase().replace(/[\\%_]/g, '')}%`;
    q = q.where((eb) => eb.or([eb(eb.fn('lower', ['full_name']), 'like', term), eb('phone', 'like', term)]));
  }
  return q;
}

/** Newest first. */
export async function listDeclarations(db: Executor, filter: DeclarationFilter = {}): Promise<Declaration[]> {
  const rows = await filtered(db, filter)
    .selectAll()
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .limit(Math.min(filter.limit ?? 200, 10_000))
    .offset(filter.offset ?? 0)
    .execute();
  return rows.map(toDeclaration);
}

export async function countDeclarations(db: Executor, filter: DeclarationFilter = {}): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
