/**
 * Speech-ready text for the voice gateway's text-to-speech: no links, markdown or emoji; abbreviations, phone
 * numbers, dates and symbols written the way a Vietnamese speaker reads them; long answers cut into short chunks.
 */

const DIGIT_WORDS = ['không', 'một', 'hai', 'ba', 'bốn', 'năm', 'sáu', 'bảy', 'tám', 'chín'];

/** "1022" → "một không hai hai". */
export function readDigits(digits: string): string {
  return [...digits.replace(/\D/g, '')].map((d) => DIGIT_WORDS[Number(d)]).join(' ');
}

// Letters and digits of any script: word boundaries that also work around Vietnamese letters.
const B = '(?<![\\p{L}\\p{N}])';
const E = '(?![\\p{L}\\p{N}])';
const word = (w: string) => new RegExp(`${B}${w}${E}`, 'gu');

/** Abbreviations as read aloud, longest first where one contains another. Case-sensitive: "CT" is not "ct". */
const HYPHENATED: Array<[RegExp, string]> = [
  [word('RT-PCR'), 'rê tê pê xê e'],
  [word('SARS-Co[Vv]-2'), 'sát cô vi hai'],
  [/(?<![\p{L}\p{N}])(COVID|Covid|covid)-19(?![\p{L}\p{N}])/gu, 'cô vít mười chín'],
];
const ABBREVIATIONS: Array<[RegExp, string]> = [
  [/(?<![\p{L}\p{N}])TP\.\s*HCM(?![\p{L}\p{N}])/gu, 'thành phố Hồ Chí Minh'],
  [/(?<![\p{L}\p{N}])T[Pp]\.\s*/gu, 'thành phố '],
  [/(?<![\p{L}\p{N}])TX\.\s*/gu, 'thị xã '],
  [word('HCM'), 'Hồ Chí Minh'],
  [word('TP'), 'thành phố'],
  [word('PCR'), 'pê xê e'],
  [word('(COVID|Covid)'), 'cô vít'],
  [word('UBND'), 'ủy ban nhân dân'],
  [word('HĐND'), 'hội đồng nhân dân'],
  [word('BCĐ'), 'ban chỉ đạo'],
  [word('BYT'), 'Bộ Y tế'],
  [word('SYT'), 'Sở Y tế'],
  [word('TTYT'), 'trung tâm y tế'],
  [word('TYT'), 'trạm y tế'],
  [word('BV'), 'bệnh viện'],
  [word('BHYT'), 'bảo hiểm y tế'],
  [word('CCCD'), 'căn cước công dân'],
  [word('CMND'), 'chứng minh nhân dân'],
  [word('KBYT'), 'khai báo y tế'],
  [word('SĐT'), 'số điện thoại'],
  [word('ĐT'), 'điện thoại'],
  [word('QĐ'), 'quyết định'],
  [word('NĐ'), 'nghị định'],
  [word('NQ'), 'nghị quyết'],
  [word('CT'), 'chỉ thị'],
  [word('TTg'), 'Thủ tướng'],
  [word('CP'), 'Chính phủ'],
  [word('CDC'), 'xê đê xê'],
  [word('WHO'), 'Tổ chức Y tế Thế giới'],
  [word('SpO2'), 'chỉ số ô xy trong máu'],
  [word('km'), 'ki lô mét'],
  [/v\.v\./g, 'vân vân'],
];

// Numbers read digit by digit: hotlines and emergency numbers.
const SERVICE_NUMBER = new RegExp(`${B}(1022|111|112|113|114|115|116|1080|18001119)${E}`, 'gu');
const PREMIUM_NUMBER = new RegExp(`${B}(1[89]00)[\\s.]?(\\d{4}|\\d{3}[\\s.]?\\d{3})${E}`, 'gu');
// Phone numbers: a leading 0 and 8 to 11 digits in all, maybe in groups ("0271 1022", "0912.345.678", "(0271) 3879 115").
const PHONE = /(?<![\p{L}\p{N}])\(?0\d{1,4}\)?(?:[\s.-]?\d{2,4}){0,4}(?![\p{L}\p{N}])/gu;
const PLUS84 = /\+84[\s.]?(\d)/g;

const valid = (day: number, month: number) => day >= 1 && day <= 31 && month >= 1 && month <= 12;

function readDates(text: string): string {
  return text
    .replace(/(?<![\p{L}\p{N}])(ngày\s+)?(\d{1,2})[/.-](\d{1,2})[/.-]((?:19|20)\d{2})(?![\p{L}\p{N}])/giu, (all, _d, day, month, year) =>
      valid(+day, +month) ? `ngày ${+day} tháng ${+month} năm ${year}` : all,
    )
    .replace(/(?<![\p{L}\p{N}/])(ngày\s+)?(\d{1,2})\/(\d{1,2})(?![\p{L}\p{N}/])/giu, (all, _d, day, month) => (valid(+day, +month) ? `ngày ${+day} tháng ${+month}` : all))
    .replace(/(?<![\p{L}\p{N}])(\d{1,2})[hg:](\d{2})(?![\p{L}\p{N}])/gu, (all, h, m) => (+h <= 24 && +m < 60 ? `${+h} giờ ${m === '00' ? '' : +m}`.trim() : all))
    .replace(/(?<![\p{L}\p{N}])(\d{1,2})\s*h(?![\p{L}\p{N}])/gu, (all, h) => (+h <= 24 ? `${+h} giờ` : all));
}

