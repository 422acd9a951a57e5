/**
 * Vietnamese text keys for matching (../shared/reference/vietnamese.md §1). Answers are shown in their own
 * spelling; only matching keys are canonicalized.
 */

const ZERO_WIDTH = /[\u200B-\u200D\uFEFF]/g;

// Tone marks on the glides oa/oe/uy in open syllables: canonical key puts the tone on the second vowel
// ("hoà"-style): hòa → hoà, khỏe → khoẻ, thủy → thuỷ.
const TONES = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];
const GLIDES: Array<[string, string]> = [
  ['o', 'a'],
  ['o', 'e'],
  ['u', 'y'],
];
const TONE_PLACEMENT: Array<[RegExp, string]> = [];
for (const [first, second] of GLIDES) {
  for (const tone of TONES) {
    const marked = (first + tone).normalize('NFC');
    const target = (second + tone).normalize('NFC');
    // Only where no letter follows (an open syllable); "qu" + y keeps its tone on y anyway.
    TONE_PLACEMENT.push([new RegExp(`${marked}${second}(?![\\p{L}])`, 'gu'), `${first}${target}`]);
  }
}

/** NFC, zero-width characters removed, Icelandic Eth repaired to Đ. Apply at every input boundary. */
export function cleanText(text: string): string {
  return text.normalize('NFC').replace(ZERO_WIDTH, '').replace(/\u00D0/g, '\u0110');
}

/** Canonical-toned, lower-cased NFC key: keeps diacritics, so an exact-diacritic match can be preferred. */
export function toneKey(text: string): string {
  let key = cleanText(text).toLowerCase();
  for (const [pattern, replacement] of TONE_PLACEMENT) key = key.replace(pattern, replacement);
  return key;
}

/** ASCII-folded key: every mark removed, đ → d. */
export function foldKey(text: string): string {
  return cleanText(text)
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd');
}

/** Splits into syllable tokens (letters and digits), on the given key. */
export function syllables(key: string): string[] {
  return key.match(/[\p{L}\p{N}]+/gu) ?? [];
}

/** True when the text carries any Vietnamese mark (tone, vowel mark or đ), i.e. its fold key differs. */
export function hasDiacritics(text: string): boolean {
  return foldKey(text) !== cleanText(text).toLowerCase();
}

// A syllable made of consonants + final "y" (ký, lý, mỹ, sỹ, quy) is written with "i" just as often (kí, lí, mĩ, sĩ,
// qui); "ay"/"uy" after a vowel are different rhymes and stay.
const CONSONANT_Y = /^(?:[bcdghklmnprstvx]+|qu)y$/;

// Syllables repeat endlessly and folding one costs two Unicode normalizations: remember them (bounded).
const foldCache = new Map<string, string>();
const FOLD_CACHE_LIMIT = 100_000;

/** Fold key of one syllable with the i/y spelling variance settled: "ky" → "ki", "quy" → "qui". */
export function foldSyllable(syllable: string): string {
  let fold = foldCache.get(syllable);
  if (fold !== undefined) return fold;
  fold = foldKey(syllable);
  if (CONSONANT_Y.test(fold)) fold = fold.slice(0, -1) + 'i';
  if (foldCache.size >= FOLD_CACHE_LIMIT) foldCache.clear();
  foldCache.set(syllable, fold);
  return fold;
}
