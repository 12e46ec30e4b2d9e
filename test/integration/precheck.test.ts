import { defaultProgram } from '../../domain/program';
import { applicationWorkflowId } from '../../workflows/application/contract';
import { NeedsAttentionKey } from '../../workflows/searchAttributes';
import { searchAttributeOf } from '../helpers/evidence';
import { as, eventually, type ApiClient, type TestStack, stackPerFile } from '../helpers/stack';
import { newApplicant, setBehaviour, submit } from '../helpers/world';

let stack: TestStack, admin: ApiClient;
stackPerFile(async (s) => {
  stack = s;
  admin = await as(s, { role: 'admin' });
});
afterEach(async () => {
  await setBehaviour(stack, 'registry', { mode: 'normal' });
  await setBehaviour(stack, 'insurer', { mode: 'normal' });
});

async function settled(client: ApiClient, id: string) {
  const res = await eventually(
    () => client.get(`/api/v1/applications/${id}`),
    (r) => ['INITIAL_REVIEW', 'REJECTED'].includes(r.body.status),
  );
  return res.body;
}
const reasonCodes = (view: any) => view.subsidy.reasons.map((r: { code: string }) => r.code);

describe('automated precheck against the registry and insurer simulators', () => {
  it('computes an SRDI grant from the verified facts and sends it to the committee', async () => {
    const a = await newApplicant(stack, 'SRDI');
    const res = await submit(stack, a, 'SRDI', {
      policy: { premiumFen: 12_345_679, paidPremiumFen: 12_345_679 },
    });
    expect(res.status).toBe(201);
    const view = await settled(a.client, res.body.id);
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.subsidy).toMatchObject({
      rateBp: 5000,
      baseFen: 12_345_679,
      computedFen: 6_172_839,
      subsidyYear: 2026,
      payee: 'ENTERPRISE',
      reasons: [],
    });
    expect(view.reviewOrg).toBe('committee');
    expect(view.verifiedFacts).toMatchObject({
      enterpriseVerified: true,
      policyVerified: true,
      enterprise: { staff: 300 },
    });
  });

  it('computes a frontier grant for an integrated-circuit firm with an exclusive product', async () => {
    const a = await newApplicant(stack, 'FRONTIER');
    const res = await submit(stack, a, 'FRONTIER', {
      policy: { premiumFen: 900_000_000, paidPremiumFen: 800_000_000 },
    });
    const view = await settled(a.client, res.body.id);
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.subsidy).toMatchObject({ computedFen: 400_000_000, rateBp: 5000 });
    expect(reasonCodes(view)).toEqual(['CAPPED']); // 3,000,000 CNY a year
  });

  it('rejects an ineligible application and tells the applicant why, in plain language', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE', { district: '朝阳区', staff: 150 });
    const res = await submit(stack, a, 'INCLUSIVE');
    const view = await settled(a.client, res.body.id);
    expect(view.status).toBe('REJECTED');
    expect(reasonCodes(view)).toEqual(
      expect.arrayContaining(['NOT_ELIGIBLE_DISTRICT', 'NOT_ELIGIBLE_STAFF']),
    );
    expect(view.currentTask).toBeNull();
    const [mail] = await stack.smtp.waitFor((all) =>
      all.some((m) => m.to.includes(a.email) && m.subject.includes('未获通过')),
    );
    const rejected = stack.smtp.messages.find(
      (m) => m.to.includes(a.email) && m.subject.includes('未获通过'),
    )!;
    expect(mail).toBeDefined();
    expect(rejected.text).toContain('不在海淀区');
    expect(rejected.text).toContain('员工人数 150 人');
    expect(rejected.text).toContain('not in Haidian District');
  });

  it('rejects an application that lacks a required document', async () => {
    const a = await newApplicant(stack, 'SRDI');
    const res = await submit(stack, a, 'SRDI', {
      documents: ['POLICY', 'PREMIUM_INVOICE', 'INSURER_RECEIPT', 'PAYMENT_VOUCHER'],
    });
    const view = await settled(a.client, res.body.id);
    expect(view.status).toBe('REJECTED');
    expect(view.subsidy.reasons).toEqual([
      expect.objectContaining({
        code: 'MISSING_DOCUMENT',
        detail: expect.objectContaining({ type: 'QUALIFICATION_CERTIFICATE' }),
      }),
    ]);
    expect(view.documents.map((d: { type: string }) => d.type)).toHaveLength(4);
  });

  it('judges the insurer’s record when the declared premium differs, and says so', async () => {
    const a = await newApplicant(stack, 'SRDI');
    const res = await submit(stack, a, 'SRDI', {
      declared: { premiumFen: 20_000_000, paidPremiumFen: 20_000_000 },
    });
    const view = await settled(a.client, res.body.id);
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.subsidy.computedFen).toBe(5_000_000);
    expect(reasonCodes(view)).toEqual(['PREMIUM_MISMATCH', 'PREMIUM_MISMATCH']);
  });

  it('rejects a policy its insurer does not know', async () => {
    const a = await newApplicant(stack, 'SRDI');
    const view = await settled(a.client, (await submit(stack, a, 'SRDI', { atInsurer: false })).body.id);
    expect(view.status).toBe('REJECTED');
    expect(reasonCodes(view)).toContain('POLICY_NOT_FOUND');
  });

  it('retries a flaky registry and verifies the facts', async () => {
    const a = await newApplicant(stack, 'SRDI');
    await setBehaviour(stack, 'registry', { mode: 'flaky', failCount: 1 });
    const view = await settled(a.client, (await submit(stack, a, 'SRDI')).body.id);
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.verifiedFacts.enterpriseVerified).toBe(true);
    const behaviour = (await (await fetch(`${stack.simulatorUrl}/sim/registry/behaviour`)).json()) as {
      calls: number;
    };
    expect(behaviour.calls).toBe(2);
  });

  it('goes on without an unavailable registry after its retries, flagging the application for a manual check', async () => {
    const a = await newApplicant(stack, 'SRDI');
    await setBehaviour(stack, 'registry', { mode: 'unavailable' });
    const id = (await submit(stack, a, 'SRDI')).body.id;
    const view = await settled(a.client, id);
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(reasonCodes(view)).toContain('REGISTRY_UNAVAILABLE');
    expect(view.verifiedFacts.enterpriseVerified).toBe(false);
    await searchAttributeOf(stack.temporal, applicationWorkflowId(id), NeedsAttentionKey, (v) => v === true);
  });

  it('keeps the configuration an application was judged under when an administrator changes it', async () => {
    const a = await newApplicant(stack, 'SRDI');
    const id = (await submit(stack, a, 'SRDI')).body.id;
    await settled(a.client, id);
    const year = new Date().getFullYear();
    const current = (await admin.get(`/api/v1/programs/${year}`)).body;
    const changed = {
      ...current,
      srdiRatesBp: { ...current.srdiRatesBp, NATIONAL: { R_AND_D: 1000, TRANSFER: 1000, OTHER: 1000 } },
    };
    expect((await admin.put(`/api/v1/programs/${year}`, changed)).status).toBe(200);
    try {
      const row = await stack.db.application.findUniqueOrThrow({ where: { id } });
      expect((row.programSnapshot as any).srdiRatesBp.NATIONAL.R_AND_D).toBe(5000);
      const b = await newApplicant(stack, 'SRDI');
      const later = await settled(b.client, (await submit(stack, b, 'SRDI')).body.id);
      expect(later.subsidy.rateBp).toBe(1000);
    } finally {
      await admin.put(`/api/v1/programs/${year}`, current);
    }
  });

  it('refuses applications outside the programme year’s window', async () => {
    const year = new Date().getFullYear();
    const current = (await admin.get(`/api/v1/programs/${year}`)).body;
    const closed = {
      ...current,
      closesAt: `${year}-01-02T00:00:00+08:00`,
      opensAt: `${year}-01-01T00:00:00+08:00`,
    };
    expect((await admin.put(`/api/v1/programs/${year}`, closed)).status).toBe(200);
    try {
      const a = await newApplicant(stack, 'SRDI');
      const view = await settled(a.client, (await submit(stack, a, 'SRDI')).body.id);
      expect(view.status).toBe('REJECTED');
      expect(reasonCodes(view)).toEqual(['WINDOW_CLOSED']);
    } finally {
      await admin.put(`/api/v1/programs/${year}`, current);
    }
    expect((await admin.get(`/api/v1/programs/${year}`)).body).toEqual({
      ...defaultProgram(year),
      ...current,
    });
  });
});

