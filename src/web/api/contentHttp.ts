/**
 * Shared pieces of the content team's API: who may do what, handlers whose refusals become JSON with a Vietnamese
 * message, query parsing, and bodies that arrive as raw files.
 */
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import type { EntryStatus } from '../../domain/kb';
import type { Role } from '../../domain/types';
import type { EntryFilter } from '../../content/catalog';
import { ContentError } from '../../content/messages';
import type { SessionUser } from '../auth/types';

/** Edit, review and publish entries; edit synonyms, teencode and templates; upload documents. */
export const CONTENT_EDITORS: Role[] = ['editor', 'supervisor'];
/** Read the published base and the document library (operators from their conversations). */
export const CONTENT_READERS: Role[] = ['editor', 'supervisor', 'operator'];

export const isEditor = (user: SessionUser): boolean => CONTENT_EDITORS.includes(user.role);

export function handle(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof ContentError) {
        res.status(err.status).json({ error: err.code, message: err.message, ...err.detail });
        return;
      }
      next(err);
    });
  };
}

export const userOf = (res: Response): SessionUser => res.locals.user as SessionUser;
export const param = (req: Request, name: string): string => String((req.params as Record<string, unknown>)[name] ?? '');
const query = (req: Request, name: string): string | undefined => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);

const STATUSES = new Set(['draft', 'review', 'published', 'archived']);
const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function filterOf(req: Request): EntryFilter {
  const status = query(req, 'status');
  const review = query(req, 'review');
  const before = query(req, 'reviewedBefore');
  const after = query(req, 'reviewedAfter');
  return {
    q: query(req, 'q')?.slice(0, 500),
    topic: query(req, 'topic') || undefined,
    status: status && STATUSES.has(status) ? (status as EntryStatus) : undefined,
    review: review === 'overdue' || review === 'current' ? review : undefined,
    reviewedBefore: before && DATE.test(before) ? before : undefined,
    reviewedAfter: after && DATE.test(after) ? after : undefined,
    page: Number(query(req, 'page')) || 1,
    size: Number(query(req, 'size')) || 50,
  };
}

/** A file sent as the raw request body (its name in the x-file-name header, URI-encoded), up to `limit` bytes. */
export function rawFile(limitBytes: number): RequestHandler {
  const parse = express.raw({ type: () => true, limit: limitBytes });
  return (req, res, next) => {
    parse(req, res, (err?: unknown) => {
      if (err) {
        const e = err as { type?: string };
        const tooLarge = e.type === 'entity.too.large';
        res.status(tooLarge ? 413 : 400).json({
          error: tooLarge ? 'too-large' : 'bad-body',
          message: tooLarge ? `Tệp quá lớn: tối đa ${Math.round(limitBytes / 1048576)} MB.` : 'Không đọc được tệp gửi lên.',
        });
        return;
      }
      if (!Buffer.isBuffer(req.body) || req.body.length === 0) {
        res.status(400).json({ error: 'empty', message: 'Chưa chọn tệp hoặc tệp rỗng.' });
        return;
      }
      next();
    });
  };
}

export function fileNameOf(req: Request): string {
  const raw = req.get('x-file-name') ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

export const ids = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string').slice(0, 5000) : []);
