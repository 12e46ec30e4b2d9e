import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express } from 'express';
import { FONT_STYLESHEET_URL, mountFonts } from './fonts';

/** Where the console's files are (served as they are: plain ES modules, no build step). */
export const WEB_DIR = path.resolve(__dirname, '..', 'web');

/** A hash of every asset: it is part of their URLs, so browsers may keep them for a year. */
function assetsHash(dir: string): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of fs
      .readdirSync(d, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else hash.update(entry.name).update(fs.readFileSync(p));
    }
  };
  walk(dir);
  return hash.digest('hex').slice(0, 12);
}

const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' blob: data:",
  "frame-src 'self' blob:",
  "object-src 'self' blob:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The web console for applicants, staff, banks and the public: `/` is its page (never cached, so a new
 * release is picked up at once), `/assets/<hash>/…` its scripts and styles and `/fonts/<version>/…` its
 * font, Noto Sans SC (both cached for a year).
 */
export function mountWeb(app: Express): void {
  const assets = path.join(WEB_DIR, 'assets');
  const version = assetsHash(assets);
  const index = fs
    .readFileSync(path.join(WEB_DIR, 'index.html'), 'utf8')
    .replaceAll('__ASSETS__', version)
    .replaceAll('__FONTS__', FONT_STYLESHEET_URL);
  const sendIndex: express.RequestHandler = (_req, res) => {
    res.setHeader('Cache-Control', 'no-cache');
    res.setHeader('Content-Security-Policy', CONSOLE_CSP);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('html').send(index);
  };
  app.get(['/', '/index.html'], sendIndex);
  mountFonts(app);
  app.use(
    `/assets/${version}`,
    express.static(assets, {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
}
