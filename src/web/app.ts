/** The express application: security headers, health endpoints, channel webhooks, then the feature routers. */
import express, { type Express, type NextFunction, type Request, type Response, type Router } from 'express';
import helmet from 'helmet';

export interface WebAppOptions {
  /** Readiness: database reachable and migrations applied. */
  readiness(): Promise<{ database: boolean; migrations: boolean }>;
  /** Routes of the channel connectors (bodies are raw Buffers there, for signatures). */
  channelRouter: Router;
  /** Feature routers (console API, widget, admin…), mounted after the channels. */
  routers?: Router[];
  log: { error(o: object, m?: string): void };
}

/** Paths where connectors receive webhooks: their bodies stay raw so signatures can be checked over the exact bytes. */
export const RAW_BODY_PATHS = ['/webhooks', '/api/v1/app'];

export function createWebApp(options: WebAppOptions): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', 'loopback');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'connect-src': ["'self'", 'ws:', 'wss:'],
          'frame-ancestors': ["'self'"],
          'object-src': ["'none'"],
        },
      },
      // The widget script is embedded by other sites (1022.binhphuoc.gov.vn).
      crossOriginResourcePolicy: { policy: 'cross-origin' },
    }),
  );

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  app.get('/readyz', async (_req, res) => {
    const state = await options.readiness();
    const ready = state.database && state.migrations;
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'not ready', ...state });
  });

  app.use(RAW_BODY_PATHS, express.raw({ type: () => true, limit: '2mb' }));
  app.use(options.channelRouter);
  for (const router of options.routers ?? []) app.use(router);

  app.use((_req, res) => {
    res.status(404).json({ error: 'not found' });
  });
  // Bad input (oversized or malformed body) gets its status and reason; anything else is a 500 that is logged.
  app.use((err: { status?: number; statusCode?: number; type?: string; message?: string }, _req: Request, res: Response, _next: NextFunction) => {
    const status = err.status ?? err.statusCode ?? 500;
    if (status >= 500) options.log.error({ err }, 'request failed');
    res.status(status).json({ error: status >= 500 ? 'internal error' : (err.type ?? err.message ?? 'bad request') });
  });
  return app;
}
