import { PrismaPg } from '@prisma/adapter-pg';
import { Prisma, PrismaClient } from '../prisma/generated/client';

export { Prisma, PrismaClient };
export type Db = PrismaClient;
/** A transaction client, as passed to `db.$transaction(async (tx) => ...)`. */
export type Tx = Prisma.TransactionClient;

/** A timestamp for raw SQL: stored as UTC wall-clock time (`timestamp(3)`), so compared against the same. */
export const sqlTimestamp = (d: Date): Prisma.Sql =>
  Prisma.sql`${d.toISOString().slice(0, 23).replace('T', ' ')}::timestamp`;

/** One Prisma client per process, on the pure-JS PostgreSQL driver (no native engine). */
export function createDb(databaseUrl: string, options: { maxConnections?: number } = {}): Db {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: options.maxConnections ?? 10 });
  return new PrismaClient({ adapter });
}
