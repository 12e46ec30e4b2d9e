import { z } from 'zod';
import {
  evaluationReportPage,
  findChromium,
  htmlToPdf,
  REPORT_CSP,
  ReportUnavailableError,
} from '../../services/report';
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

const unavailable = (code: string, message: string) => new HttpError(503, code, message);

/** The evaluation report (评估报告): the evaluation's figures written up with charts, as HTML or PDF. */
export const reportRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/metrics/report',
    summary:
      'Evaluation report of a programme year (评估报告): summary, charts and tables as one self-contained HTML page, or an A4 PDF',
    tag: 'evaluation',
    access: ['admin', 'finance', 'approver'],
    query: ReportQuery,
    errors: [503],
    async handler({ query, req, deps }) {
      const format =
        query.format ??
        (req.accepts(['text/html', 'application/pdf']) === 'application/pdf' ? 'pdf' : 'html');
      // Refused before any work when there is nothing to print with.
      const chromium =
        format === 'pdf' ? findChromium(deps.config.report.chromium, deps.config.report.searchPath) : null;
      if (format === 'pdf' && !chromium)
        throw unavailable(
          'PDF_RENDERER_UNAVAILABLE',
          'no Chromium to print the report with (see CHROMIUM_PATH); the HTML report is available',
        );
      const name = `evaluation-report-${query.year}`;
      const common = { 'Cache-Control': 'no-store', Vary: 'Accept' };
      try {
        const { html } = await evaluationReportPage(deps.db, query.year, {
          maxAgeMs: deps.config.evaluationCacheSeconds * 1000,
        });
        if (format === 'html')
          return {
            headers: {
              ...common,
              'Content-Security-Policy': REPORT_CSP,
              'Content-Disposition': `inline; filename="${name}.html"`,
            },
            raw: { contentType: 'text/html; charset=utf-8', data: html },
          };
        const pdf = await htmlToPdf(html, chromium!);
        return {
          headers: { ...common, 'Content-Disposition': `attachment; filename="${name}.pdf"` },
          raw: { contentType: 'application/pdf', data: pdf },
        };
      } catch (err) {
        if (err instanceof ReportUnavailableError) throw unavailable(err.code, err.message);
        throw err;
      }
    },
  }),
];
