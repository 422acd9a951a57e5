/**
 * Serves the operator console at /console: a static HTML shell (no inline script, so the strict CSP holds) and the
 * front-end (src/web/console) bundled by esbuild into memory on first request, once per process. Every file in
 * src/web/console/pages becomes a page through the virtual module 'console-pages'.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { build, type Plugin } from 'esbuild';
import express from 'express';

export const CONSOLE_SOURCE_DIR = path.resolve(__dirname, '../console');

interface Bundle {
  js: Buffer;
  css: Buffer;
  etag: string;
}

let cached: Promise<Bundle> | undefined;

const pagesPlugin = (pagesDir: string): Plugin => ({
  name: 'console-pages',
  setup(b) {
    b.onResolve({ filter: /^console-pages$/ }, () => ({ path: 'console-pages', namespace: 'console-pages' }));
    b.onLoad({ filter: /.*/, namespace: 'console-pages' }, () => {
      const files = fs
        .readdirSync(pagesDir)
        .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && !f.endsWith('.test.ts'))
        .sort();
      const imports = files.map((f, i) => `import page${i} from ${JSON.stringify(path.join(pagesDir, f))};`).join('\n');
      return { contents: `${imports}\nexport default [${files.map((_, i) => `page${i}`).join(', ')}];\n`, resolveDir: pagesDir, loader: 'ts' };
    });
  },
});

/** Builds the console bundle (cached for the life of the process). */
export function consoleBundle(): Promise<Bundle> {
  cached ??= build({
    entryPoints: [path.join(CONSOLE_SOURCE_DIR, 'main.ts')],
    bundle: true,
    write: false,
    outdir: '/console-build',
    entryNames: 'app',
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    define: { 'process.env.NODE_ENV': '"production"' },
    plugins: [pagesPlugin(path.join(CONSOLE_SOURCE_DIR, 'pages'))],
  }).then((result) => {
    const js = result.outputFiles.find((f) => f.path.endsWith('.js'));
    const css = result.outputFiles.find((f) => f.path.endsWith('.css'));
    if (!js) throw new Error('console bundle produced no script');
    const jsBuf = Buffer.from(js.contents);
    const cssBuf = Buffer.from(css?.contents ?? new Uint8Array());
    const etag = `"${createHash('sha256').update(jsBuf).update(cssBuf).digest('base64url').slice(0, 20)}"`;
    return { js: jsBuf, css: cssBuf, etag };
  });
  cached.catch(() => (cached = undefined)); // a failed build is retried on the next request
  return cached;
}

const SHELL = `<!doctype html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>Bảng điều khiển — Tổng đài 1022</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/console/app.css">
<script src="/console/app.js" defer></script>
</head>
<body>
<div id="app"><noscript>Bảng điều khiển cần JavaScript.</noscript></div>
</body>
</html>
`;

export function createConsoleAssetsRouter(log: { error(o: object, m?: string): void }): express.Router {
  const router = express.Router();
  const asset = (kind: 'js' | 'css') => async (req: express.Request, res: express.Response) => {
    try {
      const bundle = await consoleBundle();
      res.set('Cache-Control', 'no-cache');
      res.set('ETag', bundle.etag);
      if (req.headers['if-none-match'] === bundle.etag) {
        res.status(304).end();
        return;
      }
      res.type(kind === 'js' ? 'application/javascript; charset=utf-8' : 'text/css; charset=utf-8').send(bundle[kind]);
    } catch (err) {
      log.error({ err }, 'console bundle failed');
      res.status(500).type('text/plain').send('console bundle failed');
    }
  };
  router.get('/console/app.js', asset('js'));
  router.get('/console/app.css', asset('css'));
  router.get('/console', (_req, res) => {
    res.set('Cache-Control', 'no-cache').type('html').send(SHELL);
  });
  return router;
}