describe('days are days: what the policy states as a day is compared as a Beijing day', () => {
  it('finds no mismatch when the applicant gives the payment day and the insurer its instant that day', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    // 01:30 Beijing is 17:30 UTC the day before: the same day in Beijing, another one in UTC.
    const res = await submit(stack, a, 'INCLUSIVE', {
      policy: { paidAt: '2026-02-20T01:30:00+08:00' },
      declared: { paidAt: '2026-02-20' },
    });
    expect(res.status).toBe(201);
    const view = await settled(a.client, res.body.id);
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.subsidy.reasons).toEqual([]);
    expect(view.policy.paidAt).toBe('2026-02-20');
    expect(view.subsidy.subsidyYear).toBe(2026);
    expect(view.factChecks.policy.find((c: any) => c.field === 'paidAt')).toEqual({
      field: 'paidAt',
      fieldZh: '缴费时间',
      declared: '2026-02-20',
      verified: '2026-02-20',
      same: true,
    });
    expect(view.factChecks.policy.filter((c: any) => c.same !== true)).toEqual([]);
    expect(view.factChecks.enterprise.filter((c: any) => c.same === false)).toEqual([]);
  });

  it('says so, in days, when the insurer’s payment falls on another Beijing day', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE');
    const res = await submit(stack, a, 'INCLUSIVE', {
      policy: { paidAt: '2026-02-19T23:30:00+08:00' },
      declared: { paidAt: '2026-02-20' },
    });
    const view = await settled(a.client, res.body.id);
    expect(view.subsidy.reasons.map((r: any) => [r.code, r.zh])).toEqual([
      [
        'POLICY_DETAILS_MISMATCH',
        '申报的缴费时间与保险公司记录不一致（申报 2026-02-20，记录 2026-02-19），以保险公司记录为准',
      ],
    ]);
    expect(view.factChecks.policy.find((c: any) => c.field === 'paidAt')).toMatchObject({
      declared: '2026-02-20',
      verified: '2026-02-19',
      same: false,
    });
  });

  it('gives a high-tech enterprise that enters its certificate date and validity no mismatch', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE', {
      techSme: null,
      highTech: { certifiedOn: '2025-11-20', validUntil: '2028-11-19' },
      staff: 300,
    });
    const profile = (await a.client.get(`/api/v1/enterprises/${a.code}`)).body;
    expect(profile).toMatchObject({
      techSmeValidUntil: null,
      highTechCertifiedOn: '2025-11-20',
      highTechValidUntil: '2028-11-19',
    });
    const view = await settled(a.client, (await submit(stack, a, 'INCLUSIVE')).body.id);
    // Route b (certified in the year before the programme year), although it has 300 staff.
    expect(view.status).toBe('INITIAL_REVIEW');
    expect(view.subsidy.reasons).toEqual([]);
    expect(view.factChecks.enterprise.find((c: any) => c.field === 'highTech')).toEqual({
      field: 'highTech',
      fieldZh: '高新技术企业证书',
      declared: { certifiedOn: '2025-11-20', validUntil: '2028-11-19' },
      verified: { certifiedOn: '2025-11-20', validUntil: '2028-11-19' },
      same: true,
    });
    expect(view.factChecks.enterprise.find((c: any) => c.field === 'techSme')).toMatchObject({ same: null });
  });

  it('tells the reviewer when a declared qualification is not the registry’s', async () => {
    const a = await newApplicant(stack, 'INCLUSIVE', {
      techSme: null,
      highTech: { certifiedOn: '2025-11-20', validUntil: '2028-11-19' },
    });
    // The firm puts its certificate's validity where the 科技型中小企业 registration goes.
    const profile = (await a.client.get(`/api/v1/enterprises/${a.code}`)).body;
    const { creditCode: _c, updatedAt: _u, bankAccount: _b, ...declared } = profile;
    const put = await a.client.put(`/api/v1/enterprises/${a.code}`, {
      ...Object.fromEntries(Object.entries(declared).filter(([, v]) => v !== null)),
      highTechCertifiedOn: undefined,
      highTechValidUntil: undefined,
      techSmeValidUntil: '2028-11-19',
    });
    expect(put.status).toBe(200);
    const view = await settled(a.client, (await submit(stack, a, 'INCLUSIVE')).body.id);
    expect(view.subsidy.reasons.map((r: any) => [r.code, r.detail.field, r.detail.declared])).toEqual([
      ['DECLARED_FACTS_MISMATCH', 'techSme', '2028-11-19'],
    ]);
  });
});
