import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKnowledgeBase } from '../../src/kb/loader';
import { formatProblem } from '../../src/kb/problems';
import { parseSynonyms, parseTeencode } from '../../src/kb/textRulesFile';

const GOOD = `topic: vaccine
title: Tiêm chủng
entries:
  - id: vx-001
    question: Tiêm vắc xin ở đâu?
    alternatives:
      - Đăng ký tiêm chủng ở đâu?
      - tiem vx o dau vay
    keywords: [tiêm, địa điểm]
    answer: Dạ, anh/chị tiêm tại trạm y tế xã/phường.
    source:
      issuer: Bộ Y tế
      document: Quyết định 1
      date: 2021-06-01
    reviewedAt: 2021-09-20
`;

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kb-loader-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('loadKnowledgeBase', () => {
  it('loads a valid topic file into entries with their topic', () => {
    write('vaccine.yaml', GOOD);
    const base = loadKnowledgeBase(dir);
    expect(base.problems).toEqual([]);
    expect(base.entries).toHaveLength(1);
    expect(base.entries[0]).toMatchObject({ id: 'vx-001', topic: 'vaccine', keywords: ['tiêm', 'địa điểm'] });
    expect(base.entries[0].source.date).toBe('2021-06-01');
  });

  it('reports every problem with its file and line', () => {
    const broken = GOOD.replace('    answer: Dạ, anh/chị tiêm tại trạm y tế xã/phường.\n', '    answer: ""\n')
      .replace('      date: 2021-06-01', '      date: 2021-02-30')
      .replace('      issuer: Bộ Y tế\n', '');
    write('a.yaml', GOOD);
    const file = write('b.yaml', broken.replace('topic: vaccine', 'topic: vaccine-2'));
    const { problems } = loadKnowledgeBase(dir);
    const lines = problems.map(formatProblem);
    expect(lines).toEqual(
      expect.arrayContaining([
        expect.stringMatching(new RegExp(`^${file}:4: \\[vx-001\\] duplicate id "vx-001" \\(first at .*a\\.yaml:4\\)`)),
        `${file}:10: [vx-001] answer is empty`,
        `${file}:12: [vx-001] source issuer is empty`,
        `${file}:13: [vx-001] source date "2021-02-30" is not a date (YYYY-MM-DD)`,
      ]),
    );
  });

  it('refuses too few alternatives, none typed the citizen way, a missing source, text not in NFC', () => {
    const one = GOOD.replace('      - tiem vx o dau vay\n', '');
    write('one.yaml', one.replace('vx-001', 'vx-002'));
    const formal = GOOD.replace('tiem vx o dau vay', 'Tiêm vắc xin tại đâu?');
    write('formal.yaml', formal.replace('vx-001', 'vx-003'));
    const noSource = GOOD.replace(/    source:\n(.*\n){3}/, '');
    write('nosource.yaml', noSource.replace('vx-001', 'vx-004'));
    write('nfd.yaml', GOOD.replace('vx-001', 'vx-005').replace('Tiêm vắc xin ở đâu?', 'Tiêm vắc xin ở đâu?'.normalize('NFD')));
    const messages = loadKnowledgeBase(dir).problems.map((p) => `${p.file.replace(dir, '')}:${p.line} ${p.code}`);
    expect(messages.sort()).toEqual([
      '/formal.yaml:7 no-citizen-phrasing',
      '/nfd.yaml:5 not-nfc',
      '/nosource.yaml:4 empty',
      '/one.yaml:7 too-few-alternatives',
    ]);
  });

  it('reports a YAML syntax error with its line and loads nothing from that file', () => {
    write('bad.yaml', 'topic: x\ntitle: y\nentries:\n  - id: [unclosed\n');
    const base = loadKnowledgeBase(dir);
    expect(base.entries).toEqual([]);
    expect(base.problems[0].message).toMatch(/^YAML syntax/);
    expect(base.problems[0].line).toBeGreaterThanOrEqual(4);
  });
});

describe('teencode.yaml and synonyms.yaml validation', () => {
  it('reports broken rules with their line', () => {
    const { problems } = parseTeencode('rules:\n  - { forms: [ko], means: không }\n  - { forms: [ko], means: có }\n  - { forms: [], means: x }\n  - { forms: [Ko2], means: a, befor: [x] }\n', 't.yaml');
    const lines = problems.map(formatProblem);
    expect(lines).toContain('t.yaml:3: form "ko" already expands at line 2');
    expect(lines).toContain('t.yaml:4: forms is empty');
    expect(lines).toContain('t.yaml:5: unknown key "befor"');
    expect(lines).toContain('t.yaml:5: form "Ko2" must be lower case');
  });

  it('refuses a term in two groups and a one-term group', () => {
    const { problems } = parseSynonyms('groups:\n  - name: vaccine\n    terms: [vắc xin, vaccine]\n  - name: shot\n    terms: [vac xin]\n', 's.yaml');
    expect(problems.map(formatProblem)).toEqual([
      's.yaml:5: a group needs at least 2 terms',
      's.yaml:5: term "vac xin" is also in group "vaccine" (line 3)',
    ]);
  });
});
