import { INSURED_STATUSES } from '../domain/evaluation';
import type { Track } from '../domain/status';
import { Prisma, type Tx } from './db';

/**
 * The evaluation's rollups (实施效果评估, docs/performance.md "Evaluation from rollups"): counters per
 * programme year × month × track × field, per settlement year × track × field, and per programme year, so that
 * the evaluation reads a few dozen rows instead of every application.
 *
 * They are kept through *items*: what each row contributes today (one per insured application, one per
 * application and settlement year of its SUCCEEDED payments). `syncEvaluationRollups` recomputes the items of
 * one enterprise from its rows, compares them with the stored ones and moves the counters by the difference,
 * in the caller's transaction. A second call with nothing changed finds no difference and writes nothing, so
 * a replayed step, or a writer calling it once too often, cannot count twice. The definitions are those of
 * `domain/evaluation.ts`; `data/evaluationReconcile.ts` checks the counters against the row-based queries of
 * `data/evaluation.ts`, and `data/evaluationRollupTables.ts` rebuilds and reads them.
 */

/** Timestamps are stored as UTC wall-clock time; Asia/Shanghai is UTC+8 all year. */
const SHANGHAI = Prisma.sql`interval '8 hours'`;
const INSURED = Prisma.sql`a."approvedAt" IS NOT NULL AND a.status = ANY(${[...INSURED_STATUSES]}::"ApplicationStatus"[])`;

/**
 * The insured items as the rows define them. `where` filters applications (by enterprise, for a sync): the
 * window partitions by enterprise, so the filter does not change which application is an enterprise's first.
 * The month is that of submission in Asia/Shanghai, held within the programme year (a submission a moment
 * outside it counts in its first or last month).
 */
export const insuredItems = (where: Prisma.Sql) => Prisma.sql`
  SELECT a.id AS "applicationId", a."creditCode", a."programYear",
         (CASE WHEN extract(year FROM a."createdAt" + ${SHANGHAI}) < a."programYear" THEN 1
               WHEN extract(year FROM a."createdAt" + ${SHANGHAI}) > a."programYear" THEN 12
               ELSE extract(month FROM a."createdAt" + ${SHANGHAI}) END)::int AS month,
         a.track::text AS track, e."mainField" AS field,
         a."premiumFen", a."sumInsuredFen" AS "riskCoverageFen",
         row_number() OVER (PARTITION BY a."creditCode" ORDER BY a."approvedAt", a.id) = 1 AS "newEnterprise",
         coalesce(jsonb_typeof(a."verifiedFacts" -> 'enterprise' -> 'highTech') = 'object'
           AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'certifiedOn' <= (a."programYear"::text || '-12-31')
           AND a."verifiedFacts" -> 'enterprise' -> 'highTech' ->> 'validUntil' >= (a."programYear"::text || '-01-01'),
           false) AS "highTech"
  FROM "Application" a JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
  WHERE ${INSURED} AND ${where}`;

/** The paid items as the rows define them: SUCCEEDED payments per application and Asia/Shanghai year settled. */
export const paidItems = (where: Prisma.Sql) => Prisma.sql`
  SELECT p."applicationId", extract(year FROM p."settledAt" + ${SHANGHAI})::int AS year, a."creditCode",
         a.track::text AS track, e."mainField" AS field, count(*)::int AS payments,
         sum(p."amountFen")::bigint AS "paidFen"
  FROM "Payment" p
  JOIN "Application" a ON a.id = p."applicationId"
  JOIN "Enterprise" e ON e."creditCode" = a."creditCode"
  WHERE p.status = 'SUCCEEDED'::"PaymentStatus" AND p."settledAt" IS NOT NULL AND ${where}
  GROUP BY 1, 2, 3, 4, 5`;

interface InsuredItem {
  applicationId: string;
  creditCode: string;
  programYear: number;
  month: number;
  track: Track;
  field: string;
  premiumFen: bigint;
  riskCoverageFen: bigint;
  newEnterprise: boolean;
  highTech: boolean;
}

interface PaidItem {
  applicationId: string;
  year: number;
  creditCode: string;
  track: Track;
  field: string;
  payments: number;
  paidFen: bigint;
}

