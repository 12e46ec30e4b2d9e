import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { createRecordActivities, type StepRecord } from '../../activities/records';
import { shanghaiYear } from '../../domain/calendar';
import { evaluationFromRows, evaluationReport } from '../../data/evaluation';
import { reconcileEvaluationRollups } from '../../data/evaluationReconcile';
import { applicationRow, enterpriseRow } from '../helpers/evaluationRows';
import { creditCode, enterpriseBody } from '../helpers/fixtures';
import { as, eventually, stackPerFile, type ApiClient, type TestStack } from '../helpers/stack';
import { approvedApplication } from '../helpers/world';

/**
 * The evaluation's rollups on the real stack: applications driven through their workflows (approved, paid
 * after the public notice, cancelled by an administrator after approval), an enterprise changing its main
 * field, and a step recorded twice. After each, the figures read from the rollups equal those computed from
 * every row, and the reconciliation finds nothing. Then a counter is broken by hand: the reconciliation
 * reports it on /metrics and in the stuck list, and the runbook's rebuild (`npm run db:rollups`) clears it.
 */
let stack: TestStack;
let admin: ApiClient;
const YEAR = shanghaiYear(new Date());

const statusOf = async (id: string) =>
  (await stack.db.application.findUniqueOrThrow({ where: { id } })).status;

/** The rollups' figures, after checking that they are the rows' and that no cell drifts. */
async function figures() {
  const fromRollups = await evaluationReport(stack.db, YEAR);
  expect(fromRollups).toEqual(await evaluationFromRows(stack.db, YEAR));
  const reconciled = await reconcileEvaluationRollups(stack.db);
  expect(reconciled.drift).toEqual([]);
  return fromRollups;
}

