import fc from 'fast-check';
import { Client } from 'pg';
import { createRecordActivities, type StepRecord } from '../../activities/records';
import { createDb, type Db } from '../../data/db';
import { evaluationFromRows, evaluationReport } from '../../data/evaluation';
import { compareEvaluationRollups } from '../../data/evaluationReconcile';
import { syncEvaluationRollups } from '../../data/evaluationRollups';
import { APPLICATION_STATUSES } from '../../domain/status';
import { listMigrations, migrate } from '../../prisma/migrate';
import {
  applicationRow,
  applicationRowIn,
  enterpriseRow,
  highTechFacts,
  paymentRowIn,
  type ApplicationRow,
  type PaymentRow,
} from '../helpers/evaluationRows';
import { createTestDatabase } from '../helpers/stack';

/**
 * The rollups against the rows, over random sequences of recorded steps (the record activity, as the
 * workflows call it, with no workflow running): approvals at random times (which decides each enterprise's
 * first insured application), statuses in and out of the insured set, verified facts with and without a
 * high-tech certificate, payments settling or failing in either year, steps replayed with their key, an
 * enterprise changing its main field. After every step the reconciliation finds no cell that differs, and
 * at the end the evaluation read from the rollups equals the one computed from every row. Then the migration
 * that created the rollups fills them from rows written before it.
 */
let database: { url: string; drop(): Promise<void> };
let db: Db;
beforeAll(async () => {
  database = await createTestDatabase();
  db = createDb(database.url, { maxConnections: 4 });
});
afterAll(async () => {
  await db?.$disconnect();
  await database?.drop();
});

const ENTERPRISES = ['91110108PROP00001A', '91110108PROP00002B', '91110108PROP00003C'];
const FIELDS = ['ARTIFICIAL_INTELLIGENCE', 'BIOMEDICINE', 'NEW_ENERGY'] as const;
/** Six applications: three of the first enterprise, submitted around the years' edges in Asia/Shanghai. */
const APPLICATIONS: Omit<ApplicationRow, 'status'>[] = [
  ['HD-2031-P0001', 0, 2031, '2030-12-31T16:30:00Z', 'INCLUSIVE'], // 1 January 2031 in Shanghai
  ['HD-2031-P0002', 0, 2031, '2031-12-31T15:59:59Z', 'SRDI'], // the year's last second
  ['HD-2030-P0003', 0, 2030, '2030-06-15T02:00:00Z', 'INCLUSIVE'],
  ['HD-2031-P0004', 1, 2031, '2031-03-10T02:00:00Z', 'FRONTIER'],
  ['HD-2030-P0005', 1, 2030, '2031-01-01T00:10:00Z', 'INCLUSIVE'], // 2031 in Shanghai, programme year 2030
  ['HD-2031-P0006', 2, 2031, '2031-07-01T02:00:00Z', 'SRDI'],
].map(([id, e, year, createdAt, track], i) => ({
  id: id as string,
  creditCode: ENTERPRISES[e as number]!,
  track: track as ApplicationRow['track'],
  programYear: year as number,
  createdAt: createdAt as string,
  premiumFen: 100_000 * (i + 1),
  sumInsuredFen: 10_000_000 * (i + 1),
}));
const BASE = Date.parse('2030-06-01T00:00:00Z');
const DAY = 86_400_000;

const app = fc.integer({ min: 0, max: APPLICATIONS.length - 1 });
const day = fc.integer({ min: 0, max: 900 });
const date = fc
  .integer({ min: 0, max: 2400 })
  .map((d) => new Date(BASE - 800 * DAY + d * DAY).toISOString().slice(0, 10));
type Op =
  | { op: 'approve'; app: number; day: number }
  | { op: 'status'; app: number; status: (typeof APPLICATION_STATUSES)[number] }
  | { op: 'facts'; app: number; highTech: [string, string] | null }
  | { op: 'pay'; app: number; day: number; outcome: 'SUCCEEDED' | 'FAILED' | 'CANCELLED' }
  | { op: 'replay'; back: number }
  | { op: 'field'; enterprise: number; field: (typeof FIELDS)[number] };
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('approve' as const), app, day }),
  fc.record({ op: fc.constant('status' as const), app, status: fc.constantFrom(...APPLICATION_STATUSES) }),
  fc.record({ op: fc.constant('facts' as const), app, highTech: fc.option(fc.tuple(date, date)) }),
  fc.record({
    op: fc.constant('pay' as const),
    app,
    day,
    outcome: fc.constantFrom('SUCCEEDED' as const, 'FAILED' as const, 'CANCELLED' as const),
  }),
  fc.record({ op: fc.constant('replay' as const), back: fc.nat(20) }),
  fc.record({
    op: fc.constant('field' as const),
    enterprise: fc.integer({ min: 0, max: 2 }),
    field: fc.constantFrom(...FIELDS),
  }),
);

async function reset(): Promise<void> {
  await db.$executeRawUnsafe(
    `TRUNCATE "Payment", "AuditEvent", "Application", "Enterprise", "EvaluationInsuredItem", "EvaluationInsuredCell",
       "EvaluationYear", "EvaluationPaidItem", "EvaluationPaidCell" CASCADE`,
  );
  for (const [i, code] of ENTERPRISES.entries()) await enterpriseRow(db, code, `属性企业${i}`, FIELDS[i]!);
  for (const a of APPLICATIONS) await applicationRow(db, { ...a, status: 'FINAL_APPROVAL' });
}

const drift = () => db.$transaction((tx) => compareEvaluationRollups(tx)).then((r) => r.drift);

