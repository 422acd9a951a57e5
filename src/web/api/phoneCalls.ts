/**
 * Phone-call log API: operators and supervisors log a call to (0271) 1022; the day's calls, the topics and the
 * outcomes to choose from are listed for the console form.
 */
import express from 'express';
import type { Role } from '../../domain/types';
import { dayRange, isDate, localDate } from '../../reports/localTime';
import { PHONE_OUTCOMES, type PhoneCalls } from '../../reports/phoneCalls';
import type { Texts } from '../../reports/levelSettings';
import type { Topic } from '../../reports/topics';
import type { Clock } from '../../store/clock';
import { requireRole } from '../auth/middleware';
import { bodyOf, handle, queryOf, userOf } from './reportsHttp';

const READERS: Role[] = ['operator', 'supervisor', 'admin'];
const LOGGERS: Role[] = ['operator', 'supervisor'];

export interface PhoneCallsApiDeps {
  phoneCalls: PhoneCalls;
  clock: Clock;
  timeZone: string;
  topics: Topic[];
  texts: Texts;
}

export function createPhoneCallsRouter(deps: PhoneCallsApiDeps): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb' });

  router.get('/api/phone-calls', requireRole(...READERS), handle(async (req, res) => {
    const day = isDate(queryOf(req, 'day')) ? (queryOf(req, 'day') as string) : localDate(deps.clock.now(), deps.timeZone);
    const { start, end } = dayRange(day, deps.timeZone);
    res.set('Cache-Control', 'no-store').json({
      day,
      calls: await deps.phoneCalls.list({ from: start, to: end }),
      topics: deps.topics,
      outcomes: PHONE_OUTCOMES.map((id) => ({ id, title: deps.texts(`phone.outcome.${id}`) })),
    });
  }));

  router.post('/api/phone-calls', requireRole(...LOGGERS), json, handle(async (req, res) => {
    const user = userOf(res);
    const call = await deps.phoneCalls.log(bodyOf(req), { id: user.id, displayName: user.displayName });
    res.status(201).json({ call });
  }));

  return router;
}
