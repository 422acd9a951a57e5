import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fill, loadTemplates } from '../../src/kb/templates';

describe('templates', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kb-templates-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads flat and nested keys, and fills placeholders', () => {
    const file = join(dir, 't.yaml');
    writeFileSync(file, 'faq.fallback: Dạ, chưa tìm thấy.\nfaq:\n  suggest: "Dạ, có phải anh/chị muốn hỏi: {options}"\n');
    const t = loadTemplates(file);
    expect(t['faq.fallback']).toBe('Dạ, chưa tìm thấy.');
    expect(fill(t['faq.suggest'], { options: '1. A' })).toBe('Dạ, có phải anh/chị muốn hỏi: 1. A');
    expect(fill('{a} và {b}', { a: 1 })).toBe('1 và {b}');
  });

  it('refuses a key defined twice or an empty text, naming the line', () => {
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, 'a: x\nfaq:\n  b: y\nfaq.b: z\nc: ""\n');
    expect(() => loadTemplates(file)).toThrow(/bad\.yaml:4: template "faq\.b" is defined twice[\s\S]*bad\.yaml:5: template "c" must be non-empty text/);
  });

  it('has every text the ask command needs in knowledge-base/templates.yaml', () => {
    const t = loadTemplates(resolve(__dirname, '../../knowledge-base/templates.yaml'));
    for (const key of ['faq.suggest', 'faq.suggest.option', 'faq.fallback', 'urgent.safety', 'emergency.safety']) expect(t[key]).toBeTruthy();
  });
});
