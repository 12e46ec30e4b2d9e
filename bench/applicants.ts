/**
 * Applicants of the bench: small AI firms of 中关村街道, eligible for the inclusive track, known to the
 * simulated registry and insurer, registered with their five documents (written directly: preparing them is
 * not what is measured), then submitted through the API as an applicant would.
 */
import { createHash, randomInt, randomUUID } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../domain/creditCode';
import { REQUIRED_DOCUMENTS } from '../domain/documents';
import { SEED_POLICIES } from '../dev/simulators/seed';
import { pool } from './log';
import type { Stack } from './stack';

export interface Applicant {
  code: string;
  token: string;
  policyNumber: string;
  documents: string[];
}

const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');
const PDF_SHA256 = createHash('sha256').update(PDF).digest('hex');
const NAME = '北京海淀基准科技有限公司';
let serial = 0;

export function creditCode(): string {
  let body = '91110108';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}

export const policyNumber = () => `PB${Date.now()}${++serial}${randomInt(1e6)}`;

/** The policy as the applicant declares it (and the insurer records it). */
export function policyBody(number: string) {
  // The simulator's first seeded policy (an inclusive group policy), under another number.
  const { creditCode: _holder, ...policy } = SEED_POLICIES[0]!;
  return { ...policy, policyNumber: number };
}

async function simPut(stack: Stack, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${stack.simulatorUrl}${path}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`simulator PUT ${path}: ${res.status} ${await res.text()}`);
}

/** Registers `n` applicants everywhere they must be known before they apply. */
export async function prepareApplicants(stack: Stack, n: number): Promise<Applicant[]> {
  const applicants: Applicant[] = [];
  for (let i = 0; i < n; i++) {
    const code = creditCode();
    applicants.push({
      code,
      token: await stack.tokens.sign({ subject: `bench-${code}`, role: 'applicant', creditCode: code }),
      policyNumber: policyNumber(),
      documents: REQUIRED_DOCUMENTS.INCLUSIVE.map(() => randomUUID()),
    });
  }
  await pool(applicants, 16, async (a) => {
    await simPut(stack, `/sim/registry/enterprises/${a.code}`, {
      name: NAME,
      district: '海淀区',
      streetOffice: '中关村街道',
      size: 'SMALL',
      staff: 40,
      revenueFen: 5_000_000_00,
      foundedOn: '2019-06-01',
      mainField: 'ARTIFICIAL_INTELLIGENCE',
      techSme: { validUntil: '2028-12-31' },
      creditClean: true,
    });
    const { insurerCode, policyNumber: number, ...rest } = policyBody(a.policyNumber);
    await simPut(stack, `/sim/insurer/policies/${insurerCode}/${number}`, { creditCode: a.code, ...rest });
  });
  await stack.db.enterprise.createMany({
    data: applicants.map((a) => ({
      creditCode: a.code,
      name: NAME,
      district: '海淀区',
      size: 'SMALL' as const,
      foundedOn: new Date('2019-06-01T00:00:00Z'),
      mainField: 'ARTIFICIAL_INTELLIGENCE',
      techSmeValidUntil: new Date('2028-12-31T00:00:00Z'),
      contactEmail: `owner-${a.code.toLowerCase()}@example.com`,
      bankAccount: { bankName: '中国工商银行', accountName: NAME, accountNumber: '6222020200012345678' },
    })),
  });
  await stack.db.document.createMany({
    data: applicants.flatMap((a) =>
      a.documents.map((id, i) => ({
        id,
        creditCode: a.code,
        type: REQUIRED_DOCUMENTS.INCLUSIVE[i]!,
        filename: `${REQUIRED_DOCUMENTS.INCLUSIVE[i]}.pdf`,
        contentType: 'application/pdf',
        size: PDF.length,
        sha256: PDF_SHA256,
        content: PDF,
        uploadedBy: `bench-${a.code}`,
      })),
    ),
  });
  return applicants;
}

/** Submits the application through the API; returns its id. */
export async function submit(stack: Stack, a: Applicant): Promise<string> {
  const res = await fetch(`${stack.apiUrl}/api/v1/applications`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${a.token}` },
    body: JSON.stringify({
      creditCode: a.code,
      track: 'INCLUSIVE',
      policy: policyBody(a.policyNumber),
      documents: a.documents,
    }),
  });
  const body = (await res.json()) as { id?: string };
  if (res.status !== 201 || !body.id)
    throw new Error(`submission failed: ${res.status} ${JSON.stringify(body)}`);
  return body.id;
}
