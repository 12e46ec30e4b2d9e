import express, { type Express } from 'express';
import { FONT_FILES_DIR, FONT_VERSION, fontStylesheet } from '../reports/fonts';

/** Where the fonts are served: the package version is part of the URL, so a year of caching is safe. */
const FONT_BASE = `/fonts/${FONT_VERSION}/`;

/** The style sheet that declares Noto Sans SC (family name `FONT_FAMILY` of reports/fonts.ts). */
export const FONT_STYLESHEET_URL = `${FONT_BASE}noto-sans-sc.css`;

const YEAR = 'public, max-age=31536000, immutable';

/**
 * Noto Sans SC for the web console, from the npm package: one style sheet of @font-face rules, one per
 * slice of the font by unicode-range, and the WOFF2 files, so a page downloads only the slices its text
 * uses, once. Any page of the system may link FONT_STYLESHEET_URL and use the family.
 */
export function mountFonts(app: Express): void {
  const css = fontStylesheet(FONT_BASE);
  app.get(FONT_STYLESHEET_URL, (_req, res) => {
    res.setHeader('Cache-Control', YEAR);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.type('css').send(css);
  });
  app.use(
    FONT_BASE,
    express.static(FONT_FILES_DIR, {
      immutable: true,
      maxAge: '365d',
      index: false,
      fallthrough: true,
      setHeaders: (res) => res.setHeader('X-Content-Type-Options', 'nosniff'),
    }),
  );
}
