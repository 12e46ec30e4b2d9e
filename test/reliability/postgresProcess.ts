/**
 * Runs one embedded PostgreSQL server (dev/embedded/postgres.ts) in a process of its own, for a test
 * that stops and starts it as an outage would (the test's own process stays up). Environment: PG_DIR, PG_PORT, PG_PASSWORD. Prints `ready` once
 * the server accepts connections; SIGTERM stops the server (a fast shutdown) and then this process.
 */
import { startEmbeddedPostgres } from '../../dev/embedded/postgres';

async function main() {
  const pg = await startEmbeddedPostgres({
    dir: process.env.PG_DIR!,
    port: Number(process.env.PG_PORT),
    password: process.env.PG_PASSWORD!,
  });
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    void pg.stop().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log('ready');
  setInterval(() => undefined, 60_000); // stay up until told to stop
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
