import fs from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { FONT_FAMILY } from '../../reports/fonts';
import { publicPage, screenshot, testChromium, browserAndStack } from '../helpers/browser';
import { EMPTY_FONT_CONFIG } from '../helpers/hermetic';
import { type TestStack } from '../helpers/stack';

/**
 * The console draws its Chinese with the font it serves (Noto Sans SC from npm), in the Chromium from npm,
 * on a machine without any font: the harness points FONTCONFIG_FILE at an empty configuration and takes
 * any system Chromium off PATH (test/helpers/hermetic.ts), and this file checks that it did.
 */
let stack: TestStack;
let browser: Browser;

browserAndStack((s, b) => ([stack, browser] = [s, b]));

/** How many pixels differ between two PNGs of the same size, and how many of the first are not white. */
async function comparePngs(page: Page, a: Buffer, b: Buffer): Promise<{ differing: number; ink: number }> {
  const decode = `async (src) => {
    const img = new Image();
    img.src = 'data:image/png;base64,' + src;
    await img.decode();
    const canvas = new OffscreenCanvas(img.width, img.height);
    const ctx = canvas.getContext('2d');
    ctx.drawImage(img, 0, 0);
    return Array.from(ctx.getImageData(0, 0, img.width, img.height).data);
  }`;
  const [pa, pb] = await page.evaluate<[number[], number[]]>(
    `Promise.all([${JSON.stringify(a.toString('base64'))}, ${JSON.stringify(b.toString('base64'))}].map(${decode}))`,
  );
  expect(pa.length).toBe(pb.length);
  let differing = 0;
  let ink = 0;
  for (let i = 0; i < pa.length; i += 4) {
    if (pa[i] !== pb[i] || pa[i + 1] !== pb[i + 1] || pa[i + 2] !== pb[i + 2]) differing++;
    if (pa[i]! + pa[i + 1]! + pa[i + 2]! < 600) ink++;
  }
  return { differing, ink };
}

describe('the console without system fonts', () => {
  it('runs on a machine without a font or a Chromium of its own', async () => {
    expect(fs.readFileSync(process.env.FONTCONFIG_FILE!, 'utf8')).toBe(EMPTY_FONT_CONFIG);
    expect(process.env.CHROMIUM_PATH).toBeUndefined();
    expect(await testChromium()).toMatchObject({ source: 'bundled' });
  });

  it('draws a line of Chinese with Noto Sans SC: its pixels are not those of a font without CJK glyphs', async () => {
    const page = await publicPage(browser, stack, '#/notices');
    const line = page.locator('.brand');
    await line.waitFor();
    expect(await line.textContent()).toBe('海淀区科技保险补贴');
    await page.evaluate('document.fonts.ready');
    await screenshot(page, 'fonts-notices');

    // Chromium says which font drew the text: the console's own, from the API (not one of the machine's).
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector: '.brand' });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(fonts).toEqual([expect.objectContaining({ isCustomFont: true, glyphCount: 9 })]);
    expect(fonts[0]!.familyName).toMatch(/^Noto Sans SC/);

    const box = (await line.boundingBox())!;
    const clip = { x: box.x, y: box.y, width: Math.ceil(box.width), height: Math.ceil(box.height) };
    const withNoto = await page.screenshot({ clip });
    // The same line in Open Sans (the bundled Chromium's last-resort font): it has no CJK glyph, and the
    // machine has no other font to fall back on.
    await line.evaluate(
      (el) => ((el as unknown as { style: { fontFamily: string } }).style.fontFamily = 'Open Sans'),
    );
    await page.evaluate('document.fonts.ready');
    const { fonts: after } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    expect(after.some((f) => f.familyName.startsWith(FONT_FAMILY))).toBe(false);
    const withoutCjk = await page.screenshot({ clip });

    const { differing, ink } = await comparePngs(page, withNoto, withoutCjk);
    // Nine ideographs of about 18 × 18 px: a good part of the line is ink, and most of it changes.
    expect(ink).toBeGreaterThan(300);
    expect(differing).toBeGreaterThan(ink / 2);
    await page.context().close();
  });
});
