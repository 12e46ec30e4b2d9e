import fs from 'node:fs';
import path from 'node:path';

/**
 * Noto Sans SC from the npm package `@fontsource/noto-sans-sc`, so that no page of the system depends on the
 * fonts of the machine that shows or prints it. The package slices each weight into about a hundred files
 * by `unicode-range` (Google Fonts' slicing: the common ideographs spread over many small files), so a page
 * loads only the slices its text needs.
 *
 * Two ways of using them: the console links `fontStylesheet()` served by the API (api/fonts.ts), whose
 * files the browser fetches once and keeps; the evaluation report, which must stay one self-contained file,
 * carries the slices its own text needs inline (`inlineFontFaces`).
 */
export const FONT_FAMILY = 'Noto Sans SC';

const PACKAGE_DIR = path.dirname(require.resolve('@fontsource/noto-sans-sc/package.json'));
/** Part of the served URLs: a new package version is a new URL, so its files may be cached for a year. */
export const FONT_VERSION = (
  JSON.parse(fs.readFileSync(path.join(PACKAGE_DIR, 'package.json'), 'utf8')) as { version: string }
).version;
/** Where the slices are (`noto-sans-sc-<slice>-<weight>-normal.woff2`). */
export const FONT_FILES_DIR = path.join(PACKAGE_DIR, 'files');

/** Regular and bold; the pages' semibold (600) is drawn with the bold (CSS font matching). */
const WEIGHTS = [400, 700] as const;
export type FontWeight = (typeof WEIGHTS)[number];

export interface FontSlice {
  weight: FontWeight;
  /** The WOFF2 file's name in FONT_FILES_DIR. */
  file: string;
  /** The code points it covers, as inclusive ranges. */
  ranges: [number, number][];
  /** The `unicode-range` descriptor as the package writes it. */
  unicodeRange: string;
}

function parseRanges(descriptor: string): [number, number][] {
  return descriptor.split(',').map((part) => {
    const [lo, hi] = part.trim().replace(/^U\+/i, '').split('-');
    const start = parseInt(lo!, 16);
    return [start, hi === undefined ? start : parseInt(hi, 16)];
  });
}

let slices: FontSlice[] | undefined;

/** Every slice of the weights used, read from the package's style sheets once. */
export function fontSlices(): FontSlice[] {
  if (slices) return slices;
  slices = WEIGHTS.flatMap((weight) => {
    const css = fs.readFileSync(path.join(PACKAGE_DIR, `${weight}.css`), 'utf8');
    return [...css.matchAll(/@font-face\s*{([^}]*)}/g)].map(([, body]) => {
      const file = /url\(\.\/files\/([\w.-]+\.woff2)\)/.exec(body!)?.[1];
      const unicodeRange = /unicode-range:\s*([^;]+);/.exec(body!)?.[1]?.trim();
      if (!file || !unicodeRange) throw new Error(`unexpected @font-face in ${weight}.css of Noto Sans SC`);
      return { weight, file, unicodeRange, ranges: parseRanges(unicodeRange) };
    });
  });
  return slices;
}

const face = (s: FontSlice, src: string, display: 'swap' | 'block') =>
  `@font-face{font-family:'${FONT_FAMILY}';font-style:normal;font-weight:${s.weight};font-display:${display};src:${src} format('woff2');unicode-range:${s.unicodeRange}}`;

/** The @font-face rules of every slice, with the files under `baseUrl` (e.g. `/fonts/5.3.0/`). */
export function fontStylesheet(baseUrl: string): string {
  return `${fontSlices()
    .map((s) => face(s, `url(${baseUrl}${s.file})`, 'swap'))
    .join('\n')}\n`;
}

const covers = (s: FontSlice, cp: number) => s.ranges.some(([lo, hi]) => cp >= lo && cp <= hi);

const dataUris = new Map<string, string>();
const dataUri = (file: string) => {
  let uri = dataUris.get(file);
  if (!uri) {
    uri = `url(data:font/woff2;base64,${fs.readFileSync(path.join(FONT_FILES_DIR, file)).toString('base64')})`;
    dataUris.set(file, uri);
  }
  return uri;
};

/**
 * @font-face rules, with the files inline as data: URIs, of the slices that hold a character of `text`, in
 * regular and bold: what a self-contained page needs to draw its own text in Noto Sans SC.
 */
export function inlineFontFaces(text: string): string {
  const codePoints = new Set<number>();
  for (const ch of text) codePoints.add(ch.codePointAt(0)!);
  const needed = fontSlices().filter((s) => [...codePoints].some((cp) => covers(s, cp)));
  return needed.map((s) => face(s, dataUri(s.file), 'block')).join('\n');
}
