import fc from 'fast-check';
import { CREDIT_CODE_ALPHABET, creditCodeCheckCharacter, creditCodeProblem } from '../../domain/creditCode';

const KNOWN_VALID = [
  '91350100M000100Y43', // the worked example of GB 32100-2015
  '91110108MA01ABCDEN',
];

describe('unified social credit code (GB 32100-2015)', () => {
  it.each(KNOWN_VALID)('accepts %s', (code) => {
    expect(creditCodeProblem(code)).toBeNull();
  });

  it('refuses every single-character change of a valid code', () => {
    for (const code of KNOWN_VALID) {
      for (let pos = 0; pos < code.length; pos++) {
        for (const ch of `${CREDIT_CODE_ALPHABET}IOZSVa-`) {
          if (ch === code[pos]) continue;
          const changed = code.slice(0, pos) + ch + code.slice(pos + 1);
          expect({ changed, problem: creditCodeProblem(changed) }).toEqual({
            changed,
            problem: expect.any(String),
          });
        }
      }
    }
  });

  it('refuses wrong lengths and letters outside the alphabet as a format problem', () => {
    expect(creditCodeProblem('91350100M000100Y4')).toBe('FORMAT');
    expect(creditCodeProblem('91350100M000100Y433')).toBe('FORMAT');
    expect(creditCodeProblem('91350100M000100I43')).toBe('FORMAT');
    expect(creditCodeProblem('91350100m000100y43')).toBe('FORMAT');
    expect(creditCodeProblem('91350100M000100Y44')).toBe('CHECK_CHARACTER');
  });

  it('admits a configured early code that fails the check', () => {
    expect(creditCodeProblem('91350100M000100Y44', new Set(['91350100M000100Y44']))).toBeNull();
  });

  it('computes a check character that validates any 17-character body', () => {
    const char = fc.constantFrom(...CREDIT_CODE_ALPHABET.split(''));
    fc.assert(
      fc.property(fc.array(char, { minLength: 17, maxLength: 17 }), (chars) => {
        const body = chars.join('');
        expect(creditCodeProblem(body + creditCodeCheckCharacter(body))).toBeNull();
      }),
    );
  });
});
