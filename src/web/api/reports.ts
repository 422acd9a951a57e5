/**
 * Reports API (supervisors and admins): the archive of daily reports, making one for any day, resending, and
 * downloading its XLSX, PDF or HTML; the supervisors' dashboard data; and /metrics for Prometheus (open on the
 * internal network, or behind a bearer token when METRICS_TOKEN is set).
 */
import { timingSafeEqual } from 'node:crypto';
import express from 'express';
import type { Role } from '../../domain/types';
import { dashboardData } from '../../reports/dashboard';
import { ReportsError } from '../../reports/errors';
import type { IntakeLevels } from '../../reports/intakeLevels';
import { isDate } from '../../reports/localTime';
import type { PlatformMetrics } from '../../reports/metrics';
import { FILE_TYPES, reportFileName, type ReportFile, type ReportService } from '../../reports/reportService';
import type { Clock } from '../../store/clock';
import type { Executor } from '../../store/executor';
import { requireRole } from '../auth/middleware';
import { bodyOf, handle, paramOf, userOf } from './reportsHttp';

const SUPERVISORS: Role[] = ['supervisor', 'admin'];

export interface ReportsApiDeps {
  db: Executor;
  clock: Clock;
  reports: ReportService;
  levels: IntakeLevels;
  metrics: PlatformMetrics;
  timeZone: string;
  metricsToken?: string;
}

export function createReportsRouter(deps: ReportsApiDeps): express.Router {
  const router = express.Router();
  const json = express.json({ limit: '16kb' });
  const supervisors = requireRole(...SUPERVISORS);

  router.get('/api/dashboard', supervisors, handle(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json(await dashboardData({ db: deps.db, levels: deps.levels, timeZone: deps.timeZone, now: deps.clock.now() }));
  }));

  router.get('/api/reports', supervisors, handle(async (_req, res) => {
    res.set('Cache-Control', 'no-store').json({ reports: await deps.reports.list(), recipients: deps.reports.recipients });
  }));

  router.post('/api/reports', supervisors, json, handle(async (req, res) => {
    const b = bodyOf(req);
    if (!isDate(b.day)) throw new ReportsError(400, 'day', 'Ngày báo cáo phải có dạng YYYY-MM-DD.');
    const user = userOf(res);
    let report = await deps.reports.generate(b.day, 'manual', user.id);
    if (b.send === true) report = await deps.reports.send(report.id, user.id);
    res.status(201).json({ report });
  }));

  router.post('/api/reports/:id/send', supervisors, handle(async (req, res) => {
    res.json({ report: await deps.reports.send(paramOf(req, 'id'), userOf(res).id) });
  }));

  router.get('/api/reports/:id/:kind', supervisors, handle(async (req, res) => {
    const kind = paramOf(req, 'kind') as ReportFile;
    if (!(kind in FILE_TYPES)) throw new ReportsError(404, 'not found', 'Không có tệp này.');
    const file = await deps.reports.file(paramOf(req, 'id'), kind);
    if (!file) throw new ReportsError(404, 'not found', 'Không tìm thấy báo cáo.');
    res
      .set('Content-Type', FILE_TYPES[kind])
      .set('Content-Disposition', `${kind === 'xlsx' ? 'attachment' : 'inline'}; filename="${reportFileName(file.day, kind)}"`)
      .set('Cache-Control', 'private, no-store')
      .send(file.content);
  }));

  router.get('/metrics', handle(async (req, res) => {
    if (deps.metricsToken && !bearerMatches(req.get('authorization'), deps.metricsToken)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'unauthorized' });
      return;
    }
    const body = await deps.metrics.render();
    res.set('Content-Type', deps.metrics.registry.contentType).set('Cache-Control', 'no-store').send(body);
  }));

  return router;
}

function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer (.+)$/.exec(header ?? '')?.[1] ?? '';
  return given.length === token.length && timingSafeEqual(Buffer.from(given), Buffer.from(token));
}
