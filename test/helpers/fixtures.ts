import { randomInt } from 'node:crypto';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter } from '../../domain/creditCode';
import type { PolicyFacts } from '../../domain/rules';
import { policy } from './rulesFixtures';

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
/** The group policy of test/helpers/rulesFixtures.ts as an applicant declares it, with a number of its own. */
export function declaredPolicy(overrides: Partial<PolicyFacts> = {}): Omit<PolicyFacts, 'creditCode'> {
  const { creditCode: _holder, ...declared } = policy({
    policyNumber: `P${Date.now()}${++policySeq}${randomInt(1e6)}`,
    ...overrides,
  });
  return declared;
}

export function applicationBody(code: string, overrides: Record<string, unknown> = {}) {
  return { creditCode: code, track: 'INCLUSIVE', policy: declaredPolicy(), ...overrides };
}
