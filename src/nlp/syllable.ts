/**
 * Whether a fold-key token can be a Vietnamese syllable (onset + rhyme, spelling rules ignored where typing
 * ignores them). Typo correction only touches tokens that cannot: "com" (cơm) or "ninh" are real syllables the
 * base may simply not contain, while "khomg" or "nghiem" typed "nghjem" are not.
 */

const ONSETS = ['', 'b', 'c', 'ch', 'd', 'g', 'gh', 'gi', 'h', 'k', 'kh', 'l', 'm', 'n', 'ng', 'ngh', 'nh', 'p', 'ph', 'q', 'r', 's', 't', 'th', 'tr', 'v', 'x'];

// Rhymes on the fold key (ă/â → a, ê → e, ô/ơ → o, ư → u), so "ương" appears as "uong".
const RHYMES = [
  'a', 'ac', 'ach', 'ai', 'am', 'an', 'ang', 'anh', 'ao', 'ap', 'at', 'au', 'ay',
  'e', 'ec', 'ech', 'em', 'en', 'eng', 'enh', 'eo', 'ep', 'et', 'eu',
  'i', 'ia', 'ich', 'iec', 'iem', 'ien', 'ieng', 'iep', 'iet', 'ieu', 'im', 'in', 'inh', 'ip', 'it', 'iu',
  'o', 'oa', 'oac', 'oach', 'oai', 'oam', 'oan', 'oang', 'oanh', 'oao', 'oap', 'oat', 'oay', 'oc', 'oe', 'oen',
  'oeo', 'oet', 'oi', 'om', 'on', 'ong', 'ooc', 'oong', 'op', 'ot',
  'u', 'ua', 'uan', 'uang', 'uat', 'uay', 'uc', 'ue', 'uech', 'uen', 'uenh', 'uet', 'ui', 'um', 'un', 'ung', 'uo', 'uoc', 'uoi',
  'uom', 'uon', 'uong', 'uop', 'uot', 'uou', 'up', 'ut', 'uu', 'uy', 'uya', 'uych', 'uyen', 'uyet', 'uynh', 'uyt',
  'uyu',
  'y', 'yem', 'yen', 'yet', 'yeu',
];

const SYLLABLE = new RegExp(`^(?:${[...ONSETS].sort((a, b) => b.length - a.length).join('|')})(?:${RHYMES.join('|')})$`);

/** True for a fold-key token shaped like a Vietnamese syllable ("com", "nghiem", "quy"); false for "khomg", "test". */
export function isVietnameseSyllable(fold: string): boolean {
  return fold.length <= 7 && SYLLABLE.test(fold);
}
