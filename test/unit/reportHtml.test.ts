import { createHash } from 'node:crypto';
import { buildEvaluation, type EvaluationReport } from '../../domain/evaluation';
import { reportSummary } from '../../domain/reportText';
import { renderCharts, reportCharts } from '../../reports/charts';
import { reportHtml } from '../../reports/html';
import { FONT_FAMILY, fontSlices } from '../../reports/fonts';

/** A small year, with one insured application of a field code the system does not know, named hostilely. */
function report(): EvaluationReport {
  return buildEvaluation({
    year: 2031,
    insured: [
      {
        month: 1,
        track: 'FRONTIER',
        field: 'INTEGRATED_CIRCUIT',
        applications: 1,
        newEnterprises: 1,
        premiumFen: 1_000_000n,
        riskCoverageFen: 300_000_000n,
      },
      {
        month: 4,
        track: 'SRDI',
        field: '<script>alert(1)</script>',
        applications: 1,
        newEnterprises: 1,
        premiumFen: 400_000n,
        riskCoverageFen: 100_000_000n,
      },
    ],
    previousInsured: [],
    insuredEnterprises: 2,
    highTechInsuredEnterprises: 1,
    highTechEnterpriseTotal: 16,
    targets: { highTechCoveragePct: 8, riskCoverageFen: 350_000_000_000 },
    paid: [{ track: 'FRONTIER', field: 'INTEGRATED_CIRCUIT', applications: 1, paidFen: 500_000n }],
    referrals: [{ status: 'GRANTED', count: 1, creditLineFen: 300_000_000n }],
    surveys: { sent: 1, answered: 1, claimsFiled: 0, claimsPaidFen: 0n, loansObtainedFen: 0n },
  });
}

const IDS = [
  'chart-premium-trend',
  'chart-high-tech-coverage',
  'chart-risk-coverage',
  'chart-subsidies-by-track',
  'chart-subsidies-by-field',
  'chart-bank-matching',
  'chart-surveys',
];

describe('the charts and the page of the evaluation report', () => {
  let html: string;
  let csp: string;
  let svgs: string[];
  const r = report();
  const charts = reportCharts(r);

  beforeAll(async () => {
    svgs = await renderCharts(charts);
    ({ html, csp } = reportHtml({
      report: r,
      summary: reportSummary(r, new Date('2032-01-05T00:00:00Z')),
      charts,
      svgs,
      generatedAt: new Date('2032-01-05T00:00:00Z'),
    }));
  });

  it('draws one SVG per chart with vega, each named by its id and a bilingual label', () => {
    expect(charts.map((c) => c.id)).toEqual(IDS);
    expect(svgs).toHaveLength(IDS.length);
    svgs.forEach((svg, i) => {
      expect(svg).toMatch(new RegExp(`^<svg id="${IDS[i]}" role="img" aria-label="[^"]+ [^"]+" `));
      expect(svg).toContain('class="marks"'); // vega's own SVG renderer
      expect(svg).toContain(`>${charts[i]!.titleZh}</text>`); // the title is drawn in the chart
    });
    expect(svgs[0]).toContain('>2031-01</text>');
    expect(svgs[0]).toContain('>2031-12</text>');
    expect(svgs[0]).toContain('>1.00</text>'); // January: 1 000 000 fen = 1.00 万元
    expect(svgs[2]).toContain('>35.00</text>'); // the target, in 亿元
    expect(svgs[3]).toContain('>集成电路/商业航天专属保险</text>');
  });

  it('escapes what comes from the data, in the charts and in the page', () => {
    expect(svgs[4]).not.toContain('<script');
    expect(svgs[4]).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('is one self-contained page: no script, nothing fetched, its only style sheet allowed by hash', () => {
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/\b(src|href)=/i);
    expect(html.replace(/xmlns(:xlink)?="http:\/\/www\.w3\.org\/[^"]+"/g, '')).not.toMatch(/https?:\/\//);
    const styles = [...html.matchAll(/<style>([\s\S]*?)<\/style>/g)].map((m) => m[1]!);
    expect(styles).toHaveLength(1);
    const hash = createHash('sha256').update(styles[0]!).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash}'`);
    expect(csp).toMatch(/^default-src 'none';/);
    expect(csp).toContain('font-src data:;'); // its fonts, inline, and nothing else
    expect(html).not.toMatch(/ style="/); // a style attribute would need 'unsafe-inline'
    expect(html).toContain('@page { size: A4;');
  });

  it('carries Noto Sans SC inline for exactly the characters it shows, in regular and bold', () => {
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)![1]!;
    const faces = [...style.matchAll(/@font-face\{([^}]*)\}/g)].map((m) => m[1]!);
    expect(faces.length).toBeGreaterThan(0);
    for (const face of faces) {
      expect(face).toContain(`font-family:'${FONT_FAMILY}'`);
      expect(face).toMatch(/src:url\(data:font\/woff2;base64,[A-Za-z0-9+/=]+\) format\('woff2'\)/);
    }
    expect(style).toContain(`font-family: "${FONT_FAMILY}", sans-serif;`);
    // Every character of the page is in an inline slice of both weights; no slice is there for nothing.
    const body = html.slice(html.indexOf('</style>'));
    const used = new Set([...body].map((c) => c.codePointAt(0)!));
    const inline = fontSlices().filter((s) => style.includes(`unicode-range:${s.unicodeRange}}`));
    for (const weight of [400, 700]) {
      const ofWeight = inline.filter((s) => s.weight === weight);
      for (const cp of ['海', '淀', '评', '估', 'A', '9'].map((c) => c.codePointAt(0)!))
        expect(ofWeight.some((s) => s.ranges.some(([lo, hi]) => cp >= lo && cp <= hi))).toBe(true);
      for (const s of ofWeight)
        expect(s.ranges.some(([lo, hi]) => [...used].some((cp) => cp >= lo && cp <= hi))).toBe(true);
    }
    expect(inline.length).toBeLessThan(fontSlices().length / 2);
  });
});
