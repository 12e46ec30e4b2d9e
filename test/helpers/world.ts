import { randomInt } from 'node:crypto';
import { REQUIRED_DOCUMENTS, type DocumentType } from '../../domain/documents';
import type { EnterpriseFacts, PolicyFacts } from '../../domain/rules';
import type { Track } from '../../domain/status';
import { creditCode, enterpriseBody } from './fixtures';
import { as, eventually, type ApiClient, type TestStack } from './stack';

/** The smallest valid files of each accepted format (checked by content). */
export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
export const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489', 'hex');

async function control(stack: TestStack, method: 'PUT' | 'DELETE', path: string, body?: unknown) {
  const res = await fetch(`${stack.simulatorUrl}${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator ${method} ${path}: ${res.status} ${await res.text()}`);
}

export const setBehaviour = (
  stack: TestStack,
  service: 'registry' | 'insurer' | 'payment',
  behaviour: object,
) => control(stack, 'PUT', `/sim/${service}/behaviour`, behaviour);

/** Registry facts of an enterprise eligible for the given track. */
export function registryFacts(code: string, track: Track, overrides: Partial<EnterpriseFacts> = {}) {
  const base = {
    name: '北京海淀测试科技有限公司',
    district: '海淀区',
    streetOffice: '中关村街道',
    size: 'SMALL',
    staff: 40,
    revenueFen: 5_000_000_00,
    foundedOn: '2019-06-01',
    mainField: 'ARTIFICIAL_INTELLIGENCE',
    techSme: { validUntil: '2028-12-31' },
    creditClean: true,
  };
  const byTrack: Record<Track, object> = {
    INCLUSIVE: {},
    SRDI: {
      size: 'MEDIUM',
      staff: 300,
      revenueFen: 80_000_000_00,
      srdi: { level: 'NATIONAL', validUntil: '2028-12-31' },
    },
    FRONTIER: { size: 'LARGE', staff: 600, revenueFen: 500_000_000_00, mainField: 'INTEGRATED_CIRCUIT' },
  };
  return { ...base, ...byTrack[track], ...overrides, creditCode: code } as Omit<
    EnterpriseFacts,
    'highTech' | 'srdi' | 'techSme'
  > &
    Partial<Pick<EnterpriseFacts, 'highTech' | 'srdi' | 'techSme'>>;
}

export interface Applicant {
  code: string;
  email: string;
  client: ApiClient;
}

/** An enterprise known to the registry and registered in the system by its applicant. */
export async function newApplicant(
  stack: TestStack,
  track: Track = 'INCLUSIVE',
  facts: Partial<EnterpriseFacts> = {},
  /** Fields of the profile the applicant registers (its contact e-mail, bank account...). */
  profile: Record<string, unknown> = {},
): Promise<Applicant> {
  const code = creditCode();
  const registry = registryFacts(code, track, facts);
  await control(stack, 'PUT', `/sim/registry/enterprises/${code}`, registry);
  const client = await as(stack, { role: 'applicant', creditCode: code });
  const email = (profile.contactEmail as string | undefined) ?? `owner-${code.toLowerCase()}@example.com`;
  const res = await client.put(
    `/api/v1/enterprises/${code}`,
    enterpriseBody({
      contactEmail: email,
      size: registry.size,
      mainField: registry.mainField,
      ...(registry.techSme ? { techSmeValidUntil: registry.techSme.validUntil } : {}),
      ...(registry.highTech
        ? {
            highTechCertifiedOn: registry.highTech.certifiedOn,
            highTechValidUntil: registry.highTech.validUntil,
          }
        : {}),
      ...(registry.srdi ? { srdiLevel: registry.srdi.level, srdiValidUntil: registry.srdi.validUntil } : {}),
      ...profile,
    }),
  );
  if (res.status !== 201)
    throw new Error(`enterprise registration failed: ${res.status} ${JSON.stringify(res.body)}`);
  return { code, email, client };
}

