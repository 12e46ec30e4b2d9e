import type { EvaluationReport } from '../domain/evaluation';
import { reportSummary } from '../domain/reportText';
import type { Db } from '../data/db';
import { evaluationReport } from '../data/evaluation';
import { visitResultsOfYear } from '../data/siteVisits';
import { renderCharts, reportCharts } from './charts';
import { reportHtml } from './html';

export { ReportUnavailableError } from './limit';
export { createPdfPrinter, type PdfPrinter } from './pdf';

/**
 * The evaluation report (评估报告) of a programme year: the figures of the evaluation service, unchanged, as
 * a written summary, charts and tables on one printable page.
 */
export async function evaluationReportPage(
  db: Db,
  year: number,
  opts: { now?: Date } = {},
): Promise<{ html: string; csp: string; report: EvaluationReport }> {
  const now = opts.now ?? new Date();
  const report = await evaluationReport(db, year);
  const charts = reportCharts(report);
  const svgs = await renderCharts(charts);
  const siteVisits = await visitResultsOfYear(db, year);
  const page = reportHtml({
    report,
    summary: reportSummary(report, now),
    charts,
    svgs,
    generatedAt: now,
    siteVisits,
  });
  return { ...page, report };
}
