import { createRecordActivities } from '../../activities/records';
import { defaultProgram } from '../../domain/program';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { sentMail } from '../helpers/evidence';
import { as, eventually, type ApiClient, type TestStack, stackPerFile } from '../helpers/stack';
import { newApplicant, submit } from '../helpers/world';

let stack: TestStack;
stackPerFile((s) => (stack = s));

const applicant = () => newApplicant(stack);

const statusOf = async (client: ApiClient, id: string) =>
  (await client.get(`/api/v1/applications/${id}`)).body.status as string;

/** The initial reviewer and then an approver approve the application. */
async function approve(reviewer: ApiClient, applicationId: string) {
  const approver = await as(stack, { role: 'approver', org: 'committee' });
  for (const [who, expected] of [
    [reviewer, 'FINAL_APPROVAL'],
    [approver, 'APPROVED'],
  ] as const) {
    const task = await eventually(
      () => stack.db.task.findFirst({ where: { applicationId, state: 'OPEN' } }),
      (t) => t !== null,
    );
    expect((await who.post(`/api/v1/tasks/${task!.id}/claim`)).status).toBe(200);
    const res = await who.post(`/api/v1/tasks/${task!.id}/decision`, { decision: 'approve', comment: 'ok' });
    expect(res.body.status).toBe(expected);
  }
}

describe('recovery', () => {
  it('finishes applications across a worker stop and start, with one e-mail per event', async () => {
    const a = await applicant();
    const b = await applicant();
    const reviewer = await as(stack, { role: 'reviewer', org: 'street:中关村街道' });
    const first = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    await eventually(
      () => statusOf(a.client, first),
      (s) => s === 'INITIAL_REVIEW',
    );

    await stack.stopWorker();
    // Submitted while no worker runs: the workflow waits in Temporal, nothing is lost.
    const second = (await submit(stack, b, 'INCLUSIVE')).body.id as string;
    expect(await statusOf(b.client, second)).toBe('SUBMITTED');
    await stack.startWorker();

    await eventually(
      () => statusOf(b.client, second),
      (s) => s === 'INITIAL_REVIEW',
    );
    await approve(reviewer, first);
    await approve(reviewer, second);

    // Received and approved, for each: once all four rows are SENT, no copy of them can still arrive.
    const outbox = await sentMail(stack.db, { applicationId: { in: [first, second] } }, 4);
    for (const who of [a, b]) {
      const subjects = stack.smtp.messages
        .filter((m) => m.to.includes(who.email))
        .map((m) => m.subject.split(' / ')[1]);
      expect(subjects.sort()).toEqual([
        expect.stringContaining('approved'),
        expect.stringContaining('received'),
      ]);
    }
    expect(outbox).toHaveLength(4);
    expect(outbox.every((m) => m.status === 'SENT')).toBe(true);
  });

  it('writes a replayed workflow step once: one audit event, one e-mail', async () => {
    const a = await applicant();
    const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
    await eventually(
      () => statusOf(a.client, id),
      (s) => s === 'INITIAL_REVIEW',
    );
    const acts = createRecordActivities({
      db: stack.db,
      publicBaseUrl: 'http://x',
      linkSecret: stack.config.linkSecret,
    });
    const step = {
      key: `${id}:replay-test`,
      applicationId: id,
      at: new Date().toISOString(),
      actor: { subject: 'system', role: 'system' as const },
      action: 'NOTE',
      emails: [{ key: `${id}:replay-test-mail`, template: 'received' as const, to: 'applicant' as const }],
    };
    const once = await acts.record(step);
    const twice = await acts.record(step);
    expect([once.replayed, twice.replayed]).toEqual([false, true]);
    expect(await stack.db.auditEvent.count({ where: { key: step.key } })).toBe(1);
    expect(await stack.db.emailOutbox.count({ where: { key: `${id}:replay-test-mail` } })).toBe(1);

    // Another step under a recorded key is refused (the workflow and the database have parted), not skipped.
    const other = { ...step, action: 'CANCELLED', toStatus: 'REJECTED' as const, emails: [] };
    await expect(acts.record(other)).rejects.toThrow(/recorded as NOTE, and is now CANCELLED/);
    expect(await statusOf(a.client, id)).toBe('INITIAL_REVIEW');
    expect((await stack.db.auditEvent.findUniqueOrThrow({ where: { key: step.key } })).action).toBe('NOTE');
  });

  it('starts the workflow of an application stored without one (the API died in between)', async () => {
    const a = await applicant();
    const id = `HD-2026-S${Date.now().toString(36)}`;
    await stack.db.application.create({
      data: {
        id,
        creditCode: a.code,
        track: 'INCLUSIVE',
        programYear: 2026,
        insurerCode: 'PICC',
        policyNumber: `STRANDED-${id}`,
        productCode: 'HD-GROUP-2026',
        policyStartDate: new Date('2026-03-01'),
        policyEndDate: new Date('2027-02-28'),
        premiumFen: 250_000n,
        paidPremiumFen: 250_000n,
        paidAt: new Date('2026-02-20T02:00:00Z'),
        sumInsuredFen: 500_000_000n,
        submittedBy: 'someone',
        workflowId: applicationWorkflowId(id),
        programSnapshot: { ...defaultProgram(2026) },
        createdAt: new Date(Date.now() - 60_000),
      },
    });
    await eventually(
      () => statusOf(a.client, id),
      (s) => s === 'REJECTED', // no policy at the insurer, no documents: the recovered precheck rejects it
      20_000,
    );
    const row = await stack.db.application.findUniqueOrThrow({ where: { id } });
    expect(row.workflowStartedAt).not.toBeNull();
    await stack.smtp.waitFor((all) => all.some((m) => m.to.includes(a.email) && m.subject.includes(id)));
  });
});
