/** Shared by the levels, shifts, phone-call and report routers: refusals (ReportsError) become JSON with a reason. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { ReportsError } from '../../reports/errors';
import { LevelRulesError } from '../../reports/levelSettings';
import type { SessionUser } from '../auth/types';

export function handle(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof ReportsError) {
        res.status(err.status).json({ error: err.code, message: err.message, ...(err.problems.length && { problems: err.problems }) });
        return;
      }
      if (err instanceof LevelRulesError) {
        res.status(400).json({ error: 'invalid rules', message: 'Cấu hình cấp độ chưa hợp lệ.', problems: err.problems });
        return;
      }
      next(err);
    });
  };
}

export const userOf = (res: Response): SessionUser => res.locals.user as SessionUser;
export const bodyOf = (req: Request): Record<string, unknown> => (req.body && typeof req.body === 'object' && !Array.isArray(req.body) ? (req.body as Record<string, unknown>) : {});
export const paramOf = (req: Request, name: string): string => String((req.params as Record<string, unknown>)[name] ?? '');
export const queryOf = (req: Request, name: string): string | undefined => (typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined);