const sameInsured = (a: InsuredItem, b: InsuredItem) =>
  a.programYear === b.programYear &&
  a.month === b.month &&
  a.track === b.track &&
  a.field === b.field &&
  a.premiumFen === b.premiumFen &&
  a.riskCoverageFen === b.riskCoverageFen &&
  a.newEnterprise === b.newEnterprise &&
  a.highTech === b.highTech;

const samePaid = (a: PaidItem, b: PaidItem) =>
  a.track === b.track && a.field === b.field && a.payments === b.payments && a.paidFen === b.paidFen;

/** Counter changes, summed per cell before they are written (each cell once, in key order: no deadlock). */
class Deltas<V extends bigint[]> {
  private readonly cells = new Map<string, { key: (string | number)[]; values: V }>();
  add(key: (string | number)[], values: V, sign: 1n | -1n): void {
    const id = JSON.stringify(key);
    const cell = this.cells.get(id);
    if (!cell) this.cells.set(id, { key, values: values.map((v) => v * sign) as V });
    else cell.values.forEach((v, i) => (cell.values[i] = v + values[i]! * sign));
  }
  /** The cells whose counters move, in key order. */
  changed(): { key: (string | number)[]; values: V }[] {
    return [...this.cells.entries()]
      .filter(([, c]) => c.values.some((v) => v !== 0n))
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, c]) => c);
  }
}

/** Serialises the syncs of one enterprise (two of its applications recorded at once would both see old items). */
const ROLLUP_LOCK = 0x6576616c; // 'eval'

/** Item rows as JSON (bigints as text, exact), read back as items. */
type JsonItem<T> = { [K in keyof T]: T[K] extends bigint ? string : T[K] };
const insuredFromJson = (i: JsonItem<InsuredItem>): InsuredItem => ({
  ...i,
  premiumFen: BigInt(i.premiumFen),
  riskCoverageFen: BigInt(i.riskCoverageFen),
});
const paidFromJson = (p: JsonItem<PaidItem>): PaidItem => ({ ...p, paidFen: BigInt(p.paidFen) });

/**
 * The enterprise's items as its rows define them and as stored, in one statement (after the lock, so that
 * its snapshot sees every sync that went before).
 */
async function readItems(tx: Tx, creditCode: string) {
  const enterprise = Prisma.sql`a."creditCode" = ${creditCode}`;
  const [row] = await tx.$queryRaw<
    {
      wantInsured: JsonItem<InsuredItem>[];
      haveInsured: JsonItem<InsuredItem>[];
      wantPaid: JsonItem<PaidItem>[];
      havePaid: JsonItem<PaidItem>[];
    }[]
  >`
    SELECT
      (SELECT coalesce(json_agg(json_build_object('applicationId', i."applicationId", 'creditCode', i."creditCode",
         'programYear', i."programYear", 'month', i.month, 'track', i.track, 'field', i.field,
         'premiumFen', i."premiumFen"::text, 'riskCoverageFen', i."riskCoverageFen"::text,
         'newEnterprise', i."newEnterprise", 'highTech', i."highTech")), '[]'::json)
       FROM (${insuredItems(enterprise)}) i) AS "wantInsured",
      (SELECT coalesce(json_agg(json_build_object('applicationId', i."applicationId", 'creditCode', i."creditCode",
         'programYear', i."programYear", 'month', i.month, 'track', i.track::text, 'field', i.field,
         'premiumFen', i."premiumFen"::text, 'riskCoverageFen', i."riskCoverageFen"::text,
         'newEnterprise', i."newEnterprise", 'highTech', i."highTech")), '[]'::json)
       FROM "EvaluationInsuredItem" i WHERE i."creditCode" = ${creditCode}) AS "haveInsured",
      (SELECT coalesce(json_agg(json_build_object('applicationId', p."applicationId", 'year', p.year,
         'creditCode', p."creditCode", 'track', p.track, 'field', p.field, 'payments', p.payments,
         'paidFen', p."paidFen"::text)), '[]'::json)
       FROM (${paidItems(enterprise)}) p) AS "wantPaid",
      (SELECT coalesce(json_agg(json_build_object('applicationId', p."applicationId", 'year', p.year,
         'creditCode', p."creditCode", 'track', p.track::text, 'field', p.field, 'payments', p.payments,
         'paidFen', p."paidFen"::text)), '[]'::json)
       FROM "EvaluationPaidItem" p WHERE p."creditCode" = ${creditCode}) AS "havePaid"`;
  return {
    wantInsured: row!.wantInsured.map(insuredFromJson),
    haveInsured: row!.haveInsured.map(insuredFromJson),
    wantPaid: row!.wantPaid.map(paidFromJson),
    havePaid: row!.havePaid.map(paidFromJson),
  };
}

