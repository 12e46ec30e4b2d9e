import { Writable } from 'node:stream';
import { createLogger } from '../../platform/logger';
import { as, eventually, startStack, type TestStack } from '../helpers/stack';
import { approveReviews, newApplicant, submit } from '../helpers/world';

/** Bank account numbers: encrypted in the database, masked in answers and payment records, never logged. */
const ACCOUNT = '6222020200012345678'; // the fixtures' account of every test enterprise
let logged = '';
const logger = createLogger(
  'debug',
  'secrets-test',
  new Writable({
    write(chunk: Buffer | string, _encoding, done) {
      logged += String(chunk);
      done();
    },
  }),
);

let stack: TestStack;
beforeAll(async () => {
  stack = await startStack({ TIME_ACCELERATION: '75000', PAYMENT_POLL_SECONDS: '30' }, { logger });
});
afterAll(async () => {
  await stack?.stop();
});

describe('bank account numbers', () => {
  it('are sealed at rest, shown in full to finance only, paid to in full, and never logged', async () => {
    const a = await newApplicant(stack, 'SRDI');
    const row = await stack.db.enterprise.findUniqueOrThrow({ where: { creditCode: a.code } });
    expect(JSON.stringify(row.bankAccount)).not.toContain(ACCOUNT);
    expect(row.bankAccount).toMatchObject({
      accountNumberSealed: expect.stringMatching(/^v1\./),
      accountNumberLast4: '5678',
    });
    const [raw] = await stack.db.$queryRaw<{ t: string }[]>`
      SELECT "bankAccount"::text AS t FROM "Enterprise" WHERE "creditCode" = ${a.code}`;
    expect(raw!.t).not.toContain(ACCOUNT);

    expect((await a.client.get(`/api/v1/enterprises/${a.code}`)).body.bankAccount.accountNumber).toBe(
      '***************5678',
    );
    const finance = await as(stack, { role: 'finance' });
    expect((await finance.get(`/api/v1/enterprises/${a.code}`)).body.bankAccount).toEqual({
      bankName: '中国工商银行',
      accountName: '北京海淀测试科技有限公司',
      accountNumber: ACCOUNT,
    });

    // An SRDI grant is paid to the enterprise's account: the gateway gets the number, our record does not.
    const id = (await submit(stack, a, 'SRDI')).body.id as string;
    await approveReviews(stack, id, 'committee');
    const admin = await as(stack, { role: 'admin' });
    await eventually(
      async () => (await stack.db.application.findUniqueOrThrow({ where: { id } })).status,
      (s) => s === 'APPROVED',
    );
    expect((await admin.post('/api/v1/admin/notices/publish')).status).toBe(201);
    await eventually(
      async () => (await stack.db.application.findUniqueOrThrow({ where: { id } })).status,
      (s) => s === 'PAID' || s === 'TRACKING',
      90_000,
    );
    const gateway = (await (await fetch(`${stack.simulatorUrl}/sim/payment/payments`)).json()) as {
      idempotencyKey: string;
      payee: { accountNumber?: string };
    }[];
    expect(gateway.find((p) => p.idempotencyKey === `${id}-pay-1`)!.payee.accountNumber).toBe(ACCOUNT);
    const payment = await stack.db.payment.findFirstOrThrow({ where: { applicationId: id } });
    expect(payment.payee).toMatchObject({ kind: 'ENTERPRISE', accountNumber: '***************5678' });

    expect(logged.length).toBeGreaterThan(0);
    expect(logged).not.toContain(ACCOUNT);
    expect(logged).not.toContain(stack.config.dataKey);
  });
});
