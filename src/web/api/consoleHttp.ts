/** Small helpers shared by the console's routers: async handlers whose refusals become JSON with a reason. */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { HandoffError } from '../../handoff/service';
import { AccountError } from '../auth/accounts';
import type { SessionUser } from '../auth/types';

export function handle(fn: (req: Request, res: Response) => Promise<unknown>): RequestHandler {
  return (req: Request, res: Response, next: NextFunction) => {
    fn(req, res).catch((err: unknown) => {
      if (err instanceof HandoffError || err instanceof AccountError) {
        res.status(err.status).json({ error: err instanceof HandoffError ? err.code : err.message, message: err.message });
        return;
      }
      next(err);
    });
  };
}

export const userOf = (res: Response): SessionUser => res.locals.user as SessionUser;

/** A route parameter as a plain string (express 5 types allow arrays). */
export const param = (req: Request, name: string): string => String((req.params as Record<string, unknown>)[name] ?? '');
