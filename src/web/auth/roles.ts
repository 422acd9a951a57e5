/** Who may do what in the console. Editors (content team) never see conversations or citizens' personal data. */
import type { Role } from '../../domain/types';

/** See the queue, conversations and contact details. */
export const CONVERSATION_READERS: Role[] = ['operator', 'supervisor', 'admin'];
/** Claim, reply, note, transfer, release, close. */
export const CONVERSATION_HANDLERS: Role[] = ['operator', 'supervisor'];
/** Manage accounts. */
export const ACCOUNT_ADMINS: Role[] = ['admin'];

export function seesPersonalData(role: Role): boolean {
  return role === 'operator' || role === 'supervisor' || role === 'admin';
}
