import fc from 'fast-check';
import { SignJWT } from 'jose';
import { creditCodeProblem } from '../../domain/creditCode';
import {
  campaignReferenceInstant,
  countOutcomes,
  judgeProspect,
  plannedPolicy,
  prospectOutcome,
  trackOffer,
  type ProspectOutcome,
} from '../../domain/outreach';
import { defaultProgram } from '../../domain/program';
import { evaluate, type EnterpriseFacts } from '../../domain/rules';
import { TRACKS, type Track } from '../../domain/status';
import { SEED_PRODUCTS } from '../../prisma/seed';
import { createRegistryClient } from '../../services/registry';
import { LinkError, signedLinks } from '../../platform/signedLinks';
import { SEED_CREDIT_CODES, SEED_ENTERPRISES, syntheticEnterprises } from '../../dev/simulators/seed';
import { startSimulators } from '../../dev/simulators/server';
import { enterprise, prospectInput } from '../helpers/rulesFixtures';

const program = defaultProgram(2026);
const asOf = '2026-11-20T02:00:00.000Z';
const judge = (
  track: Track,
  facts: EnterpriseFacts,
  history = [] as Parameters<typeof judgeProspect>[0]['history'],
) => judgeProspect({ track, program, asOf, products: SEED_PRODUCTS, facts, history });
const seed = (code: string) => SEED_ENTERPRISES.find((e) => e.creditCode === code)!;