/** `npm run db:rollups` against this stack's database: its exit code and output. */
async function rollupsScript(...args: string[]): Promise<{ code: number; out: string }> {
  const root = path.join(__dirname, '..', '..');
  try {
    const { stdout } = await promisify(execFile)(
      path.join(root, 'node_modules', '.bin', 'tsx'),
      [path.join(root, 'scripts', 'rollups.ts'), ...args],
      { env: { ...process.env, ...stack.env }, cwd: root },
    );
    return { code: 0, out: stdout };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, out: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}

const metric = async (name: string) => {
  const text = await (await fetch(`${stack.api.metricsUrl!}/metrics`)).text();
  const m = new RegExp(`^${name} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

// A notice period of five working days passes in seconds.
stackPerFile(
  async (s) => {
    stack = s;
    admin = await as(stack, { role: 'admin' });
  },
  { TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' },
);

describe('evaluation rollups kept by the steps that change the rows', () => {
  let paid: { id: string; code: string; email: string; client: ApiClient };

  it('counts an approved application, pays it, and takes out one cancelled after approval', async () => {
    const before = await figures();
    expect(before.insuredApplications).toBe(0);

    const first = await approvedApplication(stack);
    paid = { id: first.id, ...first.a };
    const cancelled = await approvedApplication(stack);
    const approved = await figures();
    expect(approved.insuredApplications).toBe(2);
    expect(approved.newInsuredEnterprises).toBe(2);
    expect(approved.insuredEnterprises).toBe(2);

    const res = await admin.post(`/api/v1/admin/applications/${cancelled.id}/cancel`, { reason: '重复申请' });
    expect(res.status).toBe(200);
    await eventually(
      () => statusOf(cancelled.id),
      (s) => s === 'REJECTED',
    );
    const afterCancel = await figures();
    expect(afterCancel.insuredApplications).toBe(1);
    expect(afterCancel.newInsuredEnterprises).toBe(1);
    expect(afterCancel.insuredEnterprises).toBe(1);
    expect(afterCancel.premiumFen).toBe(approved.premiumFen / 2); // two policies of the same premium

    expect((await admin.post('/api/v1/admin/notices/publish')).status).toBe(201);
    await eventually(
      () => statusOf(paid.id),
      (s) => s === 'TRACKING',
      90_000,
    );
    const afterPayment = await figures();
    expect(afterPayment.applicationsPaid).toBe(1);
    const payment = await stack.db.payment.findFirstOrThrow({
      where: { applicationId: paid.id, status: 'SUCCEEDED' },
    });
    expect(afterPayment.subsidiesPaidFen).toBe(Number(payment.amountFen));
  }, 240_000);

  it('moves an application to its enterprise’s new main field', async () => {
    const field = (r: Awaited<ReturnType<typeof figures>>, f: string) =>
      r.byField.find((x) => x.field === f)?.insuredApplications ?? 0;
    const before = await figures();
    expect(field(before, 'NEW_ENERGY')).toBe(0);
    const res = await paid.client.put(
      `/api/v1/enterprises/${paid.code}`,
      enterpriseBody({ contactEmail: paid.email, mainField: 'NEW_ENERGY' }),
    );
    expect(res.status).toBe(200);
    const after = await figures();
    expect(field(after, 'NEW_ENERGY')).toBe(1);
    expect(after.byField.find((x) => x.field === 'NEW_ENERGY')?.subsidiesPaidFen).toBe(
      before.subsidiesPaidFen,
    );
  });

  it('changes the counters once for a step recorded twice (a replayed activity)', async () => {
    // An insured application without a workflow (rows as the evaluation's tests write them).
    const code = creditCode();
    await enterpriseRow(stack.db, code, '北京辛科技有限公司', 'BIOMEDICINE');
    const id = `HD-${YEAR}-R9001`;
    await applicationRow(stack.db, {
      id,
      creditCode: code,
      track: 'INCLUSIVE',
      status: 'APPROVED',
      programYear: YEAR,
      createdAt: new Date().toISOString(),
      approvedAt: new Date().toISOString(),
      premiumFen: 123_400,
      sumInsuredFen: 10_000_000,
      grantedFen: 100_000,
    });
    const counted = await figures();
    const activities = createRecordActivities({
      db: stack.db,
      publicBaseUrl: 'http://x',
      linkSecret: stack.config.linkSecret,
    });
    const record = (s: StepRecord) => activities.record(s);
    const step: StepRecord = {
      key: `${id}:rollup-replay`,
      applicationId: id,
      at: new Date().toISOString(),
      actor: { subject: 'admin-test', role: 'admin' },
      action: 'CANCELLED',
      toStatus: 'REJECTED',
    };
    expect((await record(step)).replayed).toBe(false);
    const once = await figures();
    expect(once.insuredApplications).toBe(counted.insuredApplications - 1);
    expect(once.premiumFen).toBe(counted.premiumFen - 123_400);
    expect((await record(step)).replayed).toBe(true);
    expect(await figures()).toEqual(once);
  });
});

describe('evaluation rollups drift', () => {
  it('is reported on /metrics and in the stuck list, and cleared by a rebuild', async () => {
    await figures();
    expect(await metric('subsidy_evaluation_rollup_drift_cells')).toBe(0);
    const stuck = async () =>
      (await admin.get('/api/v1/admin/workflows/stuck?kind=EVALUATION_DRIFT')).body.items as {
        kind: string;
        reason: string;
        summary: { zh: string; en: string };
        temporalUrl: string;
      }[];
    expect(await stuck()).toEqual([]);

    // Someone edits a counter by hand: the figures go wrong, and the reconciliation sees where.
    const changed = await stack.db.$executeRaw`
      UPDATE "EvaluationInsuredCell" SET "premiumFen" = "premiumFen" + 1
      WHERE ("programYear", month, track, field) IN (
        SELECT "programYear", month, track, field FROM "EvaluationInsuredCell"
        WHERE "programYear" = ${YEAR} AND applications > 0 LIMIT 1)`;
    expect(changed).toBe(1);
    expect((await evaluationReport(stack.db, YEAR)).premiumFen).toBe(
      (await evaluationFromRows(stack.db, YEAR)).premiumFen + 1,
    );
    const r = await reconcileEvaluationRollups(stack.db);
    expect(r.driftCells).toBe(1);
    expect(r.drift[0]).toMatchObject({ kind: 'insured' });
    expect(BigInt(r.drift[0]!.rollup.premiumFen!) - BigInt(r.drift[0]!.rows.premiumFen!)).toBe(1n);

    expect(await metric('subsidy_evaluation_rollup_drift_cells')).toBe(1);
    expect(await metric('subsidy_evaluation_reconciled_timestamp_seconds')).toBeCloseTo(
      r.ranAt.getTime() / 1000,
    );
    const [item, ...more] = await stuck();
    expect(more).toEqual([]);
    expect(item).toMatchObject({ kind: 'EVALUATION_DRIFT', temporalUrl: '' });
    expect(item!.reason).toMatch(/differ from the rows in 1 cell/);
    expect(item!.summary.zh).toMatch(/评估的汇总数据与明细不一致/);

    // The runbook's commands: the reconciliation alone fails and names the cell; the rebuild clears it.
    const check = await rollupsScript();
    expect(check.code).toBe(1);
    expect(check.out).toMatch(/1 cell\(s\) differ from the rows/);
    expect(check.out).toContain(`insured ${r.drift[0]!.key}`);
    const rebuilt = await rollupsScript('--rebuild');
    expect(rebuilt).toEqual({ code: 0, out: expect.stringMatching(/rebuilt[\s\S]*: 0 cell\(s\) differ/) });
    expect(await metric('subsidy_evaluation_rollup_drift_cells')).toBe(0);
    expect(await stuck()).toEqual([]);
    await figures();
  });
});
