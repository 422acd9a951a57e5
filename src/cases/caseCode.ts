/**
 * Short case codes people quote on the phone: KC-XXXXXX for urgent cases (derived from the conversation, so the bot
 * can tell it in the same turn), CT-XXXXXX for forwarded questions.
 */
import type { Executor } from '../store/executor';
import { newId } from '../store/ids';
import { codeTaken } from './repository';

// The random end of the id: ids start with their time (UUIDv7), so their beginnings are alike.
const part = (id: string) => id.replace(/[^0-9a-f]/gi, '').slice(-6).toUpperCase();

/** The code of the first urgent case of a conversation. */
export const urgentCaseCode = (conversationId: string): string => `KC-${part(conversationId)}`;

export async function newUrgentCode(db: Executor, conversationId: string): Promise<string> {
  const base = urgentCaseCode(conversationId);
  for (let n = 1; n < 50; n++) {
    const code = n === 1 ? base : `${base}-${n}`;
    if (!(await codeTaken(db, code))) return code;
  }
  return `KC-${part(newId())}`;
}

export async function newForwardCode(db: Executor): Promise<string> {
  for (;;) {
    const code = `CT-${part(newId())}`;
    if (!(await codeTaken(db, code))) return code;
  }
}