describe('who a campaign invites (the precheck’s rules on a planned policy)', () => {
  it('finds the demonstration enterprises eligible for the tracks their case stands for', () => {
    const C = SEED_CREDIT_CODES;
    const eligibleFor = (code: string) => TRACKS.filter((t) => judge(t, seed(code)).eligible);
    expect(eligibleFor(C.inclusiveAi)).toEqual(['INCLUSIVE']);
    expect(eligibleFor(C.largeHighTech)).toEqual(['INCLUSIVE']); // certified in the year before the programme's
    expect(eligibleFor(C.nationalSrdi)).toEqual(['SRDI']);
    // Its SRDI qualification has run out, and 45 M CNY of revenue is too much for the inclusive track.
    expect(eligibleFor(C.expiredMunicipalSrdi)).toEqual([]);
    expect(eligibleFor(C.integratedCircuit)).toEqual(['FRONTIER']); // 180 staff: not small for the inclusive track
    expect(eligibleFor(C.commercialAerospace)).toEqual(['INCLUSIVE', 'FRONTIER']);
    expect(eligibleFor(C.chaoyang)).toEqual([]);
    expect(eligibleFor(C.creditBlemished)).toEqual([]);
    expect(eligibleFor(C.sparseRecord)).toEqual([]);
    expect(judge('SRDI', seed(C.inclusiveAi)).reasons.map((r) => r.code)).toContain('NOT_ELIGIBLE_SRDI');
  });

  it('answers what evaluate() answers for the same planned policy, whatever the enterprise', () => {
    const date = fc
      .integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2029, 11, 31) })
      .map((t) => new Date(t).toISOString().slice(0, 10));
    const facts = fc.record({
      district: fc.constantFrom('海淀区', '朝阳区'),
      size: fc.constantFrom('MICRO', 'SMALL', 'MEDIUM', 'LARGE' as const),
      staff: fc.option(fc.integer({ min: 0, max: 400 })),
      revenueFen: fc.option(fc.integer({ min: 0, max: 3_000_000_000 })),
      mainField: fc.constantFrom(...program.keyFields, 'OTHER' as const),
      highTech: fc.option(fc.record({ certifiedOn: date, validUntil: date })),
      techSme: fc.option(fc.record({ validUntil: date })),
      srdi: fc.option(
        fc.record({ level: fc.constantFrom('NATIONAL', 'MUNICIPAL' as const), validUntil: date }),
      ),
      creditClean: fc.option(fc.boolean()),
    });
    fc.assert(
      fc.property(facts, fc.constantFrom(...TRACKS), (f, track) => {
        const e = enterprise(f);
        const anyProduct = SEED_PRODUCTS.some((product) => {
          const policy = plannedPolicy({ track, program, asOf, facts: e }, product);
          return evaluate(prospectInput({ track, asOf, program, facts: e }, product, policy)).eligible;
        });
        expect(judge(track, e).eligible).toBe(anyProduct);
      }),
      { numRuns: 300, seed: 20261128 },
    );
  });

  it('leaves out an enterprise whose inclusive years are used up, and one with no product to buy', () => {
    const granted = (year: number) => ({
      id: `HD-${year}-000001`,
      track: 'INCLUSIVE' as const,
      status: 'CLOSED' as const,
      subsidyYear: year,
      grantedFen: 250_000,
    });
    const e = enterprise();
    expect(judge('INCLUSIVE', e, [granted(2023), granted(2024)]).eligible).toBe(true);
    const exhausted = judge('INCLUSIVE', e, [granted(2023), granted(2024), granted(2025)]);
    expect(exhausted.eligible).toBe(false);
    expect(exhausted.reasons.map((r) => r.code)).toContain('INCLUSIVE_YEARS_EXHAUSTED');
    const noCatalog = judgeProspect({
      track: 'INCLUSIVE',
      program,
      asOf,
      products: [],
      facts: e,
      history: [],
    });
    expect(noCatalog).toMatchObject({ eligible: false, productCode: null });
    expect(noCatalog.reasons.map((r) => r.code)).toContain('NOT_ELIGIBLE_PRODUCT');
  });

  it('judges the planned policy at the campaign’s instant: the window’s opening at the earliest, none once closed', () => {
    expect(campaignReferenceInstant(program, new Date('2025-12-01T00:00:00Z'))).toEqual(
      new Date(program.opensAt),
    );
    expect(campaignReferenceInstant(program, new Date(asOf))).toEqual(new Date(asOf));
    expect(campaignReferenceInstant(program, new Date('2027-01-01T00:00:00+08:00'))).toBeNull();
    expect(
      plannedPolicy({ track: 'SRDI', program, asOf: '2026-03-31T16:30:00Z', facts: enterprise() }, null),
    ).toMatchObject({
      startDate: '2026-04-01', // Asia/Shanghai
      endDate: '2027-03-31',
      paidAt: '2026-03-31T16:30:00Z',
      premiumFen: program.inclusivePremiumCapFen,
      paidPremiumFen: program.inclusivePremiumCapFen,
    });
  });

  it('puts every enterprise in exactly one bucket, and judges only those without an application', () => {
    let judged = 0;
    const outcome = (
      appliedThisYear: boolean,
      eligible: boolean,
      unsubscribed: boolean,
      email: string | null,
    ) => prospectOutcome({ appliedThisYear, eligible: () => (judged++, eligible), unsubscribed, email });
    const outcomes: ProspectOutcome[] = [
      outcome(true, true, true, 'a@x.example'),
      outcome(false, false, true, 'a@x.example'),
      outcome(false, true, true, 'a@x.example'),
      outcome(false, true, false, null),
      outcome(false, true, false, 'a@x.example'),
    ];
    expect(outcomes).toEqual(['ALREADY_APPLIED', 'INELIGIBLE', 'UNSUBSCRIBED', 'NO_CONTACT', 'EMAILED']);
    expect(judged).toBe(4);
    const counts = countOutcomes([...outcomes, 'EMAILED']);
    expect(counts).toEqual({
      scanned: 6,
      alreadyApplied: 1,
      ineligible: 1,
      eligible: 4,
      unsubscribed: 1,
      noContact: 1,
      emailed: 2,
    });
    expect(counts.scanned).toBe(counts.alreadyApplied + counts.ineligible + counts.eligible);
  });

  it('describes what each track offers from the programme’s figures', () => {
    expect(trackOffer('INCLUSIVE', program).zh).toContain('¥2,500.00');
    expect(trackOffer('SRDI', program).en).toContain('up to 50%');
    expect(trackOffer('FRONTIER', { ...program, frontierFields: ['INTEGRATED_CIRCUIT'] }).zh).toMatch(
      /^集成电路领域/,
    );
  });
});

