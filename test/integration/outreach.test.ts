/**
 * Proactive outreach (主动匹配) on the real stack: a registry of 5,000 generated enterprises (plus the demo
 * ones), campaigns run by the real workflow and activities, e-mails through the outbox to a real SMTP server,
 * and a campaign whose worker process is SIGKILLed half-way. The set each campaign must e-mail is computed
 * here, from the generator's facts, with the rules function itself (not with the campaign's code).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { shanghaiYear } from '../../domain/calendar';
import { percentOf } from '../../domain/evaluation';
import { defaultProgram } from '../../domain/program';
import { evaluate, type EnterpriseFacts, type PolicyFacts } from '../../domain/rules';
import { SEED_PRODUCTS } from '../../prisma/seed';
import { SEED_ENTERPRISES, syntheticEnterprises } from '../../dev/simulators/seed';
import { campaignWorkflowId } from '../../workflows/outreach/contract';
import { NO_CAMPAIGNS } from '../helpers/evaluationFigures';
import { prospectInput } from '../helpers/rulesFixtures';
import { enterpriseBody } from '../helpers/fixtures';
import { spawnEntry, waitForWorker, type NodeProcess } from '../helpers/processes';
import type { CapturedMail } from '../helpers/smtp';
import { ApiClient, as, eventually, startStack, type TestStack } from '../helpers/stack';
import { spawnedEnv } from '../helpers/systemEnv';
import { setBehaviour, submit, type Applicant } from '../helpers/world';

const SIZE = 5000;
const YEAR = shanghaiYear(new Date());

let stack: TestStack;
let admin: ApiClient;
let anon: ApiClient;
const registry: (EnterpriseFacts & { contactEmail: string | null })[] = [
  ...SEED_ENTERPRISES.map((e) => ({ ...e, contactEmail: null })),
  ...syntheticEnterprises(SIZE, 7),
];
const processes: NodeProcess[] = [];
let logDir: string;

beforeAll(async () => {
  stack = await startStack();
  admin = await as(stack, { role: 'admin', subject: 'admin-outreach' });
  anon = new ApiClient(stack.baseUrl);
  const res = await fetch(`${stack.simulatorUrl}/sim/registry/synthetic`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ count: SIZE, seed: 7 }),
  });
  expect(res.status).toBe(201);
  expect(await res.json()).toEqual({ loaded: SIZE, seed: 7, total: registry.length });
  logDir = fs.mkdtempSync(path.join(process.env.TEST_TMP_DIR!, 'outreach-'));
}, 60_000);
afterAll(async () => {
  await Promise.allSettled(processes.map((p) => p.stop(5000)));
  await stack?.stop();
  if (logDir && !process.env.KEEP_TEST_DATA) fs.rmSync(logDir, { recursive: true, force: true });
}, 60_000);

/** The inclusive track's eligibility of an enterprise, straight from the rules: some catalog product, paid. */
function inclusiveEligible(f: EnterpriseFacts, asOf: string): boolean {
  const program = defaultProgram(YEAR);
  const start = new Date(Date.parse(asOf) + 8 * 3600_000).toISOString().slice(0, 10);
  return SEED_PRODUCTS.some((product) => {
    const policy: PolicyFacts = {
      insurerCode: product.insurerCode,
      policyNumber: 'OUTREACH-TEST',
      creditCode: f.creditCode,
      productCode: product.productCode,
      startDate: start,
      endDate: `${Number(start.slice(0, 4)) + 1}${start.slice(4)}`,
      premiumFen: 100_000,
      paidPremiumFen: 100_000,
      paidAt: asOf,
      sumInsuredFen: 100_000_000,
    };
    return evaluate(prospectInput({ track: 'INCLUSIVE', asOf, program, facts: f }, product, policy)).eligible;
  });
}

/** An enterprise of the registry registers with the system and applies for the inclusive track. */
async function apply(f: EnterpriseFacts): Promise<string> {
  const client = await as(stack, { role: 'applicant', creditCode: f.creditCode });
  const email = `applicant-${f.creditCode.toLowerCase()}@example.com`;
  const registered = await client.put(
    `/api/v1/enterprises/${f.creditCode}`,
    enterpriseBody({
      name: f.name,
      district: f.district,
      size: f.size,
      foundedOn: f.foundedOn,
      mainField: f.mainField,
      contactEmail: email,
      ...(f.techSme ? { techSmeValidUntil: f.techSme.validUntil } : {}),
    }),
  );
  expect(registered.status).toBe(201);
  const a: Applicant = { code: f.creditCode, email, client };
  const res = await submit(stack, a, 'INCLUSIVE');
  expect(res.status).toBe(201);
  return res.body.id as string;
}

