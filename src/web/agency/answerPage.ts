/**
 * /agency/answer/<token>: where an agency reads a forwarded question and writes its answer, without an account.
 * The signed link is the credential; the form carries a token bound to it. Expired, revoked or tampered links, and a
 * second answer after approval, get a 403 page with the reason in Vietnamese and change nothing.
 */
import express, { type Request, type Response } from 'express';
import { CaseError } from '../../cases/context';
import { LinkRefused, MAX_ANSWER, type Forwarding } from '../../cases/forwarding';
import { formatLocal } from '../../cases/localTime';
import type { CaseTexts } from '../../cases/texts';
import { renderAnswerPage, renderRefusal } from './render';

export interface AgencyPageDeps {
  forwarding: Forwarding;
  texts: CaseTexts;
  timeZone: string;
  log: { warn(o: object, m?: string): void };
}

const tokenOf = (req: Request): string => String((req.params as Record<string, unknown>).token ?? '');

export function createAgencyAnswerRouter(deps: AgencyPageDeps): express.Router {
  const { forwarding, texts: t, timeZone } = deps;
  const router = express.Router();
  const form = express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 10 });

  const send = (res: Response, status: number, html: string) => {
    res.status(status).set({ 'Cache-Control': 'no-store', 'X-Robots-Tag': 'noindex, nofollow', 'Content-Type': 'text/html; charset=utf-8' }).send(html);
  };

  const refuse = (res: Response, err: LinkRefused) => {
    const reason = t(`agencyPage.refused.${err.reason}`, { at: err.expiredAt ? formatLocal(err.expiredAt, timeZone) : '' });
    send(res, 403, renderRefusal(t, reason));
  };

  const show = async (req: Request, res: Response, status: number, extra: { sent?: boolean; error?: string; answer?: string; answeredBy?: string } = {}) => {
    const view = await forwarding.view(tokenOf(req));
    const c = view.case;
    send(
      res,
      status,
      renderAnswerPage(t, {
        action: `/agency/answer/${encodeURIComponent(tokenOf(req))}`,
        agencyName: view.agency?.name ?? '',
        code: c.code,
        dueAt: c.dueAt ? formatLocal(c.dueAt, timeZone) : t('case.unknown'),
        question: view.question,
        contact: view.contact,
        formToken: view.formToken,
        answer: extra.answer ?? c.answer ?? undefined,
        answeredBy: extra.answeredBy ?? c.answeredBy ?? undefined,
        answeredAt: c.answeredAt ? formatLocal(c.answeredAt, timeZone) : undefined,
        approvedAt: c.status === 'approved' && c.approvedAt ? formatLocal(c.approvedAt, timeZone) : undefined,
        sent: extra.sent,
        error: extra.error,
      }),
    );
  };

  router.get('/agency/answer/:token', async (req, res, next) => {
    try {
      await show(req, res, 200, { sent: req.query.sent === '1' });
    } catch (err) {
      if (err instanceof LinkRefused) return refuse(res, err);
      next(err);
    }
  });

  router.post('/agency/answer/:token', form, async (req, res, next) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    try {
      await forwarding.answer(tokenOf(req), { formToken: body.formToken, answer: body.answer, answeredBy: body.answeredBy });
      // Post/redirect/get: a reload does not send the form again.
      res.redirect(303, `/agency/answer/${encodeURIComponent(tokenOf(req))}?sent=1`);
    } catch (err) {
      if (err instanceof LinkRefused) {
        deps.log.warn({ reason: err.reason }, 'agency link refused');
        return refuse(res, err);
      }
      if (err instanceof CaseError) {
        const typed = typeof body.answer === 'string' ? body.answer.slice(0, MAX_ANSWER * 2) : '';
        const by = typeof body.answeredBy === 'string' ? body.answeredBy.slice(0, 200) : '';
        try {
          return await show(req, res, err.status, { error: err.message, answer: typed, answeredBy: by });
        } catch (again) {
          if (again instanceof LinkRefused) return refuse(res, again);
          return next(again);
        }
      }
      next(err);
    }
  });

  return router;
}
