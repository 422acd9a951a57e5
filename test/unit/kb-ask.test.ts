import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'kb-ask-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function ask(lines: string[], kb: string): Array<Record<string, any>> {
  const out = execFileSync(process.execPath, ['--import', 'tsx', resolve(ROOT, 'scripts/ask.ts'), '--kb', kb], {
    cwd: ROOT,
    input: lines.join('\n') + '\n',
    encoding: 'utf8',
  });
  return out.trim().split('\n').map((l) => JSON.parse(l));
}

describe('ask command', () => {
  const csv = join(dir, 'base.csv');
  writeFileSync(
    csv,
    'id,question,answer\r\n' +
      'f1-days,F1 phải cách ly bao nhiêu ngày?,"Dạ, F1 cách ly 14 ngày."\r\n' +
      'vx-where,Tiêm vắc xin ở đâu?,"Dạ, tại trạm y tế."\r\n' +
      'hours,Tổng đài 1022 làm việc giờ nào?,"Dạ, cả ngày."\r\n',
  );

  it('answers each line in order, from the --kb base, and reports bad lines without stopping', () => {
    const out = ask(
      [
        '{"id": 7, "text": "f1 cach ly bao nhieu ngay"}',
        'not json',
        '{"text": "giá vàng hôm nay"}',
        '{"id": "x", "text": 3}',
        '{"id": [1], "text": "mẹ em khó thở, môi tím tái"}',
      ],
      csv,
    );
    expect(out).toHaveLength(5);
    expect(out[0]).toMatchObject({ id: 7, text: 'f1 cach ly bao nhieu ngay', decision: 'answer', reply: 'Dạ, F1 cách ly 14 ngày.' });
    expect(out[0].matches[0]).toEqual({ id: 'f1-days', score: expect.any(Number) });
    expect(out[0].matches.length).toBeLessThanOrEqual(5);
    expect(out[0].urgent).toEqual({ level: 'none', symptoms: [] });
    expect(out[1]).toEqual({ id: null, error: 'not valid JSON' });
    expect(out[2]).toMatchObject({ id: null, decision: 'fallback' });
    expect(out[2].reply).toMatch(/^Dạ, /);
    expect(out[3]).toEqual({ id: 'x', error: '"text" must be a string' });
    expect(out[4].id).toEqual([1]);
    expect(out[4].urgent.level).not.toBe('none');
    expect(out[4].reply).toMatch(/115/); // the safety message alone, never a curated answer
  });

  it('refuses a --kb file with a bad row and says which row', () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'id,question,answer\r\na,Hỏi?,Đáp.\r\na,Hỏi lại?,Đáp.\r\n');
    expect(() => ask(['{"text":"x"}'], bad)).toThrow(/row 3 \(id\): duplicate id "a"/);
  });
});