function readPhoneNumbers(text: string): string {
  return text
    .replace(PLUS84, (_all, first) => `0${first}`)
    .replace(PREMIUM_NUMBER, (_all, a, b) => `${readDigits(a)}, ${readDigits(b)}`)
    .replace(PHONE, (match) => {
      const digits = match.replace(/\D/g, '');
      if (digits.length < 3 || digits.length > 12) return match;
      // Groups as written, a short pause between them.
      const groups = match.replace(/[()]/g, '').split(/[\s.-]+/).filter(Boolean);
      return groups.map(readDigits).join(', ');
    })
    .replace(SERVICE_NUMBER, (n) => readDigits(n));
}

/** Removes what cannot be spoken: links, e-mail markup, markdown, emoji. */
function stripVisual(text: string): string {
  return text
    .replace(/\[([^\]]+)\]\([^)]*\)/g, '$1') // markdown links keep their words
    // A link cannot be heard: it goes, with the words that pointed at it.
    .replace(/(?:\s*(?:(?:xem(?: thêm)?|truy cập)(?: vào| tại| ở)?(?: trang| website| trang web)?|tại|ở|theo đường dẫn|đường dẫn|link)\s*:?)?\s*\b(?:https?:\/\/|www\.)\S+/giu, '')
    .replace(/[\p{Extended_Pictographic}\u{FE0F}\u{200D}\u{20E3}]/gu, '')
    .replace(/(\*\*|__|~~|`+)/g, '')
    .replace(/(?<![\p{L}\p{N}])[*_](\S[^*_]*?)[*_](?![\p{L}\p{N}])/gu, '$1')
    .replace(/^\s{0,3}#{1,6}\s+/gm, '')
    .replace(/^\s*>\s?/gm, '')
    .replace(/^\s*[-*•+·–]\s+/gm, '')
    .replace(/^\s*(\d{1,2})[.)]\s+/gm, '$1, ');
}

function readSymbols(text: string): string {
  return text
    .replace(/([\p{L}.\d_-]+)@([\p{L}\d-]+(?:\.[\p{L}\d-]+)+)/gu, (_all, user: string, domain: string) => `${user} a còng ${domain.split('.').join(' chấm ')}`)
    .replace(/(?<![\p{L}\p{N}@.])((?:[a-z0-9-]+\.)+(?:vn|com|org|net|gov|info))(?![\p{L}\p{N}])/giu, (domain: string) => domain.split('.').join(' chấm '))
    .replace(/(\d)\s*%/g, '$1 phần trăm')
    .replace(/%/g, ' phần trăm')
    .replace(/(\d)\s*[-–]\s*(\d)/g, '$1 đến $2')
    .replace(/(?<![\p{L}\p{N}])(anh|Anh)\/chị(?![\p{L}\p{N}])/gu, '$1 chị')
    .replace(/(?<![\p{L}\p{N}])(ông|Ông)\/bà(?![\p{L}\p{N}])/gu, '$1 bà')
    .replace(/(\p{L})\s*\/\s*(\p{L})/gu, '$1 hoặc $2')
    .replace(/\//g, ' ')
    .replace(/&/g, ' và ')
    .replace(/[()[\]{}]/g, ', ')
    .replace(/["“”«»]/g, '')
    .replace(/\.{2,}|…/g, '.');
}

/** Line breaks end sentences; spaces and punctuation tidied. */
function tidy(text: string): string {
  return text
    .split(/\n+/)
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => line.replace(/[\s,;:]+$/, ''))
    .filter(Boolean)
    .map((line) => (/[.!?]$/.test(line) ? line : `${line}.`))
    .join(' ')
    .replace(/\s+([,.!?;:])/g, '$1')
    .replace(/([.!?])\s*[,;:]/g, '$1')
    .replace(/([,;:])\s*([,.;:])/g, '$2')
    .replace(/\.\s*\./g, '.')
    .replace(/,\s*\./g, '.')
    .replace(/\s{2,}/g, ' ')
    .replace(/^[\s,.;:]+/, '')
    .trim();
}

/** A reply as the voice gateway should speak it. */
export function toSpeech(text: string): string {
  let out = stripVisual(text.normalize('NFC'));
  for (const [pattern, spoken] of HYPHENATED) out = out.replace(pattern, spoken);
  // Document numbers: "16/CT-TTg" → "số 16 của TTg" (then "Thủ tướng"), "4038/QĐ-BYT" → "số 4038 của Bộ Y tế".
  out = out.replace(/(?<![\p{L}\p{N}])(\d+)\/\p{Lu}+-(\p{Lu}\p{L}*)(?![\p{L}\p{N}])/gu, 'số $1 của $2');
  for (const [pattern, spoken] of ABBREVIATIONS) out = out.replace(pattern, spoken);
  out = out.replace(new RegExp(`${B}F([0-5])${E}`, 'gu'), (_all, d) => `ép ${DIGIT_WORDS[Number(d)]}`);
  out = readDates(out);
  out = readPhoneNumbers(out);
  out = readSymbols(out);
  return tidy(out);
}

/** Sentences of a speech text. */
export function sentences(text: string): string[] {
  return text
    .split(/(?<=[.!?])\s+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Cuts a speech text into chunks of at most `max` characters, on sentence boundaries (commas, then words, when a sentence is longer). */
export function chunkSpeech(text: string, max = 350): string[] {
  const pieces: string[] = [];
  for (const sentence of sentences(text)) {
    if (sentence.length <= max) {
      pieces.push(sentence);
      continue;
    }
    let current = '';
    for (const part of sentence.split(/(?<=,)\s+|\s+/)) {
      if (current && current.length + 1 + part.length > max) {
        pieces.push(current);
        current = part;
      } else current = current ? `${current} ${part}` : part;
    }
    if (current) pieces.push(current);
  }
  const chunks: string[] = [];
  for (const piece of pieces) {
    const last = chunks[chunks.length - 1];
    if (last !== undefined && last.length + 1 + piece.length <= max) chunks[chunks.length - 1] = `${last} ${piece}`;
    else chunks.push(piece);
  }
  return chunks;
}
