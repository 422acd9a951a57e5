import type { KbEntry } from '../../src/domain/kb';
import { LiveIndex } from '../../src/kb/liveIndex';

function entry(id: string, question: string, answer: string): KbEntry {
  return {
    id,
    topic: 't',
    question,
    alternatives: [],
    keywords: [],
    answer,
    source: { issuer: 'x', document: 'y', date: '2021-01-01' },
    reviewedAt: '2021-01-01',
  };
}

const oldBase = [entry('hours', 'Tổng đài làm việc mấy giờ?', 'Dạ, 7 giờ đến 17 giờ.')];
const filler = Array.from({ length: 400 }, (_, i) => entry(`filler-${i}`, `Câu hỏi mẫu số ${i} về chủ đề khác`, 'Dạ.'));
const newBase = [entry('hours', 'Tổng đài làm việc mấy giờ?', 'Dạ, 24 giờ mỗi ngày.'), ...filler];

describe('LiveIndex', () => {
  it('starts empty and serves the published base', () => {
    const index = new LiveIndex();
    expect(index.search('tổng đài mấy giờ').matches).toEqual([]);
    index.publishNow(oldBase);
    const r = index.search('tong dai lam viec may gio');
    expect(r.entries[0].answer).toBe('Dạ, 7 giờ đến 17 giờ.');
    expect(r.version).toBe(1);
  });

  it('keeps answering from the old index while a new one is built, then swaps at once', async () => {
    const index = new LiveIndex({ sliceMs: 0 }); // yield after every entry: the build spans many event-loop turns
    index.publishNow(oldBase);
    const seen: Array<{ version: number; answer: string; size: number }> = [];
    let building = true;
    const probe = () => {
      const r = index.search('tong dai lam viec may gio');
      seen.push({ version: r.version, answer: r.entries[0].answer, size: index.current.entries.size });
      if (building) setImmediate(probe);
    };
    setImmediate(probe);
    const published = await index.publish(newBase);
    building = false;
    expect(published?.version).toBe(2);
    const during = seen.filter((s) => s.version === 1);
    expect(during.length).toBeGreaterThan(10); // queries ran (did not block) during the build
    // Every answer is consistent with its own snapshot: never a half-built index.
    for (const s of seen) {
      expect(s).toEqual(s.version === 1 ? { version: 1, answer: 'Dạ, 7 giờ đến 17 giờ.', size: 1 } : { version: 2, answer: 'Dạ, 24 giờ mỗi ngày.', size: 401 });
    }
    expect(index.search('tong dai may gio').entries[0].answer).toBe('Dạ, 24 giờ mỗi ngày.');
  });

  it('lets the newest of two overlapping publishes win', async () => {
    const index = new LiveIndex({ sliceMs: 0 });
    const first = index.publish(newBase);
    const second = index.publish(oldBase);
    expect(await first).toBeUndefined();
    expect((await second)?.entries.size).toBe(1);
    expect(index.current.entries.size).toBe(1);
    expect(index.search('tong dai may gio').entries[0].answer).toBe('Dạ, 7 giờ đến 17 giờ.');
  });
});
