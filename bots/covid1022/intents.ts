/** Recognizes the small intents of knowledge-base/intents.yaml (greeting, handoff…) on the folded text. */
import fs from 'node:fs';
import YAML from 'yaml';
import { foldKey, hasDiacritics, syllables, toneKey } from '../../src/nlp/normalize';
import type { Intent } from './deps';

interface IntentSpec {
  alone: boolean;
  phrases: string[][];
}

/** Polite particles and forms of address that do not change what a short message means. */
const FILLER = new Set(['a', 'ad', 'oi', 'da', 'nhe', 'nha', 'nhieu', 'em', 'anh', 'chi', 'ban', 'minh', 'toi', 'voi', 'vay', 'ha', 'nhe', 'ah', 'ak', 'admin', 'tong', 'dai', '1022', 'ca', 'luon', 'thi', 'roi', 'r']);
const ORDER: Intent[] = ['handoff', 'declaration', 'thanks', 'bye', 'repeat', 'greeting', 'yes', 'no'];

export function loadIntents(file: string): (text: string) => Intent | undefined {
  const raw = YAML.parse(fs.readFileSync(file, 'utf8')) as Record<string, { alone?: boolean; phrases?: string[] }>;
  const specs = new Map<Intent, IntentSpec>();
  for (const intent of ORDER) {
    const spec = raw[intent];
    if (!spec?.phrases?.length) throw new Error(`${file}: intent "${intent}" needs a list of phrases`);
    specs.set(intent, { alone: spec.alone ?? false, phrases: spec.phrases.map((p) => syllables(foldKey(String(p)))) });
  }
  return (text: string) => {
    const words = syllables(foldKey(text));
    if (!words.length) return undefined;
    for (const intent of ORDER) {
      const spec = specs.get(intent)!;
      for (const phrase of spec.phrases) {
        const at = indexOfRun(words, phrase);
        if (at < 0) continue;
        if (!spec.alone) return intent;
        const rest = [...words.slice(0, at), ...words.slice(at + phrase.length)].filter((w) => !FILLER.has(w));
        if (rest.length === 0) return intent;
      }
    }
    return undefined;
  };
}

function indexOfRun(words: string[], phrase: string[]): number {
  outer: for (let i = 0; i + phrase.length <= words.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (words[i + j] !== phrase[j]) continue outer;
    return i;
  }
  return -1;
}

// "dừng" and "đúng" fold to the same "dung": with diacritics we can tell them apart; without, bare "dung" is not a stop.
const STOP_TONED = /^(dừng|thôi|hủy|huỷ|thoát|stop|không cần|không khai nữa)(\s|$)/u;
const STOP_FOLDED = /^(thoi|huy|thoat|stop|dung lai|dung khai|khong can|khong khai nua)(\s|$)/;

/** The citizen wants to stop the dialog in progress ("dừng", "thôi", "hủy"…). */
export function wantsToStop(text: string): boolean {
  const key = toneKey(text).trim();
  return hasDiacritics(key) ? STOP_TONED.test(key) : STOP_FOLDED.test(foldKey(key));
}

const CHOICE = /^(faq:[\w.-]+|feedback:[\w.-]+:(yes|no)|handoff|leave|suggest:none|declare)$/;

/** A quick-reply payload that came back as the message text (channels without a payload field). */
export function choiceInText(text: string): string | undefined {
  const trimmed = text.trim();
  return CHOICE.test(trimmed) ? trimmed : undefined;
}
