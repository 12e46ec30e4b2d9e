import { TRACKS, type Track } from '../domain/status';
import { TRACK_LABELS } from '../domain/labels';
import { formatNumber } from '../domain/reportText';

/** One track's site visits of the report's year (data/siteVisits.ts `visitResultsOfYear`). */
export interface SiteVisitRow {
  track: Track;
  sampled: number;
  visited: number;
  passed: number;
  failed: number;
  notReachable: number;
}

type Table = (
  caption: string,
  cols: { zh: string; en: string; num?: boolean }[],
  rows: string[][],
  foot?: string[],
) => string;

const COLS = [
  { zh: '补贴类别', en: 'Track' },
  { zh: '抽取', en: 'Sampled', num: true },
  { zh: '已走访', en: 'Visited', num: true },
  { zh: '通过', en: 'Passed', num: true },
  { zh: '未通过', en: 'Failed', num: true },
  { zh: '无法走访', en: 'Not reachable', num: true },
];

/**
 * The section on the year's sampled site visits (实地走访): the visits of the year's four quarters by track,
 * and their total; a year without a sample says so.
 */
export function siteVisitsSection(year: number, rows: readonly SiteVisitRow[], table: Table): string {
  const heading = '<h2>实地走访 <span class="en" lang="en">Site visits</span></h2>';
  if (!rows.length)
    return `<section id="site-visits">${heading}<p>${year} 年尚无抽样走访。<span class="en" lang="en">No site visits sampled in ${year}.</span></p></section>`;
  const ordered = TRACKS.flatMap((t) => rows.filter((r) => r.track === t));
  const cells = (r: Omit<SiteVisitRow, 'track'>) =>
    [r.sampled, r.visited, r.passed, r.failed, r.notReachable].map((n) => formatNumber(n));
  const sum = (k: keyof Omit<SiteVisitRow, 'track'>) => ordered.reduce((s, r) => s + r[k], 0);
  const total = {
    sampled: sum('sampled'),
    visited: sum('visited'),
    passed: sum('passed'),
    failed: sum('failed'),
    notReachable: sum('notReachable'),
  };
  return [
    '<section id="site-visits">',
    heading,
    `<p>按季度从当季已拨付申请中按补贴类别和街道（镇）分层随机抽取（每层至少一件），由街道（镇）实地核查。<span class="en" lang="en">Each quarter's paid applications, sampled by track and street office (at least one per stratum), visited by the street offices.</span></p>`,
    table(
      `${year} 年实地走访结果 Site visits ${year}`,
      COLS,
      ordered.map((r) => [`${TRACK_LABELS[r.track].zh} ${TRACK_LABELS[r.track].en}`, ...cells(r)]),
      ['合计 Total', ...cells(total)],
    ),
    '</section>',
  ].join('');
}
