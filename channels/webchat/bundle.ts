/**
 * The widget's browser bundle, built with esbuild into memory at start-up (texts from the knowledge base baked in),
 * gzipped once and served as /widget.js with an ETag, so a citizen site's visitors download it once.
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Request, Response } from 'express';
import type { WidgetTexts } from './protocol';

export interface WidgetBundle {
  code: Buffer;
  gzip: Buffer;
  etag: string;
}

const ENTRY = path.join(__dirname, 'widget', 'main.ts');
const cache = new Map<string, Promise<WidgetBundle>>();

/** Builds once per set of texts in this process (tests start many platforms). */
export function buildWidgetBundle(texts: WidgetTexts): Promise<WidgetBundle> {
  const key = JSON.stringify(texts);
  let pending = cache.get(key);
  if (!pending) {
    pending = compile(texts);
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}

async function compile(texts: WidgetTexts): Promise<WidgetBundle> {
  const result = await build({
    entryPoints: [ENTRY],
    bundle: true,
    minify: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['es2019', 'chrome80', 'firefox78', 'safari15'],
    define: { __WIDGET_TEXTS__: JSON.stringify(texts) },
    banner: { js: '/*! Tổng đài 1022 web chat widget (MIT). Includes socket.io-client (MIT). */' },
    legalComments: 'none',
    charset: 'utf8',
    logLevel: 'silent',
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  const etag = `"${createHash('sha256').update(code).digest('base64url').slice(0, 22)}"`;
  return { code, gzip: gzipSync(code, { level: 9 }), etag };
}

/** GET /widget.js: cached for 5 minutes, then revalidated with the ETag; gzip when the browser accepts it. */
export function serveBundle(bundle: Promise<WidgetBundle>) {
  return async (req: Request, res: Response): Promise<void> => {
    const { code, gzip, etag } = await bundle;
    res.setHeader('Content-Type', 'application/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'public, max-age=300, stale-while-revalidate=86400');
    res.setHeader('ETag', etag);
    res.setHeader('Vary', 'Accept-Encoding');
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    const gzipped = /\bgzip\b/.test(req.get('accept-encoding') ?? '');
    if (gzipped) res.setHeader('Content-Encoding', 'gzip');
    res.end(gzipped ? gzip : code);
  };
}