const view = async (id: string) => (await admin.get(`/api/v1/admin/campaigns/${id}`)).body;
const finished = (id: string, timeoutMs: number) =>
  eventually(
    () => view(id),
    (v) => v.status !== 'RUNNING',
    timeoutMs,
  );
const mailsOf = (campaignId: string) =>
  stack.smtp.messages.filter((m) => m.messageId.includes(`campaign.${campaignId}.`));
const linkIn = (mail: CapturedMail, kind: 'invitations' | 'unsubscribe') => {
  const match = new RegExp(`${stack.baseUrl}(/api/v1/campaigns/${kind}/[\\w.-]+)`).exec(mail.text);
  if (!match) throw new Error(`no ${kind} link in ${mail.text}`);
  return match[1]!;
};

describe('starting an outreach campaign', () => {
  it('refuses bad requests, callers other than administrators, and closed years', async () => {
    const bad = await admin.post('/api/v1/admin/campaigns', { track: 'EVERYTHING', year: 1999, pageSize: 0 });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path).sort()).toEqual([
      'body.pageSize',
      'body.track',
      'body.year',
    ]);
    const reviewer = await as(stack, { role: 'reviewer', org: 'committee' });
    expect((await reviewer.post('/api/v1/admin/campaigns', { track: 'INCLUSIVE' })).status).toBe(403);
    expect((await reviewer.get('/api/v1/admin/campaigns')).status).toBe(403);
    expect((await anon.post('/api/v1/admin/campaigns', { track: 'INCLUSIVE' })).status).toBe(401);
    const closed = await admin.post('/api/v1/admin/campaigns', { track: 'INCLUSIVE', year: YEAR - 1 });
    expect(closed.status).toBe(422);
    expect(closed.body.error.code).toBe('WINDOW_CLOSED');
    expect((await admin.get('/api/v1/admin/campaigns/OC-NONE')).status).toBe(404);
    expect((await admin.post('/api/v1/admin/campaigns/OC-NONE/cancel')).status).toBe(404);
    expect((await admin.get('/api/v1/admin/campaigns?status=DONE')).status).toBe(400);
    expect(await stack.db.campaign.count()).toBe(0);
  });
});

