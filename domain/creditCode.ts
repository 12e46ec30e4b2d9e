/**
 * Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters from 0-9A-HJ-NPQRTUWXY; the last
 * is a check character over the first 17 (weights 3^(i-1) mod 31, check = 31 - (sum mod 31), 31 → 0).
 */
export const CREDIT_CODE_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const SHAPE = /^[0-9A-HJ-NPQRTUWXY]{18}$/;

export type CreditCodeProblem = 'FORMAT' | 'CHECK_CHARACTER';

export function creditCodeCheckCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CREDIT_CODE_ALPHABET.indexOf(first17[i] ?? '');
    if (value < 0) throw new RangeError(`invalid character at position ${i + 1}`);
    sum += value * WEIGHTS[i]!;
  }
  const check = (31 - (sum % 31)) % 31;
  return CREDIT_CODE_ALPHABET[check]!;
}

/** null when valid; otherwise what is wrong. Codes in `allowList` (legal early codes) always pass. */
export function creditCodeProblem(
  code: string,
  allowList: ReadonlySet<string> = new Set(),
): CreditCodeProblem | null {
  if (allowList.has(code)) return null;
  if (!SHAPE.test(code)) return 'FORMAT';
  return creditCodeCheckCharacter(code.slice(0, 17)) === code[17] ? null : 'CHECK_CHARACTER';
}

export const CREDIT_CODE_MESSAGES: Record<CreditCodeProblem, string> = {
  FORMAT: 'must be 18 characters from 0-9 and A-Z without I, O, Z, S, V (统一社会信用代码格式错误)',
  CHECK_CHARACTER: 'check character does not match (统一社会信用代码校验位错误)',
};
