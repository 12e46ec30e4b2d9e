import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { mountFonts } from './fonts';

/** The console's build (`npm run build:web`, Vite): index.html and content-hashed files under assets/. */
export const WEB_DIST = path.resolve(__dirname, '..', 'web', 'dist');

const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Element Plus and ECharts position popovers and tooltips with inline styles.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' blob: data:",
  "font-src 'self' data:",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web console for applicants, staff, banks and the public: `/` is its page (never cached, so a new
 * release is picked up at once) and `/assets/…` its scripts, styles and fonts, named by content hash and
 * cached for a year. Without a build the page says how to make one.
 */
export function mountWeb(app: Express): void {
  const indexFile = path.join(WEB_DIST, 'index.html');
  app.get(['/', '/index.html'], (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!fs.existsSync(indexFile)) {
      res
        .status(503)
        .type('text')
        .send('控制台尚未构建：请运行 npm run build:web。The console is not built: run npm run build:web.');
      return;
    }
    res.type('html').sendFile(indexFile);
  });
  // The console bundles Noto Sans SC itself (web/src/main.ts); the same font stays linkable at /fonts/….
  mountFonts(app);
  app.use(
    '/assets',
    express.static(path.join(WEB_DIST, 'assets'), {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
}