describe('an inclusive campaign over 5,000 registry entries', () => {
  let campaignId: string;
  let asOf: string;
  /** Eligible for the inclusive track, by the rules. */
  let eligible: typeof registry;
  /** Applied before the campaign. */
  const appliedBefore: string[] = [];
  let expected: Set<string>;
  const unsubscribers: string[] = [];
  let converter: string;

  it('e-mails exactly the eligible enterprises without an application this year, once each', async () => {
    // Four eligible enterprises apply before the campaign (chosen as eligible now; the campaign judges a
    // moment later, the same day).
    const now = new Date().toISOString();
    const candidates = registry.filter((f) => f.contactEmail && inclusiveEligible(f, now));
    for (const f of candidates.slice(0, 4)) {
      await apply(f);
      appliedBefore.push(f.creditCode);
    }

    const started = Date.now();
    const key = `campaign-${randomBytes(4).toString('hex')}`;
    const body = { track: 'INCLUSIVE', note: `${YEAR} 年度普惠型主动匹配`, pageSize: 250 };
    const res = await admin.post('/api/v1/admin/campaigns', body, { 'Idempotency-Key': key });
    expect(res.status).toBe(201);
    campaignId = res.body.id;
    expect(res.body).toMatchObject({
      track: 'INCLUSIVE',
      year: YEAR,
      status: 'RUNNING',
      workflowId: campaignWorkflowId(campaignId),
      createdBy: 'admin-outreach',
      pageSize: 250,
    });
    const again = await admin.post('/api/v1/admin/campaigns', body, { 'Idempotency-Key': key });
    expect(again.body.id).toBe(campaignId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');

    const done = await finished(campaignId, 120_000);
    asOf = done.asOf;
    eligible = registry.filter((f) => inclusiveEligible(f, asOf) && !appliedBefore.includes(f.creditCode));
    expected = new Set(eligible.filter((f) => f.contactEmail).map((f) => f.contactEmail!));
    expect(expected.size).toBeGreaterThan(400); // about 14 % of 5,000
    expect(done).toMatchObject({
      status: 'COMPLETED',
      pagesDone: Math.ceil(registry.length / 250),
      scanned: registry.length,
      alreadyApplied: appliedBefore.length,
      eligible: eligible.length,
      ineligible: registry.length - appliedBefore.length - eligible.length,
      unsubscribed: 0,
      noContact: eligible.length - expected.size,
      emailed: expected.size,
      opened: 0,
      applications: 0,
      conversionPct: 0,
      error: null,
    });
    expect(done.finishedAt).not.toBeNull();

    // One outbox row per invitation, to exactly the expected addresses.
    const outbox = await stack.db.emailOutbox.findMany({
      where: { key: { startsWith: `campaign:${campaignId}:` } },
    });
    expect(outbox).toHaveLength(expected.size);
    expect(new Set(outbox.map((m) => m.to))).toEqual(expected);
    expect(outbox.every((m) => m.template === 'outreach_invitation')).toBe(true);
    // And over SMTP: every expected address received its invitation, and only one.
    await stack.smtp.waitFor(() => mailsOf(campaignId).length >= expected.size, 90_000);
    const mails = mailsOf(campaignId);
    expect(mails.map((m) => m.to.join(',')).sort()).toEqual([...expected].sort());
    const sample = mails.find((m) => m.to[0] === eligible.find((f) => f.contactEmail)!.contactEmail)!;
    expect(sample.subject).toContain('普惠型综合科技保险');
    expect(sample.text).toContain(eligible.find((f) => f.contactEmail)!.name);
    expect(sample.text).toContain('/api/v1/campaigns/unsubscribe/');
    console.log(
      `outreach: ${registry.length} entries, ${expected.size} invited in ${Math.round((Date.now() - started) / 1000)} s`,
    );

    // Listed, and under the path of API.md too.
    const list = await admin.get('/api/v1/admin/campaigns?track=INCLUSIVE');
    expect(list.body.total).toBe(1);
    expect(list.body.items[0]).toEqual(done);
    const alias = await admin.get(`/api/v1/admin/outreach/campaigns/${campaignId}`);
    expect(alias.body).toEqual(done);
  }, 240_000);

  it('records the opening of an invitation link and answers the pre-filled application', async () => {
    const mail = mailsOf(campaignId)[0]!;
    const invited = registry.find((f) => f.contactEmail === mail.to[0])!;
    const link = linkIn(mail, 'invitations');
    const first = await anon.get(link);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      campaignId,
      creditCode: invited.creditCode,
      enterpriseName: invited.name,
      track: 'INCLUSIVE',
      year: YEAR,
      registered: false,
      unsubscribed: false,
      enterprise: {
        name: invited.name,
        district: invited.district,
        size: invited.size,
        foundedOn: invited.foundedOn,
        mainField: invited.mainField,
        contactEmail: invited.contactEmail,
      },
      application: { creditCode: invited.creditCode, track: 'INCLUSIVE' },
    });
    const page = await anon.request('GET', link, undefined, { accept: 'text/html' });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(String(page.body)).toContain(invited.name);
    expect(await view(campaignId)).toMatchObject({ opened: 1, opens: 2 });
    const row = await stack.db.campaignRecipient.findUniqueOrThrow({
      where: { campaignId_creditCode: { campaignId, creditCode: invited.creditCode } },
    });
    expect(row.firstOpenedAt).not.toBeNull();
    expect(row.openCount).toBe(2);

    // A forged or tampered link, or a link of another kind, is no invitation.
    const forged = await anon.get(`${link.slice(0, -4)}AAAA`);
    expect(forged.status).toBe(401);
    expect(forged.body.error.code).toBe('LINK_INVALID');
    const wrongKind = await anon.get(linkIn(mail, 'unsubscribe').replace('/unsubscribe/', '/invitations/'));
    expect(wrongKind.status).toBe(401);
  });

  it('takes unsubscribes from the e-mailed link (a confirmed POST), once per enterprise', async () => {
    for (const mail of mailsOf(campaignId).slice(1, 4)) {
      const link = linkIn(mail, 'unsubscribe');
      const f = registry.find((e) => e.contactEmail === mail.to[0])!;
      expect((await anon.get(link)).body).toEqual({ creditCode: f.creditCode, unsubscribed: false });
      const confirm = await anon.request('GET', link, undefined, { accept: 'text/html' });
      expect(String(confirm.body)).toContain('<form method="post">');
      expect(await stack.db.outreachUnsubscribe.count({ where: { creditCode: f.creditCode } })).toBe(0);
      const done = await anon.post(link);
      expect(done.status).toBe(200);
      expect(done.body).toEqual({ creditCode: f.creditCode, unsubscribed: true });
      expect((await anon.post(link)).status).toBe(200);
      unsubscribers.push(f.creditCode);
    }
    expect(await stack.db.outreachUnsubscribe.count()).toBe(3);
  });

  it('counts an application of an invited enterprise as a conversion, in the campaign and the evaluation', async () => {
    const mail = mailsOf(campaignId)[5]!;
    const f = registry.find((e) => e.contactEmail === mail.to[0])!;
    converter = f.creditCode;
    await anon.get(linkIn(mail, 'invitations'));
    await apply(f);
    const after = await view(campaignId);
    expect(after).toMatchObject({ applications: 1, opened: 2 });
    expect(after.conversionPct).toBe(percentOf(1, expected.size));

    const evaluation = await admin.get(`/api/v1/metrics/evaluation?year=${YEAR}`);
    expect(evaluation.status).toBe(200);
    expect(evaluation.body.campaigns).toEqual({
      campaigns: 1,
      emailed: expected.size,
      enterprisesReached: expected.size,
      opened: 2,
      applications: 1,
      conversionPct: percentOf(1, expected.size),
    });
    const csv = await admin.get(`/api/v1/metrics/evaluation?year=${YEAR}&format=csv`);
    expect(String(csv.body)).toContain('campaigns,,applications,主动匹配 / 由邀请产生的申请,1,');
    // The applications of enterprises that applied before they were invited are no conversions.
    expect((await admin.get(`/api/v1/metrics/evaluation?year=${YEAR - 1}`)).body.campaigns).toEqual(
      NO_CAMPAIGNS,
    );
  });

  it('stops a running campaign on request, after the page in progress', async () => {
    await setBehaviour(stack, 'registry', { mode: 'normal', delayMs: 400 });
    try {
      const res = await admin.post('/api/v1/admin/campaigns', { track: 'FRONTIER', pageSize: 50 });
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      const busy = await admin.post('/api/v1/admin/campaigns', { track: 'FRONTIER' });
      expect(busy.status).toBe(409);
      expect(busy.body.error.code).toBe('CAMPAIGN_RUNNING');
      await eventually(
        () => view(id),
        (v) => v.pagesDone >= 2,
      );
      const cancel = await admin.post(`/api/v1/admin/campaigns/${id}/cancel`);
      expect(cancel.status).toBe(202);
      const done = await finished(id, 30_000);
      expect(done.status).toBe('CANCELLED');
      expect(done.pagesDone).toBeLessThan(Math.ceil(registry.length / 50));
      const queued = await stack.db.emailOutbox.count({ where: { key: { startsWith: `campaign:${id}:` } } });
      expect(queued).toBe(done.emailed);
      // Closed, and every activity it started (the page in progress too) has ended: no page can add to the
      // figures any more.
      const handle = stack.temporal.workflow.getHandle(campaignWorkflowId(id));
      const events = await eventually(
        async () => (await handle.fetchHistory()).events ?? [],
        (all) => all.some((e) => e.workflowExecutionCanceledEventAttributes),
      );
      const count = (has: (e: (typeof events)[number]) => unknown) => events.filter(has).length;
      expect(count((e) => e.activityTaskCompletedEventAttributes)).toBe(
        count((e) => e.activityTaskScheduledEventAttributes),
      );
      expect((await view(id)).pagesDone).toBe(done.pagesDone);
      expect((await admin.post(`/api/v1/admin/campaigns/${id}/cancel`)).status).toBe(409);
      expect((await handle.describe()).status.name).toBe('CANCELLED');
    } finally {
      await setBehaviour(stack, 'registry', { mode: 'normal' });
    }
  });

  it('resumes after its worker process is killed mid-campaign: the complete set, nobody twice, unsubscribes honoured', async () => {
    const config = stack.config;
    // The stack's own system (database, task queue, SMTP, simulators, secrets), in a process of its own.
    const env = spawnedEnv(stack.env, logDir, { SERVICE_TIMEOUT_MS: '3000' });
    const spawnWorker = (name: string) => {
      const w = spawnEntry({ name, entry: 'worker/main.ts', env, logDir });
      processes.push(w);
      return w;
    };
    // Only worker processes work the queue from here on.
    await stack.stopWorker();
    // Pages take a while (slow registry), so the kill lands in the middle.
    await setBehaviour(stack, 'registry', { mode: 'normal', delayMs: 250 });
    const first = spawnWorker('worker-1');
    await waitForWorker(first, stack.temporal, config.temporal.taskQueue);

    const res = await admin.post('/api/v1/admin/campaigns', { track: 'INCLUSIVE', pageSize: 100 });
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    const pages = Math.ceil(registry.length / 100);
    await eventually(
      () => stack.db.campaignPage.count({ where: { campaignId: id } }),
      (n) => n >= 8,
      60_000,
    );
    first.kill('SIGKILL');
    expect((await first.exited).signal).toBe('SIGKILL');
    const pagesAtKill = await stack.db.campaignPage.count({ where: { campaignId: id } });
    expect(pagesAtKill).toBeLessThan(pages);
    // Mails the dead process had claimed stay SENDING until the outbox's claim lease (two minutes) runs out; the
    // process is gone, so let the lease run out now rather than wait for it.
    const { count: abandoned } = await stack.db.emailOutbox.updateMany({
      where: { status: 'SENDING' },
      data: { claimedAt: new Date(Date.now() - 3 * 60_000) },
    });

    const second = spawnWorker('worker-2');
    await waitForWorker(second, stack.temporal, config.temporal.taskQueue);
    await setBehaviour(stack, 'registry', { mode: 'normal' });
    const done = await finished(id, 120_000);

    const skipped = new Set([...appliedBefore, converter, ...unsubscribers]);
    const expected2 = new Set(
      registry
        .filter((f) => f.contactEmail && inclusiveEligible(f, done.asOf) && !skipped.has(f.creditCode))
        .map((f) => f.contactEmail!),
    );
    expect(done).toMatchObject({
      status: 'COMPLETED',
      pagesDone: pages,
      scanned: registry.length,
      alreadyApplied: appliedBefore.length + 1,
      unsubscribed: unsubscribers.length,
      emailed: expected2.size,
    });
    const outbox = await stack.db.emailOutbox.findMany({ where: { key: { startsWith: `campaign:${id}:` } } });
    expect(outbox).toHaveLength(expected2.size);
    expect(new Set(outbox.map((m) => m.to))).toEqual(expected2);
    expect(await stack.db.campaignRecipient.count({ where: { campaignId: id } })).toBe(expected2.size);

    // Every invitation delivered, each recipient under one Message-ID: a mail the killed process had handed
    // to SMTP without recording it may arrive twice, with the same Message-ID (mail systems drop those).
    await eventually(
      () =>
        stack.db.emailOutbox.count({
          where: { key: { startsWith: `campaign:${id}:` }, status: { not: 'SENT' } },
        }),
      (n) => n === 0,
      90_000,
    );
    await stack.smtp.waitFor(
      () => new Set(mailsOf(id).map((m) => m.messageId)).size >= expected2.size,
      30_000,
    );
    const mails = mailsOf(id);
    const idsByRecipient = new Map<string, Set<string>>();
    for (const m of mails)
      idsByRecipient.set(m.to.join(','), (idsByRecipient.get(m.to.join(',')) ?? new Set()).add(m.messageId));
    expect(new Set(idsByRecipient.keys())).toEqual(expected2);
    expect([...idsByRecipient.values()].every((ids) => ids.size === 1)).toBe(true);
    expect(mails.length - expected2.size).toBeLessThanOrEqual(abandoned);

    // The history stayed bounded: the workflow continued as new on the way.
    const runs = [];
    for await (const wf of stack.temporal.workflow.list({ query: `WorkflowId="${campaignWorkflowId(id)}"` }))
      runs.push(wf.status.name);
    expect(runs.filter((s) => s === 'CONTINUED_AS_NEW').length).toBeGreaterThanOrEqual(2);
    console.log(
      `outreach: worker killed after ${pagesAtKill}/${pages} pages (${abandoned} mails abandoned mid-send); ` +
        `${expected2.size} invited, ${mails.length} delivered, ${runs.length} runs`,
    );
  }, 240_000);
});