/**
 * Brings the rollups up to date with the rows of one enterprise (its applications, their payments, its main
 * field), in the caller's transaction: call it after changing any of them. Two statements when nothing
 * changed (the lock, the read); otherwise one more for the items and one per kind of counter, written in key
 * order, insured cells before years before paid cells (so that two syncs never wait on each other in turn).
 */
export async function syncEvaluationRollups(tx: Tx, creditCode: string): Promise<void> {
  await tx.$executeRaw`SELECT pg_advisory_xact_lock(${ROLLUP_LOCK}::int, hashtext(${creditCode}))`;
  await syncLocked(tx, creditCode);
}

/** `syncEvaluationRollups` for the enterprise of an application (its lock taken in the same statement). */
export async function syncEvaluationRollupsOf(tx: Tx, applicationId: string): Promise<void> {
  const [row] = await tx.$queryRaw<{ creditCode: string }[]>`
    SELECT a."creditCode", pg_advisory_xact_lock(${ROLLUP_LOCK}::int, hashtext(a."creditCode"))::text AS locked
    FROM "Application" a WHERE a.id = ${applicationId}`;
  if (row) await syncLocked(tx, row.creditCode);
}

async function syncLocked(tx: Tx, creditCode: string): Promise<void> {
  const { wantInsured, haveInsured, wantPaid, havePaid } = await readItems(tx, creditCode);
  const itemWrites: Prisma.Sql[] = [];

  const insuredCells = new Deltas<[bigint, bigint, bigint, bigint]>();
  const insuredKey = (i: InsuredItem) => [i.programYear, i.month, i.track, i.field];
  const insuredValues = (i: InsuredItem): [bigint, bigint, bigint, bigint] => [
    1n,
    i.newEnterprise ? 1n : 0n,
    i.premiumFen,
    i.riskCoverageFen,
  ];
  const wanted = new Map(wantInsured.map((i) => [i.applicationId, i]));
  const had = new Map(haveInsured.map((i) => [i.applicationId, i]));
  for (const id of new Set([...wanted.keys(), ...had.keys()])) {
    const [want, have] = [wanted.get(id), had.get(id)];
    if (want && have && sameInsured(want, have)) continue;
    if (have) insuredCells.add(insuredKey(have), insuredValues(have), -1n);
    if (want) insuredCells.add(insuredKey(want), insuredValues(want), 1n);
    itemWrites.push(
      want
        ? Prisma.sql`INSERT INTO "EvaluationInsuredItem" AS i ("applicationId", "creditCode", "programYear", month,
            track, field, "premiumFen", "riskCoverageFen", "newEnterprise", "highTech")
          VALUES (${id}, ${creditCode}, ${want.programYear}, ${want.month}, ${want.track}::"Track", ${want.field},
            ${want.premiumFen}, ${want.riskCoverageFen}, ${want.newEnterprise}, ${want.highTech})
          ON CONFLICT ("applicationId") DO UPDATE SET "programYear" = EXCLUDED."programYear",
            month = EXCLUDED.month, track = EXCLUDED.track, field = EXCLUDED.field,
            "premiumFen" = EXCLUDED."premiumFen", "riskCoverageFen" = EXCLUDED."riskCoverageFen",
            "newEnterprise" = EXCLUDED."newEnterprise", "highTech" = EXCLUDED."highTech"`
        : Prisma.sql`DELETE FROM "EvaluationInsuredItem" WHERE "applicationId" = ${id}`,
    );
  }

  // The enterprise counts once in each programme year it has an insured application (high-tech: one of them).
  const years = new Deltas<[bigint, bigint]>();
  const presence = (items: InsuredItem[]) => {
    const by = new Map<number, [bigint, bigint]>();
    for (const i of items) {
      const [, highTech] = by.get(i.programYear) ?? [1n, 0n];
      by.set(i.programYear, [1n, i.highTech ? 1n : highTech]);
    }
    return by;
  };
  for (const [year, values] of presence(haveInsured)) years.add([year], values, -1n);
  for (const [year, values] of presence(wantInsured)) years.add([year], values, 1n);

  const paidCells = new Deltas<[bigint, bigint]>();
  const paidId = (p: PaidItem) => `${p.applicationId}\u0000${p.year}`;
  const wantedPaid = new Map(wantPaid.map((p) => [paidId(p), p]));
  const hadPaid = new Map(havePaid.map((p) => [paidId(p), p]));
  for (const id of new Set([...wantedPaid.keys(), ...hadPaid.keys()])) {
    const [want, have] = [wantedPaid.get(id), hadPaid.get(id)];
    if (want && have && samePaid(want, have)) continue;
    if (have) paidCells.add([have.year, have.track, have.field], [1n, have.paidFen], -1n);
    if (want) paidCells.add([want.year, want.track, want.field], [1n, want.paidFen], 1n);
    itemWrites.push(
      want
        ? Prisma.sql`INSERT INTO "EvaluationPaidItem" ("applicationId", year, "creditCode", track, field, payments,
            "paidFen")
          VALUES (${want.applicationId}, ${want.year}, ${creditCode}, ${want.track}::"Track", ${want.field},
            ${want.payments}, ${want.paidFen})
          ON CONFLICT ("applicationId", year) DO UPDATE SET track = EXCLUDED.track, field = EXCLUDED.field,
            payments = EXCLUDED.payments, "paidFen" = EXCLUDED."paidFen"`
        : Prisma.sql`DELETE FROM "EvaluationPaidItem" WHERE "applicationId" = ${have!.applicationId}
            AND year = ${have!.year}`,
    );
  }
  // Every item written in one statement (each item once: they are this enterprise's, under its lock).
  if (itemWrites.length)
    await tx.$executeRaw`WITH ${Prisma.join(
      itemWrites.map((w, i) => Prisma.sql`${Prisma.raw(`w${i}`)} AS (${w})`),
    )} SELECT 1`;

  const insured = insuredCells.changed();
  if (insured.length)
    await tx.$executeRaw`
      INSERT INTO "EvaluationInsuredCell" AS c ("programYear", month, track, field, applications, "newEnterprises",
        "premiumFen", "riskCoverageFen")
      VALUES ${Prisma.join(
        insured.map(
          ({ key: [y, m, t, f], values: [n, fresh, premium, risk] }) =>
            Prisma.sql`(${y}, ${m}, ${t}::"Track", ${f}, ${Number(n)}, ${Number(fresh)}, ${premium}, ${risk})`,
        ),
      )}
      ON CONFLICT ("programYear", month, track, field) DO UPDATE SET
        applications = c.applications + EXCLUDED.applications,
        "newEnterprises" = c."newEnterprises" + EXCLUDED."newEnterprises",
        "premiumFen" = c."premiumFen" + EXCLUDED."premiumFen",
        "riskCoverageFen" = c."riskCoverageFen" + EXCLUDED."riskCoverageFen"`;
  const yearRows = years.changed();
  if (yearRows.length)
    await tx.$executeRaw`
      INSERT INTO "EvaluationYear" AS y ("programYear", "insuredEnterprises", "highTechEnterprises")
      VALUES ${Prisma.join(
        yearRows.map(
          ({ key: [year], values: [n, highTech] }) =>
            Prisma.sql`(${year}, ${Number(n)}, ${Number(highTech)})`,
        ),
      )}
      ON CONFLICT ("programYear") DO UPDATE SET
        "insuredEnterprises" = y."insuredEnterprises" + EXCLUDED."insuredEnterprises",
        "highTechEnterprises" = y."highTechEnterprises" + EXCLUDED."highTechEnterprises"`;
  const paid = paidCells.changed();
  if (paid.length)
    await tx.$executeRaw`
      INSERT INTO "EvaluationPaidCell" AS c (year, track, field, applications, "paidFen")
      VALUES ${Prisma.join(
        paid.map(
          ({ key: [y, t, f], values: [n, fen] }) =>
            Prisma.sql`(${y}, ${t}::"Track", ${f}, ${Number(n)}, ${fen})`,
        ),
      )}
      ON CONFLICT (year, track, field) DO UPDATE SET
        applications = c.applications + EXCLUDED.applications, "paidFen" = c."paidFen" + EXCLUDED."paidFen"`;
}
