/**
 * Leftovers of the Telex and VNI input methods when the IME misfires (../shared/reference/vietnamese.md §1.4):
 * "khoong", "sootj", "tieesng", "duowcj", "d9au", "Tie61ng". We only propose fold-key readings here; the analyzer keeps
 * one only if it is a known syllable, so English words such as "test" or "max" are left alone.
 */

const VOWELS = 'aeiouy';
const TELEX_TONES = 'sfrxjz';

function isVowel(c: string | undefined): boolean {
  return c !== undefined && VOWELS.includes(c);
}

/** Removes the Telex vowel-shape keys: aa/ee/oo → a/e/o, the "w" of aw/ow/uw (a lone w is ư), dd → d. */
function dropTelexShapes(word: string): string {
  let out = word.startsWith('dd') ? word.slice(1) : word;
  out = out.replace(/([aeo])\1/g, '$1');
  out = out.replace(/([aou])w/g, '$1').replace(/w/g, 'u');
  return out;
}

/** Candidate fold keys for a token that may be raw Telex/VNI keystrokes, most likely first; may be empty. */
export function inputMethodReadings(token: string): string[] {
  const readings: string[] = [];
  // VNI: digits typed inside a word for marks (1–5 tones, 6–9 shapes, 0 removes); "f0" or "spo2" are known words and
  // never reach here.
  if (/\p{L}/u.test(token) && /\d/.test(token) && /\p{L}\d|\d\p{L}/u.test(token)) {
    const letters = token.replace(/\d/g, '');
    if (letters.length > 0) readings.push(letters);
    return readings;
  }
  if (!/^[a-z]+$/.test(token)) return readings;
  const shaped = dropTelexShapes(token);
  if (shaped !== token) readings.push(shaped);
  // A tone key at the end ("hongj") or right after the vowel ("tieesng" → "tiesng" → "tieng").
  for (let i = shaped.length - 1; i > 0; i--) {
    if (TELEX_TONES.includes(shaped[i]) && isVowel(shaped[i - 1]) === true) {
      readings.push(shaped.slice(0, i) + shaped.slice(i + 1));
    } else if (i === shaped.length - 1 && TELEX_TONES.includes(shaped[i]) && shaped.length >= 3) {
      readings.push(shaped.slice(0, i));
    }
  }
  return readings;
}
