/**
 * The bot's `declaration` turn effect → a stored declaration linked to the citizen's contact, and a request of kind
 * 'declaration' in the daily intake. Runs in the turn's transaction (registered in main.ts as hooks.effects.declaration).
 * Lenient on purpose: a field the bot could not fill is stored empty, never thrown on (a throw would make the
 * pipeline retry the turn forever).
 */
import type { TurnEffect } from '../domain/turn';
import type { TurnContextInfo } from '../pipeline/pipeline';
import { getContact, updateContact } from '../store/contacts';
import { recordRequest } from '../store/conversations';
import type { Executor } from '../store/executor';
import { saveDeclaration, type Declaration, type NewDeclaration } from './repository';

const MAX_FIELD = 300;

function text(value: unknown): string | null {
  if (typeof value !== 'string' && typeof value !== 'number') return null;
  const s = String(value).normalize('NFC').trim().slice(0, MAX_FIELD);
  return s || null;
}

function birthYear(value: unknown, now: string): number | null {
  const match = /(19|20)\d{2}/.exec(String(value ?? ''));
  const year = match ? Number(match[0]) : NaN;
  return year >= 1900 && year <= new Date(now).getUTCFullYear() ? year : null;
}

/** Vietnamese phone numbers in national form (0xxxxxxxxx), the form contacts are linked by. */
export function nationalPhone(value: unknown): string | null {
  const raw = text(value);
  if (!raw) return null;
  let digits = raw.replace(/[^\d+]/g, '');
  if (digits.startsWith('+84')) digits = `0${digits.slice(3)}`;
  else if (digits.startsWith('84') && digits.length === 11) digits = `0${digits.slice(2)}`;
  digits = digits.replace(/\+/g, '');
  return /^0\d{8,10}$/.test(digits) ? digits : raw;
}

function yesNo(value: unknown): boolean | null {
  if (typeof value === 'boolean') return value;
  if (value === 1 || value === 0) return value === 1;
  return null;
}

function symptoms(value: unknown): string[] {
  const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(/[,;\n]/) : [];
  return list.map(text).filter((s): s is string => !!s).slice(0, 30);
}

function travel(data: Record<string, unknown>): string | null {
  const value = data.travel14Days ?? data.travel;
  if (value === false || value === null || value === undefined) return null;
  if (value === true) return 'có';
  return text(value);
}

/** The declaration as stored, from the effect's data (field names as the bot emits them). */
export function declarationFromEffect(data: Record<string, unknown>, info: Pick<TurnContextInfo, 'conversation' | 'now'>): NewDeclaration {
  return {
    contactId: info.conversation.contactId,
    conversationId: info.conversation.id,
    channel: info.conversation.channel,
    fullName: text(data.fullName ?? data.name),
    birthYear: birthYear(data.birthYear, info.now),
    phone: nationalPhone(data.phone),
    district: text(data.district),
    commune: text(data.commune),
    address: text(data.address),
    symptoms: symptoms(data.symptoms),
    contactWithF0: yesNo(data.contactWithF0),
    travel14Days: travel(data),
    raw: data,
    at: info.now,
  };
}

export async function applyDeclarationEffect(tx: Executor, effect: TurnEffect, info: TurnContextInfo): Promise<Declaration> {
  const given = (effect as { data?: unknown }).data;
  const data = given && typeof given === 'object' && !Array.isArray(given) ? (given as Record<string, unknown>) : {};
  const saved = await saveDeclaration(tx, declarationFromEffect(data, info));
  await recordRequest(tx, { channel: info.conversation.channel, kind: 'declaration', conversationId: info.conversation.id, at: info.now });
  // What the citizen declared fills the contact's empty fields, so other channels with the same phone link to it.
  const contact = await getContact(tx, info.conversation.contactId);
  if (contact) {
    const patch = {
      ...(!contact.name && saved.fullName && { name: saved.fullName }),
      ...(!contact.phone && saved.phone && /^0\d{8,10}$/.test(saved.phone) && { phone: saved.phone }),
    };
    if (Object.keys(patch).length) await updateContact(tx, contact.id, patch, info.now);
  }
  return saved;
}
