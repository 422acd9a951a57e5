/**
 * /api/content/entries…: the Q&A base in the workspace. Editors and supervisors list, edit, send for review,
 * publish (a second person when PUBLISH_NEEDS_SECOND_PERSON), archive, see the history and roll back; operators
 * read the published base only. Every change is a version and an audit_log entry (src/content/workflow.ts).
 */
import express from 'express';
import type { ContentModule } from '../../content';
import { ContentError } from '../../content/messages';
import { requireRole } from '../auth/middleware';
import { CONTENT_EDITORS, CONTENT_READERS, filterOf, handle, ids, isEditor, param, userOf } from './contentHttp';

export function createContentEntriesRouter(content: ContentModule): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  const editors = requireRole(...CONTENT_EDITORS);
  const readers = requireRole(...CONTENT_READERS);
  const body = (req: express.Request) => ((req.body ?? {}) as Record<string, unknown>);
  const entryBody = (req: express.Request) => {
    const b = body(req);
    return (b.entry && typeof b.entry === 'object' ? b.entry : b) as Record<string, unknown>;
  };

  router.get('/api/content/entries', readers, handle(async (req, res) => {
    const user = userOf(res);
    const result = isEditor(user) ? await content.list(filterOf(req)) : await content.listPublished(filterOf(req));
    res.set('Cache-Control', 'no-store').json({ ...result, reviewDays: content.settings.reviewDays, today: content.today(), needsSecondPerson: content.settings.needsSecondPerson });
  }));

  router.get('/api/content/topics', readers, handle(async (_req, res) => {
    res.json({ topics: await content.topics() });
  }));

  router.get('/api/content/entries/:id', readers, handle(async (req, res) => {
    const user = userOf(res);
    if (!isEditor(user)) {
      res.json({ id: param(req, 'id'), entry: await content.publishedEntry(param(req, 'id')), readOnly: true });
      return;
    }
    res.set('Cache-Control', 'no-store').json({ ...(await content.detail(param(req, 'id'), user)), needsSecondPerson: content.settings.needsSecondPerson });
  }));

  router.post('/api/content/entries', editors, json, handle(async (req, res) => {
    const fromQuestions = ids(body(req).fromQuestions);
    const result = fromQuestions.length ? await content.createFromQuestions(entryBody(req), fromQuestions, userOf(res)) : await content.workflow.create(entryBody(req), userOf(res));
    res.status(201).json(result);
  }));

  router.put('/api/content/entries/:id', editors, json, handle(async (req, res) => {
    const base = body(req).baseVersion;
    res.json(await content.workflow.save(param(req, 'id'), entryBody(req), typeof base === 'number' ? base : undefined, userOf(res)));
  }));

  router.post('/api/content/entries/:id/submit', editors, handle(async (req, res) => {
    res.json(await content.workflow.submit(param(req, 'id'), userOf(res)));
  }));

  router.post('/api/content/entries/:id/return', editors, json, handle(async (req, res) => {
    const reason = typeof body(req).reason === 'string' ? (body(req).reason as string).trim() : '';
    res.json(await content.workflow.returnToDraft(param(req, 'id'), reason, userOf(res)));
  }));

  router.post('/api/content/entries/:id/publish', editors, handle(async (req, res) => {
    res.json(await content.workflow.publish([param(req, 'id')], userOf(res)));
  }));

  // Publish several at once: { ids: [...] } or { all: true } (every change in review the caller did not write).
  router.post('/api/content/publish', editors, json, handle(async (req, res) => {
    const b = body(req);
    const list = ids(b.ids);
    if (b.all !== true && list.length === 0) throw new ContentError(422, 'empty', 'Chưa chọn câu hỏi nào để xuất bản.');
    res.json(await content.workflow.publish(b.all === true ? 'all-in-review' : list, userOf(res)));
  }));

  router.post('/api/content/entries/:id/archive', editors, handle(async (req, res) => {
    res.json(await content.workflow.archive(param(req, 'id'), userOf(res)));
  }));

  router.post('/api/content/entries/:id/discard', editors, handle(async (req, res) => {
    res.json(await content.workflow.discard(param(req, 'id'), userOf(res)));
  }));

  router.get('/api/content/entries/:id/history', editors, handle(async (req, res) => {
    res.set('Cache-Control', 'no-store').json({ versions: await content.history(param(req, 'id')) });
  }));

  router.post('/api/content/entries/:id/rollback', editors, json, handle(async (req, res) => {
    const version = Number(body(req).version);
    if (!Number.isInteger(version) || version < 1) throw new ContentError(422, 'invalid-version', 'Phiên bản không hợp lệ.');
    res.json(await content.workflow.rollback(param(req, 'id'), version, userOf(res)));
  }));

  // One click from the unanswered questions: { text, questionIds }.
  router.post('/api/content/entries/:id/alternatives', editors, json, handle(async (req, res) => {
    const text = typeof body(req).text === 'string' ? (body(req).text as string) : '';
    res.json(await content.addQuestionToEntry(param(req, 'id'), text, ids(body(req).questionIds), userOf(res)));
  }));

  return router;
}
