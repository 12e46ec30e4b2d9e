import http from 'node:http';
import type { Logger } from './logger';
import { metricsText, registry } from './metrics';

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/**
 * `GET /metrics` of a process (the API's figures and business gauges, a worker's task slots and e-mail
 * delivery), on a listener of its own apart from the API's public port: METRICS_HOST (internal; 127.0.0.1 by
 * default) and the process's metrics port. `GET /healthz` for a container's health check. It has no
 * authentication: the port is never published (docker-compose.yml) and stays inside the cluster.
 */
export async function startMetricsServer(
  port: number,
  host: string,
  logger: Logger,
  name: string,
): Promise<MetricsServer> {
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0];
    if (req.method === 'GET' && path === '/healthz') {
      // The process is up (the container's health check); the worker's own state is in /metrics.
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}\n');
      return;
    }
    if (req.method !== 'GET' || path !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metricsText().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => {
        logger.warn({ err }, 'metrics scrape failed');
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics unavailable\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address();
  const bound = typeof address === 'object' && address ? address.port : port;
  logger.info({ host, port: bound }, `${name} metrics listening`);
  return {
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
