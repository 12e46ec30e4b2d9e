import { randomInt } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../domain/creditCode';

/** A valid unified social credit code (random organisation part, correct check character). */
export function creditCode(): string {
  let body = '91110108';
  for (let i = 0; i < 9; i++) body += CREDIT_CODE_ALPHABET[randomInt(CREDIT_CODE_ALPHABET.length)];
  return body + creditCodeCheckCharacter(body);
}

export function enterpriseBody(overrides: Record<string, unknown> = {}) {
  return {
    name: '北京海淀测试科技有限公司',
    district: '海淀区',
    size: 'SMALL',
    foundedOn: '2019-06-01',
    mainField: 'ARTIFICIAL_INTELLIGENCE',
    contactEmail: `contact-${randomInt(1e9)}@example.com`,
    bankAccount: {
      bankName: '中国工商银行',
      accountName: '北京海淀测试科技有限公司',
      accountNumber: '6222020200012345678',
    },
    ...overrides,
  };
}

let policySeq = 0;
export function applicationBody(code: string, overrides: Record<string, unknown> = {}) {
  return {
    creditCode: code,
    track: 'INCLUSIVE',
    policy: {
      insurerCode: 'PICC',
      policyNumber: `P${Date.now()}${++policySeq}${randomInt(1e6)}`,
      productCode: 'HD-GROUP-2026',
      startDate: '2026-03-01',
      endDate: '2027-02-28',
      premiumFen: 250_000,
      paidPremiumFen: 250_000,
      paidAt: '2026-02-20T10:00:00+08:00',
      sumInsuredFen: 500_000_000,
    },
    ...overrides,
  };
}
