/**
 * Topics requests are counted under: the knowledge base's topics (knowledge-base/qa/<topic>.yaml, `topic` and
 * `title`), plus "other" for what no topic fits. Phone calls are logged under one of them.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export interface Topic {
  id: string;
  title: string;
}

export const OTHER_TOPIC = 'khac';

export function loadTopics(kbDir: string, otherTitle: string): Topic[] {
  const dir = path.join(kbDir, 'qa');
  const topics: Topic[] = [];
  const files = fs.existsSync(dir) ? fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort() : [];
  for (const f of files) {
    try {
      const doc = parseYaml(fs.readFileSync(path.join(dir, f), 'utf8')) as { topic?: unknown; title?: unknown } | null;
      if (doc && typeof doc.topic === 'string') topics.push({ id: doc.topic, title: typeof doc.title === 'string' ? doc.title : doc.topic });
    } catch {
      // A broken file is reported by the knowledge-base loader; here it only lacks a title.
    }
  }
  topics.push({ id: OTHER_TOPIC, title: otherTitle });
  return topics;
}