export async function uploadDocument(
  client: ApiClient,
  type: DocumentType,
  file: Buffer = PDF,
  filename = `${type}.pdf`,
) {
  const form = new FormData();
  form.append('type', type);
  form.append('file', new Blob([file]), filename);
  const res = await fetch(`${client.baseUrl}/api/v1/documents`, {
    method: 'POST',
    headers: { authorization: `Bearer ${client.token}` },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as any };
}

const PRODUCT_OF: Record<Track, { insurerCode: string; productCode: string }> = {
  INCLUSIVE: { insurerCode: 'PICC', productCode: 'HD-GROUP-2026' },
  SRDI: { insurerCode: 'PICC', productCode: 'PICC-RD-001' },
  FRONTIER: { insurerCode: 'PICC', productCode: 'PICC-IC-101' },
};

/** A policy of the applicant as its insurer records it. */
export function policyFacts(a: Applicant, track: Track, overrides: Partial<PolicyFacts> = {}): PolicyFacts {
  const premium = track === 'INCLUSIVE' ? 250_000 : 10_000_000;
  return {
    ...PRODUCT_OF[track],
    policyNumber: `P${Date.now()}${randomInt(1e9)}`,
    creditCode: a.code,
    startDate: '2026-03-01',
    endDate: '2027-02-28',
    premiumFen: premium,
    paidPremiumFen: premium,
    paidAt: '2026-02-20T10:00:00+08:00',
    sumInsuredFen: 500_000_000,
    ...overrides,
  };
}

/**
 * Records the policy at the insurer, uploads the track's documents and submits. Returns the HTTP result;
 * `declared` changes what the applicant declares without changing the insurer's record.
 */
export async function submit(
  stack: TestStack,
  a: Applicant,
  track: Track,
  opts: {
    policy?: Partial<PolicyFacts>;
    declared?: Partial<PolicyFacts>;
    documents?: DocumentType[];
    atInsurer?: boolean;
  } = {},
) {
  const policy = policyFacts(a, track, opts.policy);
  const { insurerCode, policyNumber, creditCode: holder, ...rest } = policy;
  if (opts.atInsurer !== false) {
    await control(stack, 'PUT', `/sim/insurer/policies/${insurerCode}/${encodeURIComponent(policyNumber)}`, {
      creditCode: holder,
      ...rest,
    });
  }
  const ids: string[] = [];
  for (const type of opts.documents ?? REQUIRED_DOCUMENTS[track]) {
    const up = await uploadDocument(a.client, type);
    if (up.status !== 201) throw new Error(`upload failed: ${up.status} ${JSON.stringify(up.body)}`);
    ids.push(up.body.id);
  }
  const { creditCode: _holder, ...declared } = { ...policy, ...opts.declared };
  return a.client.post('/api/v1/applications', {
    creditCode: a.code,
    track,
    policy: declared,
    documents: ids,
  });
}

/**
 * Claims and approves an application's initial review (by a reviewer of `reviewerOrg`) and its final approval
 * (by a committee approver), over the API, as two different people.
 */
export async function approveReviews(stack: TestStack, id: string, reviewerOrg = 'street:中关村街道') {
  const reviewer = await as(stack, { role: 'reviewer', org: reviewerOrg });
  const approver = await as(stack, { role: 'approver', org: 'committee' });
  for (const [who, queue] of [
    [reviewer, 'initial-review'],
    [approver, 'final-approval'],
  ] as const) {
    const task = await eventually(
      () => stack.db.task.findFirst({ where: { applicationId: id, queue, state: 'OPEN' } }),
      (t) => t !== null,
    );
    await who.post(`/api/v1/tasks/${task!.id}/claim`);
    await who.post(`/api/v1/tasks/${task!.id}/decision`, { decision: 'approve', comment: '' });
  }
}

/** A new inclusive applicant's application, approved and waiting for the public notice. */
export async function approvedApplication(stack: TestStack): Promise<{ id: string; a: Applicant }> {
  const a = await newApplicant(stack, 'INCLUSIVE');
  const id = (await submit(stack, a, 'INCLUSIVE')).body.id as string;
  await approveReviews(stack, id);
  await eventually(
    async () => (await stack.db.application.findUniqueOrThrow({ where: { id } })).status,
    (s) => s === 'APPROVED',
  );
  return { id, a };
}

/**
 * A new applicant's application, submitted and waiting in initial review (`view`: the applicant's view of it
 * then). `opts.facts` change the registry's record of the enterprise; the other options are `submit`'s.
 */
export async function inInitialReview(
  stack: TestStack,
  track: Track = 'INCLUSIVE',
  opts: Parameters<typeof submit>[3] & {
    facts?: Partial<EnterpriseFacts>;
    profile?: Record<string, unknown>;
  } = {},
) {
  const { facts, profile, ...submitOpts } = opts;
  const a = await newApplicant(stack, track, facts, profile);
  const res = await submit(stack, a, track, submitOpts);
  expect(res.status).toBe(201);
  const id = res.body.id as string;
  const view = await eventually(
    () => a.client.get(`/api/v1/applications/${id}`),
    (r) => r.body.currentTask?.queue === 'initial-review',
  );
  return { a, id, view };
}

/** The application's task of the queue once it is open (or already claimed). */
export async function liveTask(stack: TestStack, id: string, queue: string, timeoutMs?: number) {
  const task = await eventually(
    () =>
      stack.db.task.findFirst({ where: { applicationId: id, queue, state: { in: ['OPEN', 'CLAIMED'] } } }),
    (t) => t !== null,
    timeoutMs,
  );
  return task!;
}
