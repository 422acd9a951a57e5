/**
 * Grouping of unanswered questions: wordings of one question land in one group, different questions apart; and the
 * grouping's quality on the project's 454 citizen-style questions (grouped by the entry each one asks about).
 */
import fs from 'node:fs';
import path from 'node:path';
import { groupQuestions } from '../../src/content/questionGroups';
import { groupUnanswered, type UnansweredItem } from '../../src/content/unanswered';
import { loadKnowledgeBase } from '../../src/kb/loader';
import { loadRules } from '../../src/kb/publishedBase';
import { teencodeForms } from '../../src/kb/textRulesFile';
import { buildRetriever } from '../../src/nlp/retriever';
import { compileRules } from '../../src/nlp/textRules';

const KB = path.resolve(__dirname, '../../knowledge-base');
const raw = loadRules(KB);
const rules = compileRules(raw);
const retriever = buildRetriever(loadKnowledgeBase(path.join(KB, 'qa'), { citizenForms: teencodeForms(raw) }).entries, rules);
const item = (id: string, text: string, at = '2021-10-20T03:00:00Z'): UnansweredItem => ({ id, kind: 'fallback', question: text, channel: 'zalo', at, matches: retriever.search(text, 5).matches });

describe('grouping unanswered questions', () => {
  it('puts wordings of one question together (diacritics or not) and other questions apart', () => {
    const items = [
      item('a:1', 'Xe buýt tuyến Đồng Xoài – Chơn Thành bao giờ chạy lại?'),
      item('a:2', 'xe buyt dong xoai chon thanh khi nao chay lai vay'),
      item('a:3', 'bao gio xe buyt Dong Xoai Chon Thanh hoat dong lai a'),
      item('a:4', 'Giá vé máy bay về Bình Phước hiện nay bao nhiêu?'),
      item('a:5', 'gia ve may bay ve binh phuoc bn vay ad'),
      item('a:6', 'Chó mèo có lây COVID-19 không?'),
    ];
    const groups = groupQuestions(items.map((i) => ({ ...i, text: i.question })), rules).map((g) => g.map((x) => x.id).sort());
    expect(groups).toEqual([['a:1', 'a:2', 'a:3'], ['a:4', 'a:5'], ['a:6']]);
  });

  it('counts per week, busiest this week first, with the commonest wording as label', () => {
    const now = new Date('2021-10-21T00:00:00Z');
    const groups = groupUnanswered(
      [
        item('a:1', 'gia ve may bay ve binh phuoc', '2021-10-01T00:00:00Z'),
        item('a:2', 'gia ve may bay ve binh phuoc', '2021-10-02T00:00:00Z'),
        item('a:3', 'giá vé máy bay về Bình Phước bao nhiêu', '2021-10-03T00:00:00Z'),
        item('a:4', 'cho meo co lay covid khong', '2021-10-20T00:00:00Z'),
      ],
      rules,
      now,
      4,
    );
    expect(groups.map((g) => [g.label, g.count, g.thisWeek])).toEqual([
      ['cho meo co lay covid khong', 1, 1],
      ['gia ve may bay ve binh phuoc', 3, 0],
    ]);
    expect(groups[1].weekly).toEqual([0, 3, 0, 0]); // 18–20 days before: the week before last
    expect(groups[1].channels).toEqual({ zalo: 3 });
  });

  it('groups the 454 citizen-style questions by what they ask with a pairwise F1 of at least 0.6', () => {
    const rows = fs
      .readFileSync(path.resolve(__dirname, '../../scripts/eval/data/citizen-questions.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { text: string; expected: string });
    const items = rows.map((r, i) => ({ id: String(i), text: r.text, expected: r.expected, matches: retriever.search(r.text, 5).matches }));
    const t = Date.now();
    const groups = groupQuestions(items, rules);
    expect(Date.now() - t).toBeLessThan(1500);
    const groupOf = new Map<string, number>();
    groups.forEach((g, gi) => g.forEach((x) => groupOf.set(x.id, gi)));
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (let i = 0; i < items.length; i++) {
      for (let j = i + 1; j < items.length; j++) {
        const same = items[i].expected === items[j].expected;
        const together = groupOf.get(items[i].id) === groupOf.get(items[j].id);
        if (same && together) tp++;
        else if (together) fp++;
        else if (same) fn++;
      }
    }
    const precision = tp / (tp + fp);
    const recall = tp / (tp + fn);
    expect((2 * precision * recall) / (precision + recall)).toBeGreaterThanOrEqual(0.6);
  });
});
