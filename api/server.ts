import type { Client } from '@temporalio/client';
import type { Server } from 'node:http';
import type { Config } from '../config';
import { createDb, type Db } from '../data/db';
import type { Logger } from '../platform/logger';
import { startMetricsServer, type MetricsServer } from '../platform/metricsServer';
import { createPdfPrinter, type PdfPrinter } from '../reports';
import { payloadDataConverter } from '../platform/payloadCodec';
import { connectClient } from '../temporal/client';
import { createApp } from './app';
import { createTokenService } from './auth';
import { setCreditCodeAllowList } from './schemas';

export interface ApiServer {
  port: number;
  url: string;
  /** Where `GET /metrics` of this process is served (API_METRICS_PORT on METRICS_HOST), unless it is off. */
  metricsUrl?: string;
  /** The PDF printer of this API (its one Chromium). */
  pdf: PdfPrinter;
  close(): Promise<void>;
}

/** Starts the HTTP API with its own database and Temporal clients; `close` drains in-flight requests. */
export async function startApi(
  config: Config,
  logger: Logger,
  shared: { db?: Db; temporal?: Client } = {},
): Promise<ApiServer> {
  const db = shared.db ?? createDb(config.database.url);
  const temporal =
    shared.temporal ??
    (await connectClient(
      config.temporal.address,
      config.temporal.namespace,
      payloadDataConverter(config.payloadKeys),
    ));
  setCreditCodeAllowList(config.creditCodeAllowList);
  const pdf = createPdfPrinter(config.report);
  const app = createApp({ config, db, temporal, tokens: createTokenService(config.auth), logger, pdf });
  const server: Server = await new Promise((resolve, reject) => {
    const s = app.listen(config.http.port, config.http.host, () => resolve(s));
    s.once('error', reject);
  });
  server.keepAliveTimeout = 5_000;
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.http.port;
  logger.info({ port }, 'API listening');
  let metrics: MetricsServer | undefined;
  try {
    metrics = config.metrics.apiPort
      ? await startMetricsServer(config.metrics.apiPort, config.metrics.host, logger, 'API')
      : undefined;
  } catch (err) {
    await new Promise((resolve) => server.close(resolve));
    throw err;
  }
  return {
    port,
    url: `http://${config.http.host}:${port}`,
    ...(metrics ? { metricsUrl: `http://${config.metrics.host}:${metrics.port}` } : {}),
    pdf,
    async close() {
      await metrics?.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        setTimeout(() => server.closeAllConnections(), 10_000).unref();
      });
      await pdf.close();
      if (!shared.db) await db.$disconnect();
      if (!shared.temporal) await temporal.connection.close();
    },
  };
}
