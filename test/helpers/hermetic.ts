import fs from 'node:fs';
import path from 'node:path';
import { findChromium, SYSTEM_CHROMIUM_COMMANDS } from '../../reports/chromium';

/**
 * What a fresh machine has for the browser tests: no Chromium and no fonts of its own.
 */

/** A font configuration without a single font directory: fontconfig finds no font at all. */
export const EMPTY_FONT_CONFIG =
  '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig></fontconfig>\n';

/**
 * `searchPath` with every system Chromium command taken out: a directory that holds one is replaced by a
 * directory (under `workDir`) of links to everything else in it, so the other commands stay reachable.
 */
export function pathWithoutChromium(searchPath: string, workDir: string): string {
  return searchPath
    .split(path.delimiter)
    .map((dir, i) => {
      if (!dir || !SYSTEM_CHROMIUM_COMMANDS.some((c) => findChromium(c, dir))) return dir;
      const mirror = path.join(workDir, `path-${i}`);
      fs.mkdirSync(mirror, { recursive: true });
      for (const name of fs.readdirSync(dir)) {
        if (SYSTEM_CHROMIUM_COMMANDS.includes(name)) continue;
        fs.symlinkSync(path.join(dir, name), path.join(mirror, name));
      }
      return mirror;
    })
    .join(path.delimiter);
}

/**
 * Makes this process and those it starts (jest's workers) see neither a system Chromium (PATH without
 * one, CHROMIUM_PATH unset) nor a system font (FONTCONFIG_FILE naming an empty configuration).
 */
export function withoutMachineChromiumAndFonts(workDir: string): void {
  const fontConfig = path.join(workDir, 'fonts-empty.conf');
  fs.writeFileSync(fontConfig, EMPTY_FONT_CONFIG);
  process.env.FONTCONFIG_FILE = fontConfig;
  process.env.PATH = pathWithoutChromium(process.env.PATH ?? '', workDir);
  delete process.env.CHROMIUM_PATH;
}
