/** The widget's texts: keys `widget.*` of knowledge-base/templates.yaml (data, not code), checked at start-up. */
import path from 'node:path';
import { loadTemplates } from '../../src/kb/templates';
import { WIDGET_TEXT_KEYS, type WidgetTexts } from './protocol';

export { fill as fillText } from '../../src/kb/templates';

export function loadWidgetTexts(kbDir: string): WidgetTexts {
  const file = path.join(kbDir, 'templates.yaml');
  const templates = loadTemplates(file);
  const missing = WIDGET_TEXT_KEYS.filter((key) => !templates[`widget.${key}`]);
  if (missing.length) throw new Error(`${file}: missing widget texts ${missing.map((k) => `widget.${k}`).join(', ')}`);
  return Object.fromEntries(WIDGET_TEXT_KEYS.map((key) => [key, templates[`widget.${key}`]])) as WidgetTexts;
}
