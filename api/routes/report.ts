import { z } from 'zod';
import { evaluationReportPage, ReportUnavailableError } from '../../reports';
import { HttpError } from '../errors';
import { defineRoute } from '../route';

const ReportQuery = z.object({
  year: z.coerce
    .number({ error: 'must be a year YYYY' })
    .int('must be a year YYYY')
    .min(2020, 'must be 2020 or later')
    .max(2100, 'must be 2100 or earlier'),
  format: z
    .enum(['html', 'pdf'])
    .optional()
    .describe('html (the default) or pdf; without it, `Accept: application/pdf` asks for the PDF'),
});

/** Seconds a client refused for a full queue waits before asking again (a PDF takes about a second). */
const BUSY_RETRY_AFTER_SECONDS = 5;

const unavailable = (err: ReportUnavailableError) =>
  new HttpError(
    503,
    err.code,
    err.message,
    [],
    err.code === 'REPORT_BUSY' ? { 'Retry-After': String(BUSY_RETRY_AFTER_SECONDS) } : {},
  );

/** The evaluation report (评估报告): the evaluation's figures written up with charts, as HTML or PDF. */
export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/metrics/report',
    summary:
      'Evaluation report of a programme year (评估报告): summary, charts and tables as one self-contained HTML page, or an A4 PDF',
    tag: 'evaluation',
    access: ['admin', 'finance', 'approver'],
    districtWide: true,
    query: ReportQuery,
    errors: [503],
    async handler({ query, req, deps }) {
      const format =
        query.format ??
        (req.accepts(['text/html', 'application/pdf']) === 'application/pdf' ? 'pdf' : 'html');
      const name = `evaluation-report-${query.year}`;
      const common = { 'Cache-Control': 'no-store', Vary: 'Accept' };
      const page = () => evaluationReportPage(deps.db, query.year);
      try {
        if (format === 'html') {
          const { html, csp } = await page();
          return {
            headers: {
              ...common,
              'Content-Security-Policy': csp,
              'Content-Disposition': `inline; filename="${name}.html"`,
            },
            raw: { contentType: 'text/html; charset=utf-8', data: html },
          };
        }
        // A place among the PDFs being made is taken first: a refused request costs nothing.
        const pdf = await deps.pdf.print(async () => (await page()).html);
        return {
          headers: { ...common, 'Content-Disposition': `attachment; filename="${name}.pdf"` },
          raw: { contentType: 'application/pdf', data: pdf },
        };
      } catch (err) {
        if (err instanceof ReportUnavailableError) throw unavailable(err);
        throw err;
      }
    },
  }),
];
