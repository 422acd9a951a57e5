/**
 * The unanswered questions (editors and supervisors) and the document library: editors upload and remove; operators,
 * editors and supervisors read and search (GET /api/content/documents/search?q=… is what a conversation view calls).
 */
import fs from 'node:fs';
import express from 'express';
import multer from 'multer';
import type { ContentModule } from '../../content';
import { ContentError } from '../../content/messages';
import { requireRole } from '../auth/middleware';
import { CONTENT_EDITORS, CONTENT_READERS, handle, ids, param, userOf } from './contentHttp';

const MIME: Record<string, string> = {
  pdf: 'application/pdf',
  docx: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  txt: 'text/plain; charset=utf-8',
};

export function createContentLibraryRouter(content: ContentModule): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '256kb' });
  const editors = requireRole(...CONTENT_EDITORS);
  const readers = requireRole(...CONTENT_READERS);
  const maxBytes = content.settings.uploadMaxMb * 1024 * 1024;

  // --- unanswered questions
  router.get('/api/content/unanswered', editors, handle(async (req, res) => {
    const days = Math.min(Math.max(Number(req.query.days) || 28, 1), 365);
    res.set('Cache-Control', 'no-store').json(await content.unanswered(days));
  }));

  router.post('/api/content/unanswered/dismiss', editors, json, handle(async (req, res) => {
    res.json({ dismissed: await content.dismissQuestions(ids((req.body ?? {}).ids), userOf(res)) });
  }));

  // --- documents
  const upload = multer({ storage: multer.memoryStorage(), defParamCharset: 'utf8', limits: { fileSize: maxBytes, files: 1, fields: 10, fieldSize: 64 * 1024 } }).single('file');
  const receive: express.RequestHandler = (req, res, next) => {
    upload(req, res, (err?: unknown) => {
      if (!err) return next();
      const code = (err as { code?: string }).code;
      if (code === 'LIMIT_FILE_SIZE') res.status(413).json({ error: 'too-large', message: `Tệp quá lớn: tối đa ${content.settings.uploadMaxMb} MB.` });
      else res.status(400).json({ error: 'bad-upload', message: 'Không nhận được tệp: vui lòng gửi một tệp trong biểu mẫu.' });
    });
  };

  router.get('/api/content/documents', readers, handle(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ documents: await content.documents.list(), maxMb: content.settings.uploadMaxMb });
  }));

  router.get('/api/content/documents/search', readers, handle(async (req, res) => {
    const q = typeof req.query.q === 'string' ? req.query.q : '';
    res.set('Cache-Control', 'no-store').json({ results: await content.searchDocuments(q) });
  }));

  router.get('/api/content/documents/:id', readers, handle(async (req, res) => {
    res.json(await content.documents.get(param(req, 'id')));
  }));

  router.get('/api/content/documents/:id/file', readers, handle(async (req, res) => {
    const file = await content.documents.file(param(req, 'id'));
    if (!fs.existsSync(file.path)) throw new ContentError(404, 'missing-file', 'Tệp gốc của văn bản không còn trên máy chủ.');
    res
      .set('Content-Type', MIME[file.kind])
      .set('Content-Disposition', `${file.kind === 'pdf' ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeURIComponent(file.fileName)}`)
      .set('X-Content-Type-Options', 'nosniff')
      .sendFile(file.path);
  }));

  router.post('/api/content/documents', editors, receive, handle(async (req, res) => {
    const file = (req as express.Request & { file?: { buffer: Buffer; originalname: string } }).file;
    if (!file || file.buffer.length === 0) throw new ContentError(400, 'empty', 'Chưa chọn tệp hoặc tệp rỗng.');
    const name = file.originalname;
    const b = (req.body ?? {}) as Record<string, unknown>;
    const doc = await content.documents.upload(file.buffer, name, { title: b.title, number: b.number, issuer: b.issuer, issuedOn: b.issuedOn }, userOf(res).id);
    res.status(201).json(doc);
  }));

  router.delete('/api/content/documents/:id', editors, handle(async (req, res) => {
    await content.documents.remove(param(req, 'id'), userOf(res).id);
    res.status(204).end();
  }));

  return router;
}
