import { resolve } from 'node:path';
import type { KbEntry } from '../../src/domain/kb';
import { loadTextRules } from '../../src/kb/textRulesFile';
import { buildRetriever, decide, DEFAULT_SETTINGS, DEFAULT_THRESHOLDS, suggestions } from '../../src/nlp/retriever';
import { compileRules } from '../../src/nlp/textRules';

const KB = resolve(__dirname, '../../knowledge-base');
const rules = compileRules(loadTextRules(`${KB}/teencode.yaml`, `${KB}/synonyms.yaml`).rules);

function entry(id: string, question: string, alternatives: string[] = [], answer = 'Dạ, câu trả lời.', keywords: string[] = []): KbEntry {
  return {
    id,
    topic: 't',
    question,
    alternatives,
    keywords,
    answer,
    source: { issuer: 'Bộ Y tế', document: 'QĐ 1', date: '2021-01-01' },
    reviewedAt: '2021-09-01',
  };
}

const base = [
  entry('isolation-days', 'F1 phải cách ly bao nhiêu ngày?', ['Thời gian cách ly của người tiếp xúc gần là bao lâu?']),
  entry('vaccine-where', 'Tiêm vắc xin COVID-19 ở đâu?', ['Đăng ký tiêm chủng ở đâu?']),
  entry('test-cost', 'Xét nghiệm COVID-19 có mất tiền không?', ['Làm test PCR tốn bao nhiêu?']),
  entry('fever', 'Bị sốt mũi thì phải làm gì?', [], 'Dạ, anh/chị hãy đo nhiệt độ và báo trạm y tế.'),
  entry('missed', 'Bỏ sót mũi thì phải làm gì?', [], 'Dạ, anh/chị liên hệ điểm tiêm để được tiêm bù.'),
  entry('hotline-hours', 'Tổng đài 1022 làm việc giờ nào?', ['Mấy giờ thì gọi được tổng đài?']),
];
const retriever = buildRetriever(base, rules);
const top = (text: string) => retriever.search(text).matches[0]?.id;

describe('retriever ranking', () => {
  it('finds the entry for a question typed without diacritics, with teencode or a typo', () => {
    expect(top('f1 cach ly bao nhieu ngay')).toBe('isolation-days');
    expect(top('chich vx o dau v ad')).toBe('vaccine-where');
    expect(top('xn pcr het bn tien')).toBe('test-cost');
    expect(top('tong dai lam viec gio nao')).toBe('hotline-hours');
    expect(top('tổng đài làm viêc giờ nào')).toBe('hotline-hours');
  });

  it('prefers the entry whose diacritics match exactly when the citizen typed them', () => {
    // "sốt" (fever) and "sót" (missed) fold to the same "sot".
    expect(top('sốt mũi thì phải làm gì')).toBe('fever');
    expect(top('sót mũi thì phải làm gì')).toBe('missed');
    // Typed without marks, the two are equally good: both come first or second.
    const both = retriever.search('sot mui thi phai lam gi').matches.slice(0, 2).map((m) => m.id).sort();
    expect(both).toEqual(['fever', 'missed']);
  });

  it('returns at most the requested number of matches, best first, scores in [0, 1]', () => {
    const r = retriever.search('tiêm vắc xin ở đâu', 3);
    expect(r.matches.length).toBeLessThanOrEqual(3);
    for (let i = 1; i < r.matches.length; i++) expect(r.matches[i].score).toBeLessThanOrEqual(r.matches[i - 1].score);
    for (const m of r.matches) expect(m.score).toBeGreaterThanOrEqual(0);
    for (const m of r.matches) expect(m.score).toBeLessThanOrEqual(1);
    expect(r.confidence).toBeGreaterThan(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
  });

  it('without Vietnamese normalization the same question typed without marks is missed', () => {
    const plain = buildRetriever(base, rules, { ...DEFAULT_SETTINGS, vietnamese: false });
    expect(plain.search('xet nghiem co mat tien ko').matches[0]?.id).not.toBe('test-cost');
    expect(top('xet nghiem co mat tien ko')).toBe('test-cost');
  });

  it('handles an empty base and an empty question', () => {
    expect(buildRetriever([], rules).search('xin chào').matches).toEqual([]);
    expect(retriever.search('   ?!').matches).toEqual([]);
  });
});

describe('decision', () => {
  it('answers a clear question, falls back on an unrelated one', () => {
    expect(decide(retriever.search('F1 phải cách ly bao nhiêu ngày?'))).toBe('answer');
    expect(decide(retriever.search('giá vàng hôm nay thế nào'))).toBe('fallback');
  });

  it('suggests when two entries are close, and offers those entries', () => {
    const twins = buildRetriever(
      [entry('a', 'Tiêm mũi 2 ở đâu?'), entry('b', 'Tiêm mũi 2 khi nào?'), entry('c', 'Tổng đài 1022 làm việc giờ nào?')],
      rules,
    );
    const r = twins.search('tiem mui 2');
    expect(decide(r)).toBe('suggest');
    expect(suggestions(r).map((m) => m.id).sort()).toEqual(['a', 'b']);
  });

  it('follows the thresholds it is given', () => {
    const r = retriever.search('F1 phải cách ly bao nhiêu ngày?');
    expect(decide(r, { ...DEFAULT_THRESHOLDS, answer: 1.01 })).toBe('suggest');
    expect(decide(r, { ...DEFAULT_THRESHOLDS, answer: 1.01, suggest: 1.01 })).toBe('fallback');
    expect(decide({ matches: [], confidence: 0 })).toBe('fallback');
  });
});