describe('the synthetic registry', () => {
  it('is the same for the same seed, with valid and distinct credit codes', () => {
    const a = syntheticEnterprises(3000, 3);
    expect(syntheticEnterprises(3000, 3)).toEqual(a);
    expect(syntheticEnterprises(100, 3)).toEqual(a.slice(0, 100));
    expect(new Set(a.map((e) => e.creditCode)).size).toBe(3000);
    expect(a.filter((e) => creditCodeProblem(e.creditCode) !== null)).toEqual([]);
    const other = new Set(syntheticEnterprises(3000, 4).map((e) => e.creditCode));
    expect(a.some((e) => other.has(e.creditCode))).toBe(false);
    expect(() => syntheticEnterprises(1, 961)).toThrow(RangeError);
  });

  it('has the documented share of eligible enterprises on each track', () => {
    const all = syntheticEnterprises(5000, 1);
    const share = (track: Track) => all.filter((e) => judge(track, e).eligible).length / all.length;
    expect(share('INCLUSIVE')).toBeCloseTo(0.14, 1);
    expect(share('SRDI')).toBeCloseTo(0.09, 1);
    expect(share('FRONTIER')).toBeCloseTo(0.18, 1);
    expect(all.filter((e) => e.contactEmail === null).length / all.length).toBeCloseTo(0.05, 1);
  });

  it('is listed page by page in credit-code order, each enterprise exactly once', async () => {
    const sim = await startSimulators({ port: 0 });
    try {
      const res = await fetch(`${sim.url}/sim/registry/synthetic`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ count: 1234, seed: 9 }),
      });
      expect(await res.json()).toEqual({ loaded: 1234, seed: 9, total: 1234 + SEED_ENTERPRISES.length });
      const client = createRegistryClient({ baseUrl: `${sim.url}/registry` });
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const page = await client.listEnterprises({ cursor, limit: 100 });
        seen.push(...page.items.map((e) => e.creditCode));
        cursor = page.nextCursor;
        pages++;
      } while (cursor);
      const expected = [...syntheticEnterprises(1234, 9), ...SEED_ENTERPRISES]
        .map((e) => e.creditCode)
        .sort();
      expect(seen).toEqual(expected);
      expect(pages).toBe(Math.ceil(expected.length / 100));
      const first = await client.listEnterprises({ cursor: null, limit: 3 });
      const synthetic = first.items.find((e) => e.creditCode.includes('Y'));
      expect(first.items.every((e) => 'contactEmail' in e)).toBe(true);
      if (synthetic)
        expect(synthetic.contactEmail === null || synthetic.contactEmail.endsWith('@synthetic.example')).toBe(
          true,
        );
      // The single look-up still answers the facts alone.
      const one = await client.getEnterprise(expected[0]!);
      expect(one?.creditCode).toBe(expected[0]);
      const bad = await fetch(`${sim.url}/registry/enterprises?limit=5000`);
      expect(bad.status).toBe(400);
    } finally {
      await sim.close();
    }
  });
});

describe('signed links (LINK_SECRET)', () => {
  const links = signedLinks('k'.repeat(40));

  it('carry the subject and claims of one audience, and nothing forged, foreign or expired', async () => {
    const token = await links.sign('outreach-invitation', '91350100M000100Y43', { cmp: 'OC-2026-1' }, 30);
    await expect(links.verify('outreach-invitation', token)).resolves.toMatchObject({
      sub: '91350100M000100Y43',
      cmp: 'OC-2026-1',
    });
    await expect(links.verify('outreach-unsubscribe', token)).rejects.toEqual(new LinkError(false));
    await expect(signedLinks('j'.repeat(40)).verify('outreach-invitation', token)).rejects.toEqual(
      new LinkError(false),
    );
    await expect(links.verify('outreach-invitation', `${token.slice(0, -2)}xx`)).rejects.toBeInstanceOf(
      LinkError,
    );
    const expired = await new SignJWT({ cmp: 'OC-2026-1' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('91350100M000100Y43')
      .setAudience('outreach-invitation')
      .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
      .sign(new TextEncoder().encode('k'.repeat(40)));
    const err = await links.verify('outreach-invitation', expired).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LinkError);
    expect((err as LinkError).expired).toBe(true);
  });
});
