/** Recognizes the small intents of knowledge-base/intents.yaml (greeting, handoff…) on the folded text. */
import fs from 'node:fs';
import YAML from 'yaml';
import { foldKey, syllables } from '../../src/nlp/normalize';
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
