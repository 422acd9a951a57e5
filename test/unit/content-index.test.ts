/**
 * Publishing reuses what the previous build learnt (src/nlp/retriever.ts BuildMemory): after entries change, are
 * added and removed, the live index answers exactly as an index built from scratch — and faster.
 */
import path from 'node:path';
import { loadKnowledgeBase } from '../../src/kb/loader';
import { LiveIndex } from '../../src/kb/liveIndex';
import { loadRules } from '../../src/kb/publishedBase';
import { teencodeForms } from '../../src/kb/textRulesFile';
import { compileRules } from '../../src/nlp/textRules';

const KB = path.resolve(__dirname, '../../knowledge-base');
const raw = loadRules(KB);
const rules = compileRules(raw);
const base = loadKnowledgeBase(path.join(KB, 'qa'), { citizenForms: teencodeForms(raw) }).entries;
const questions = ['f1 cach ly may ngay', 'tiêm vắc xin ở đâu', 'tong dai 1022 lam viec may gio', 'sau tiem bi sot thi sao', 'chó mèo lây covid không', 'xe buyt chay lai chua'];

describe('incremental publish', () => {
  it('gives the same matches and scores as a fresh build after changes, additions and removals', async () => {
    const live = new LiveIndex({ rules });
    await live.publish(base);
    const changed = base
      .filter((e) => e.id !== 'cach-ly-003')
      .map((e) => (e.id === 'cach-ly-002' ? { ...e, alternatives: [...e.alternatives, 'xe buyt chay lai chua'], answer: `${e.answer} Xe buýt chạy lại.` } : e));
    changed.push({ ...base[0], id: 'moi-001', question: 'Chó mèo có lây COVID-19 không?', alternatives: ['cho meo lay covid ko', 'thú cưng lây bệnh không'], answer: 'Dạ, chưa có bằng chứng thú cưng lây COVID-19 cho người ạ.' });
    await live.publish(changed);
    const fresh = new LiveIndex({ rules });
    await fresh.publish(changed);
    for (const q of questions) {
      const a = live.search(q);
      const b = fresh.search(q);
      expect(a.matches.map((m) => m.id)).toEqual(b.matches.map((m) => m.id));
      a.matches.forEach((m, i) => expect(m.score).toBeCloseTo(b.matches[i].score, 12));
      expect(a.confidence).toBeCloseTo(b.confidence, 12);
    }
    expect(live.current.entries.has('cach-ly-003')).toBe(false);
    expect(live.search('cho meo lay covid ko').matches[0].id).toBe('moi-001');
    expect(live.search('xe buyt chay lai chua').matches[0].id).toBe('cach-ly-002');
  });

  it('starts over when the rules change', async () => {
    const live = new LiveIndex({ rules });
    await live.publish(base);
    const withZip = compileRules({ ...raw, synonyms: raw.synonyms.map((g) => (g.name === 'vaccine' ? { ...g, terms: ['zíp', ...g.terms] } : g)) });
    live.setRules(withZip);
    await live.publish(base);
    const fresh = new LiveIndex({ rules: withZip });
    await fresh.publish(base);
    expect(live.search('tiem zip o dau').matches).toEqual(fresh.search('tiem zip o dau').matches);
    expect(live.search('tiem zip o dau').matches[0].id).toMatch(/^tiem-chung/);
  });
});
