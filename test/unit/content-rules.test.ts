/** Validation of what the content team edits: the bot's fixed texts, synonyms and teencode, and entries' messages. */
import path from 'node:path';
import fs from 'node:fs';
import { checkTemplates, parseRuleTexts, templateDefaults } from '../../src/content/textRules';
import { entryProblems } from '../../src/content/entryInput';
import { rowErrorText } from '../../src/content/messages';
import type { KbEntry } from '../../src/domain/kb';

const KB = path.resolve(__dirname, '../../knowledge-base');
const files = { teencode: fs.readFileSync(path.join(KB, 'teencode.yaml'), 'utf8'), synonyms: fs.readFileSync(path.join(KB, 'synonyms.yaml'), 'utf8') };

describe('templates', () => {
  const defaults = templateDefaults(KB);
  it('accepts the shipped texts and a reworded one that keeps its placeholders', () => {
    expect(checkTemplates(defaults, { ...defaults })).toEqual([]);
    expect(checkTemplates(defaults, { ...defaults, 'handoff.joined': 'Dạ, cán bộ {operatorName} xin hỗ trợ anh/chị ạ.' })).toEqual([]);
  });
  it('refuses a missing, unknown, empty, placeholder-losing or non-NFC text', () => {
    const { greeting: _g, ...withoutGreeting } = defaults;
    expect(checkTemplates(defaults, withoutGreeting)).toEqual([{ key: 'greeting', message: 'Thiếu mẫu câu "greeting".' }]);
    expect(checkTemplates(defaults, { ...defaults, 'loi.chao': 'Xin chào' })[0].message).toMatch(/không có trong danh sách/);
    expect(checkTemplates(defaults, { ...defaults, 'faq.fallback': '  ' })).toEqual([{ key: 'faq.fallback', message: 'Nội dung đang để trống.' }]);
    expect(checkTemplates(defaults, { ...defaults, 'handoff.joined': 'Dạ, {name} đang hỗ trợ ạ.' }).map((p) => p.message)).toEqual([
      'Thiếu chỗ điền {operatorName}: bot cần chỗ này để điền thông tin.',
      'Chỗ điền không được hỗ trợ: {name}.',
    ]);
    expect(checkTemplates(defaults, { ...defaults, greeting: 'Dạ, xin chào'.normalize('NFD') })[0].message).toMatch(/NFC/);
  });
});

describe('synonyms and teencode', () => {
  it('parses the shipped files', () => {
    const r = parseRuleTexts(files);
    expect(r.problems).toEqual({ teencode: [], synonyms: [] });
    expect(r.rules!.synonyms.length).toBeGreaterThan(5);
  });
  it('reports problems in Vietnamese with their line', () => {
    const r = parseRuleTexts({ teencode: files.teencode, synonyms: 'groups:\n  - name: vac\n    terms: [vắc xin]\n  - name: Tiem\n    terms: [tiêm, chích]\n  - name: x\n    terms: [tiêm, y]\n' });
    expect(r.rules).toBeUndefined();
    expect(r.problems.synonyms).toEqual([
      { line: 3, message: 'Mỗi nhóm cần ít nhất 2 từ.' },
      { line: 4, message: 'Tên nhóm "Tiem" chỉ được dùng chữ thường không dấu, chữ số và gạch ngang.' },
      { line: 7, message: 'Từ "tiêm" đã thuộc nhóm "Tiem" (dòng 5).' },
    ]);
    expect(parseRuleTexts({ teencode: 'rules: [', synonyms: files.synonyms }).problems.teencode[0].message).toMatch(/^Lỗi cú pháp YAML/);
  });
});

describe('entry messages', () => {
  const entry: KbEntry = { id: 'a-1', topic: 'a', question: 'Hỏi gì?', alternatives: ['Hỏi gì vậy?'], keywords: [], answer: '', source: { issuer: 'Bộ Y tế', document: 'QĐ 1', date: '2021-02-30' }, reviewedAt: '' };
  it('explains every rule an entry breaks, in Vietnamese', () => {
    expect(entryProblems(entry).map((p) => p.message)).toEqual([
      'Câu trả lời: chưa điền.',
      'Cần ít nhất 2 cách hỏi khác (hiện có 1).',
      'Ngày văn bản không phải ngày hợp lệ (dạng NĂM-THÁNG-NGÀY, ví dụ 2021-09-20): "2021-02-30".',
      'Ngày rà soát: chưa điền.',
    ]);
  });
  it('translates spreadsheet row errors', () => {
    expect(rowErrorText({ row: 1, column: 'dap_an', code: 'unknown-column', reason: 'unknown column "dap_an" (known: …)' })).toBe('Cột không được hỗ trợ: "dap_an".');
    expect(rowErrorText({ row: 4, code: 'column-count', reason: 'has 3 cells, the header has 5' })).toBe('Dòng có 3 ô, trong khi dòng tiêu đề có 5 cột.');
    expect(rowErrorText({ row: 7, column: 'id', code: 'duplicate-id', reason: 'duplicate id "x-1" (first in row 3)' })).toBe('Mã "x-1" bị trùng (đã có ở dòng 3).');
  });
});
