import { resolve } from 'node:path';
import { analyze } from '../../src/nlp/analyzer';
import { inputMethodReadings } from '../../src/nlp/inputMethod';
import { foldSyllable, hasDiacritics, toneKey } from '../../src/nlp/normalize';
import { isVietnameseSyllable } from '../../src/nlp/syllable';
import { compileRules } from '../../src/nlp/textRules';
import { Vocabulary } from '../../src/nlp/vocabulary';
import { loadTextRules } from '../../src/kb/textRulesFile';

const KB = resolve(__dirname, '../../knowledge-base');
const loaded = loadTextRules(`${KB}/teencode.yaml`, `${KB}/synonyms.yaml`);
const rules = compileRules(loaded.rules);
const folds = (text: string, vocabulary?: Vocabulary) => analyze(text, rules, vocabulary).tokens.map((t) => t.fold);

describe('normalization keys', () => {
  it('settles tone placement, đ, case and i/y spelling so variants share one key', () => {
    expect(toneKey('Hòa')).toBe(toneKey('hoà'));
    expect(foldSyllable('Đồng')).toBe('dong');
    expect(foldSyllable('ký')).toBe(foldSyllable('kí'));
    expect(foldSyllable('quý')).toBe('qui');
    expect(foldSyllable('tuy')).toBe('tuy'); // a glide, not a consonant + y
  });

  it('knows whether the writer used diacritics', () => {
    expect(hasDiacritics('xét nghiệm')).toBe(true);
    expect(hasDiacritics('đc')).toBe(true);
    expect(hasDiacritics('xet nghiem')).toBe(false);
  });
});

describe('teencode, synonyms and fillers from knowledge-base/*.yaml', () => {
  it('loads both files without problems', () => {
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules.teencode.length).toBeGreaterThan(100);
  });

  it('expands abbreviations and collapses synonyms to one concept', () => {
    expect(folds('e ko dc tiem vx j')).toEqual(folds('em không được tiêm vắc xin gì'));
    expect(folds('chích ngừa vaccine')).toEqual(folds('tiêm vắc-xin'));
    expect(folds('xn pcr')).toEqual(folds('xét nghiệm xét nghiệm'));
    expect(folds('cô vy')).toEqual(folds('covid 19'));
  });

  it('reads an ambiguous form only in a context that settles it', () => {
    expect(folds('bn tuoi thi dc tiem')[0]).toBe('bao');
    expect(folds('quen mk')).toEqual(['quen', 'mat', 'khau']);
    expect(folds('dau hong')).toEqual(['dau', 'hong']); // "họng", never "không"
  });

  it('drops particles and forms of address but keeps words that only look like them without marks', () => {
    // "hoi" without marks may be hỏi, hội, hơi or hồi: kept.
    expect(folds('ad oi cho em hoi a')).toEqual(['oi', 'cho', 'hoi']);
    expect(folds('cho em hỏi ạ')).toEqual(['cho']);
    expect(folds('ở nhà')).toEqual(['o', 'nha']);
  });
});

describe('repairs against the index vocabulary (queries only)', () => {
  const vocabulary = new Vocabulary();
  for (const w of ['khong', 'duoc', 'xet', 'nghiem', 'sot', 'dau', 'tieng', 'com', 'bao']) vocabulary.add(w);
  vocabulary.seal();

  it('reads Telex and VNI leftovers when they give a known syllable', () => {
    expect(inputMethodReadings('sootj')).toContain('sot');
    expect(folds('khoong duowcj', vocabulary)).toEqual(['khong', 'duoc']);
    expect(folds('d9au', vocabulary)).toEqual(['dau']);
    expect(folds('tieesng', vocabulary)).toEqual(['tieng']);
  });

  it('corrects typos and a missing space, but not real syllables the base lacks', () => {
    const test = folds('xét nghiệm');
    expect(folds('xet nghiemm', vocabulary)).toEqual(test);
    expect(folds('xte nghiem', vocabulary)).toEqual(test);
    expect(folds('xetnghiem', vocabulary)).toEqual(test);
    expect(folds('khomg', vocabulary)).toEqual(['khong']);
    expect(isVietnameseSyllable('rao')).toBe(true);
    expect(folds('rao', vocabulary)).toEqual(['rao']); // "rào", not "bao"
  });

  it('leaves curated text as written (no vocabulary, no repair)', () => {
    expect(folds('xetnghiem')).toEqual(['xetnghiem']);
  });
});
