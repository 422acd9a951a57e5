/**
 * What a caller says that the switchboard itself must understand, whatever the bot does: asking for a person,
 * yes/no to a "did you say …" check, "read on". Matched on the accent-free key, so a transcript without
 * diacritics works too.
 */
import { foldKey } from '../../src/nlp/normalize';

const key = (text: string) => ` ${foldKey(text).replace(/[^\p{L}\p{N}]+/gu, ' ').trim()} `;

const OPERATOR = [
  / tong dai vien /,
  / (gap|gap gap|noi chuyen voi|ket noi voi|ket noi|chuyen may cho|cho toi gap|cho em gap|muon gap) (nhan vien|can bo|nguoi that|nguoi truc|tong dai)( |$)/,
  / nguoi that /,
];
const YES = / (dung|dung roi|dung vay|phai|phai roi|co|u|uh|um|vang|da vang|da dung|chinh xac|ok|oke|yes) /;
const NO = / (khong|sai|sai roi|chua dung|khong phai|noi lai|nham) /;
const CONTINUE = / (nghe tiep|tiep tuc|tiep di|doc tiep|noi tiep|tiep) /;

export function asksForOperator(text: string): boolean {
  const k = key(text);
  return OPERATOR.some((p) => p.test(k));
}

/** true: confirms, false: denies, undefined: something else (a new question). Short answers only. */
export function yesOrNo(text: string): boolean | undefined {
  const k = key(text);
  if (k.trim().split(' ').length > 5) return undefined;
  if (NO.test(k)) return false;
  if (YES.test(k)) return true;
  return undefined;
}

export function asksToContinue(text: string): boolean {
  const k = key(text);
  return k.trim().split(' ').length <= 5 && CONTINUE.test(k);
}