describe('evaluation rollups, property', () => {
  it('equal the rows after every step of any sequence of steps, replays included', async () => {
    const activities = createRecordActivities({ db, publicBaseUrl: 'http://x', linkSecret: 'x'.repeat(32) });
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
        run++;
        await reset();
        const done: StepRecord[] = [];
        let attempt = 0;
        for (const [k, o] of ops.entries()) {
          const base = {
            key: `p${run}-${k}`,
            at: new Date().toISOString(),
            actor: { subject: 'prop', role: 'system' as const },
          };
          if (o.op === 'replay') {
            const again = done[done.length - 1 - (o.back % Math.max(1, done.length))];
            if (again) expect((await activities.record(again)).replayed).toBe(true);
          } else if (o.op === 'field') {
            await db.$transaction(async (tx) => {
              await tx.enterprise.update({
                where: { creditCode: ENTERPRISES[o.enterprise]! },
                data: { mainField: o.field },
              });
              await syncEvaluationRollups(tx, ENTERPRISES[o.enterprise]!); // as PUT /enterprises does
            });
          } else {
            const applicationId = APPLICATIONS[o.app]!.id;
            let step: StepRecord;
            if (o.op === 'approve') {
              const at = new Date(BASE + o.day * DAY).toISOString();
              step = {
                ...base,
                at,
                applicationId,
                action: 'APPROVED',
                toStatus: 'APPROVED',
                application: { approved: true, grantedFen: 100_000 },
              };
            } else if (o.op === 'status') {
              step = { ...base, applicationId, action: 'STATUS', toStatus: o.status };
            } else if (o.op === 'facts') {
              const facts = o.highTech ? highTechFacts(...o.highTech) : { enterprise: { highTech: null } };
              step = { ...base, applicationId, action: 'PRECHECKED', application: { verifiedFacts: facts } };
            } else {
              const id = `${applicationId}-prop-${++attempt}`;
              await db.payment.create({
                data: {
                  id,
                  applicationId,
                  attempt,
                  amountFen: BigInt(10_000 * attempt),
                  payee: {},
                  status: 'REQUESTED',
                },
              });
              const at = new Date(BASE + o.day * DAY).toISOString();
              step = { ...base, at, applicationId, action: 'PAYMENT', payment: { id, status: o.outcome } };
            }
            expect((await activities.record(step)).replayed).toBe(false);
            done.push(step);
          }
          expect(await drift()).toEqual([]);
        }
        for (const year of [2030, 2031, 2032])
          expect(await evaluationReport(db, year)).toEqual(await evaluationFromRows(db, year));
      }),
      { numRuns: 30 },
    );
  }, 300_000);
});

describe('the migration that creates the rollups', () => {
  it('fills them from the rows written before it', async () => {
    const ROLLUPS = '20261203010000_evaluation_rollups';
    const before = listMigrations()
      .map((m) => m.name)
      .filter((n) => n < ROLLUPS)
      .at(-1)!;
    const name = `t_fresh_rollups_${Date.now()}`;
    const admin = new Client({ connectionString: process.env.TEST_PG_ADMIN_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    const url = new URL(process.env.TEST_PG_ADMIN_URL!);
    url.pathname = `/${name}`;
    const old = createDb(url.toString(), { maxConnections: 2 });
    try {
      expect((await migrate(url.toString(), undefined, { until: before })).applied.at(-1)).toBe(before);
      for (const [i, code] of ENTERPRISES.entries()) await enterpriseRow(old, code, `旧企业${i}`, FIELDS[i]!);
      const statuses = ['PAID', 'CLOSED', 'REJECTED', 'TRACKING', 'APPROVED', 'WITHDRAWN'] as const;
      for (const [i, a] of APPLICATIONS.entries())
        await applicationRowIn(old, {
          ...a,
          status: statuses[i]!,
          // Approved in the reverse order of their ids: the enterprise's first is its last by id.
          approvedAt: new Date(BASE + (400 - i * 30) * DAY).toISOString(),
          verifiedFacts: i % 2 ? highTechFacts('2029-01-01', '2031-06-30') : undefined,
        });
      const payments: PaymentRow[] = [
        ['HD-2031-P0001', 1, 'SUCCEEDED', 50_000, '2031-12-31T16:30:00Z'], // 2032 in Shanghai
        ['HD-2031-P0001', 2, 'SUCCEEDED', 20_000, '2032-02-01T02:00:00Z'],
        ['HD-2030-P0003', 1, 'FAILED', 30_000, '2031-02-01T02:00:00Z'],
        ['HD-2030-P0003', 2, 'SUCCEEDED', 30_000, '2031-02-02T02:00:00Z'],
        ['HD-2031-P0004', 1, 'SUCCEEDED', 40_000, '2031-05-01T02:00:00Z'],
        ['HD-2031-P0004', 2, 'PENDING', 40_000],
      ];
      for (const p of payments) await paymentRowIn(old, p);
      await old.$disconnect();

      expect((await migrate(url.toString())).applied).toContain(ROLLUPS);
      const migrated = createDb(url.toString(), { maxConnections: 2 });
      try {
        expect(await migrated.$transaction((tx) => compareEvaluationRollups(tx))).toEqual({
          driftCells: 0,
          drift: [],
        });
        const y2031 = await evaluationReport(migrated, 2031);
        expect(y2031.insuredApplications).toBe(3); // P0001 paid, P0002 closed, P0004 tracking; P0006 withdrawn
        expect(y2031.applicationsPaid).toBe(2); // settled in 2031: P0003 (its second attempt), P0004
        for (const year of [2030, 2031, 2032])
          expect(await evaluationReport(migrated, year)).toEqual(await evaluationFromRows(migrated, year));
      } finally {
        await migrated.$disconnect();
      }
    } finally {
      await old.$disconnect().catch(() => undefined);
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    }
  });
});
