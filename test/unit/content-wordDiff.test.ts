/** Word-level differences between versions of an entry, as the history shows them. */
import { diffWords } from '../../src/content/wordDiff';
import { diffEntries } from '../../src/content/history';
import type { KbEntry } from '../../src/domain/kb';

const join = (segments: ReturnType<typeof diffWords>, ops: string[]) => segments.filter((s) => ops.includes(s.op)).map((s) => s.text).join('');

describe('diffWords', () => {
  it('marks the words that changed and keeps the rest as they were', () => {
    const before = 'Dạ, F1 cách ly 14 ngày tại nhà.';
    const after = 'Dạ, F1 cách ly 7 ngày tại nhà và xét nghiệm ngày thứ 7.';
    const d = diffWords(before, after);
    expect(d.filter((s) => s.op === 'del').map((s) => s.text.trim())).toEqual(['14', 'nhà.']);
    expect(d.filter((s) => s.op === 'ins').map((s) => s.text.trim())).toEqual(['7', 'nhà và xét nghiệm ngày thứ 7.']);
    expect(join(d, ['eq', 'ins'])).toBe(after);
    expect(join(d, ['eq', 'del']).replace(/\s+/g, ' ').trim()).toBe(before);
  });

  it('handles empty texts and identical texts', () => {
    expect(diffWords('', 'Mới')).toEqual([{ op: 'ins', text: 'Mới' }]);
    expect(diffWords('Cũ', '')).toEqual([{ op: 'del', text: 'Cũ' }]);
    expect(diffWords('Giống nhau', 'Giống nhau')).toEqual([{ op: 'eq', text: 'Giống nhau' }]);
  });

  it('stays fast on long answers', () => {
    const words = Array.from({ length: 3000 }, (_, i) => `từ${i}`);
    const changed = [...words];
    changed[1500] = 'khác';
    const t = Date.now();
    const d = diffWords(words.join(' '), changed.join(' '));
    expect(Date.now() - t).toBeLessThan(500);
    expect(d.filter((s) => s.op !== 'eq').map((s) => s.text.trim())).toEqual(['từ1500', 'khác']);
  });
});

describe('diffEntries', () => {
  const base: KbEntry = {
    id: 'x-001', topic: 'x', question: 'Hỏi?', alternatives: ['hoi', 'hỏi gì'], keywords: ['a'], answer: 'Trả lời.',
    source: { issuer: 'Bộ Y tế', document: 'QĐ 1', date: '2021-01-01' }, reviewedAt: '2021-02-01',
  };
  it('lists only the fields that changed, lists one item per line', () => {
    const changes = diffEntries(base, { ...base, alternatives: ['hoi', 'hỏi gì', 'hoi gi vay'], source: { ...base.source, document: 'QĐ 2' } });
    expect(changes.map((c) => c.field)).toEqual(['alternatives', 'source']);
    expect(changes[0].segments).toEqual([{ op: 'eq', text: 'hoi\nhỏi gì\n' }, { op: 'ins', text: 'hoi gi vay' }]);
  });
  it('shows every field of a first version as added', () => {
    expect(diffEntries(undefined, base).map((c) => c.field)).toEqual(['topic', 'question', 'alternatives', 'keywords', 'answer', 'source', 'reviewedAt']);
  });
});
