/**
 * How the API maps a database or a Temporal service it cannot use: 503 UNAVAILABLE (retry later), never a 500. Prisma 7 reports
 * an unreachable server through its driver adapter as a known request error (P1001; P2010 for raw
 * queries), which the mapping must recognise before the known-error codes of requests.
 */
import { ServiceError } from '@temporalio/client';
import { toHttpError } from '../../api/errors';
import { createDb, Prisma } from '../../data/db';
import { freePort } from '../../dev/embedded/temporalServer';

async function errorOf(run: () => Promise<unknown>): Promise<unknown> {
  try {
    await run();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

const known = (code: string, meta?: Record<string, unknown>) =>
  new Prisma.PrismaClientKnownRequestError('test', { code, clientVersion: 'test', meta });

describe('a database that cannot be used', () => {
  it('answers 503 UNAVAILABLE for a server that refuses connections, whatever the query', async () => {
    const db = createDb(`postgresql://postgres:x@127.0.0.1:${await freePort()}/subsidy`);
    try {
      const errors = [
        await errorOf(() => db.application.findFirst({ where: { id: 'HD-2026-000001' } })),
        await errorOf(() => db.$queryRaw`SELECT 1`),
        await errorOf(() => db.$transaction(async (tx) => tx.application.count())),
      ];
      for (const err of errors) {
        expect(toHttpError(err)).toMatchObject({ status: 503, code: 'UNAVAILABLE', details: [] });
      }
    } finally {
      await db.$disconnect();
    }
  });

  it('answers 503 for a server shutting down, starting up or that closed the connection', () => {
    for (const err of [
      known('P1017'),
      known('P2010', { driverAdapterError: { cause: { kind: 'ConnectionClosed' } } }),
      known('P2010', { driverAdapterError: { cause: { kind: 'postgres', code: '57P01' } } }),
      known('P2010', { driverAdapterError: { cause: { kind: 'postgres', code: '57P03' } } }),
      known('P2024'),
    ]) {
      expect(toHttpError(err)).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    }
  });

  it('still maps the errors a request causes as before', () => {
    expect(toHttpError(known('P2002'))).toMatchObject({ status: 409 });
    expect(toHttpError(known('P2025'))).toMatchObject({ status: 404 });
    expect(
      toHttpError(known('P2010', { driverAdapterError: { cause: { kind: 'postgres', code: '23505' } } })),
    ).toBeUndefined();
  });
});

describe('a Temporal service that cannot take the call', () => {
  const grpcError = (code: number, details: string) =>
    Object.assign(new Error(`${code} ${details}`), { code, details, metadata: {} });

  it('answers 503 UNAVAILABLE for an unreachable, slow, overloaded server or a failing workflow task', () => {
    for (const code of [14, 4, 8, 9]) {
      const wrapped = new ServiceError('Failed to execute update', {
        cause: grpcError(code, 'Workflow Task in failed state'),
      });
      expect(toHttpError(wrapped)).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
      expect(toHttpError(grpcError(code, 'connection refused'))).toMatchObject({ status: 503 });
    }
  });

  it('leaves other Temporal errors to the generic handler (500)', () => {
    expect(toHttpError(new ServiceError('bad', { cause: grpcError(3, 'invalid argument') }))).toBeUndefined();
    expect(toHttpError(new ServiceError('no cause'))).toBeUndefined();
  });
});
