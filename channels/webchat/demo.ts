/** The demo page at `/`: the 1022.binhphuoc.gov.vn portal as a citizen sees it, embedding the widget with one tag. */
import fs from 'node:fs';
import path from 'node:path';
import type { Router } from 'express';

const DEMO_DIR = path.join(__dirname, 'demo');

export function mountDemo(router: Router): void {
  const page = fs.readFileSync(path.join(DEMO_DIR, 'index.html'));
  const css = fs.readFileSync(path.join(DEMO_DIR, 'portal.css'));
  router.get('/', (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.type('html').send(page);
  });
  router.get('/demo/portal.css', (_req, res) => {
    res.setHeader('Cache-Control', 'public, max-age=300');
    res.type('css').send(css);
  });
}
