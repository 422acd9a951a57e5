/**
 * The content team's tools: "Thử câu hỏi", channel previews, bulk import (preview, then apply, with progress) and
 * export, synonyms/teencode/templates editing. Editors and supervisors only.
 */
import express from 'express';
import type { ContentModule } from '../../content';
import { ContentError } from '../../content/messages';
import { RULE_FILES, type RuleFileName } from '../../content/textRules';
import { requireRole } from '../auth/middleware';
import { CONTENT_EDITORS, fileNameOf, filterOf, handle, param, rawFile, userOf } from './contentHttp';

export function createContentToolsRouter(content: ContentModule): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '1mb' });
  const editors = requireRole(...CONTENT_EDITORS);
  const body = (req: express.Request) => ((req.body ?? {}) as Record<string, unknown>);
  const str = (v: unknown) => (typeof v === 'string' ? v : '');

  router.post('/api/content/try', editors, json, handle(async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await content.tryQuestion(str(body(req).text)));
  }));

  router.post('/api/content/preview', editors, json, handle(async (req, res) => {
    const answer = str(body(req).answer);
    if (!answer.trim()) throw new ContentError(422, 'empty', 'Câu trả lời đang để trống.');
    res.json(content.previews(answer.normalize('NFC'), str(body(req).question).normalize('NFC')));
  }));

  // --- import / export
  router.post('/api/content/import', editors, rawFile(content.settings.uploadMaxMb * 1024 * 1024), handle(async (req, res) => {
    const id = await content.imports.start(req.body as Buffer, fileNameOf(req) || 'tep-nhap', userOf(res).id);
    res.status(202).json({ jobId: id });
  }));

  router.get('/api/content/import/:id', editors, handle(async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await content.imports.get(param(req, 'id')));
  }));

  router.post('/api/content/import/:id/apply', editors, json, handle(async (req, res) => {
    await content.imports.apply(param(req, 'id'), { archiveMissing: body(req).archiveMissing === true }, userOf(res).id);
    res.status(202).json(await content.imports.get(param(req, 'id')));
  }));

  router.get('/api/content/export', editors, handle(async (req, res) => {
    const format = req.query.format === 'csv' ? 'csv' : 'xlsx';
    const file = await content.exportBase(filterOf(req), format);
    res
      .set('Content-Type', file.contentType)
      .set('Content-Disposition', `attachment; filename="${file.fileName}"`)
      .set('Cache-Control', 'no-store')
      .send(file.data);
  }));

  // --- synonyms, teencode, templates
  const ruleName = (req: express.Request): RuleFileName => {
    const name = param(req, 'name');
    if (!(RULE_FILES as readonly string[]).includes(name)) throw new ContentError(404, 'not-found', 'Không có bộ quy tắc này.');
    return name as RuleFileName;
  };

  router.get('/api/content/rules/:name', editors, handle(async (req, res) => {
    res.set('Cache-Control', 'no-store').json(await content.ruleText(ruleName(req)));
  }));

  router.put('/api/content/rules/:name', editors, json, handle(async (req, res) => {
    const text = str(body(req).content);
    res.json(await content.saveRuleText(ruleName(req), text, userOf(res)));
  }));

  router.delete('/api/content/rules/:name', editors, handle(async (req, res) => {
    await content.resetRuleText(ruleName(req), userOf(res));
    res.status(204).end();
  }));

  router.get('/api/content/templates', editors, handle(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await content.templates());
  }));

  router.put('/api/content/templates', editors, json, handle(async (req, res) => {
    const templates = body(req).templates;
    if (!templates || typeof templates !== 'object' || Array.isArray(templates)) throw new ContentError(422, 'invalid', 'Thiếu danh sách mẫu câu.');
    res.json({ version: await content.saveTemplates(templates as Record<string, unknown>, userOf(res)) });
  }));

  return router;
}
