import { randomBytes } from 'node:crypto';
import {
  createSecretBox,
  maskedBankAccount,
  openBankAccount,
  parseDataKey,
  sealBankAccount,
} from '../../platform/secretBox';

const key = randomBytes(32).toString('base64');
const box = createSecretBox(key);
const account = {
  bankName: '中国工商银行',
  accountName: '北京海淀测试科技有限公司',
  accountNumber: '6222020200012345678',
};

describe('encryption at rest of bank account numbers', () => {
  it('seals with a fresh nonce each time and opens what it sealed', () => {
    const a = box.seal(account.accountNumber);
    const b = box.seal(account.accountNumber);
    expect(a).toMatch(/^v1\.[\w-]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('12345678');
    expect(box.open(a)).toBe(account.accountNumber);
  });

  it('refuses a tampered value and a different key', () => {
    const sealed = box.seal(account.accountNumber);
    const body = Buffer.from(sealed.slice(3), 'base64url');
    body[body.length - 1]! ^= 1;
    expect(() => box.open(`v1.${body.toString('base64url')}`)).toThrow();
    expect(() => createSecretBox(randomBytes(32).toString('hex')).open(sealed)).toThrow();
  });

  it('stores the account with the number sealed and the last four digits, and reads older plain rows', () => {
    const stored = sealBankAccount(box, account);
    expect(JSON.stringify(stored)).not.toContain(account.accountNumber);
    expect(stored.accountNumberLast4).toBe('5678');
    expect(openBankAccount(box, stored)).toEqual(account);
    expect(openBankAccount(box, account)).toEqual(account); // written before encryption
    expect(maskedBankAccount(stored)).toEqual({ ...account, accountNumber: '***************5678' });
    expect(maskedBankAccount(account)).toEqual({ ...account, accountNumber: '***************5678' });
    expect(openBankAccount(box, null)).toBeNull();
  });

  it('digests equal account numbers alike (spaces and dashes aside), with a key of its own', () => {
    const a = sealBankAccount(box, account);
    const b = sealBankAccount(box, { ...account, accountNumber: '6222 0202-0001 2345 678' });
    expect(a.accountNumberDigest).toMatch(/^[0-9a-f]{64}$/);
    expect(b.accountNumberDigest).toBe(a.accountNumberDigest);
    expect(a.accountNumberDigest).not.toContain(account.accountNumber);
    const other = createSecretBox(randomBytes(32).toString('hex'));
    expect(sealBankAccount(other, account).accountNumberDigest).not.toBe(a.accountNumberDigest);
  });

  it('takes a 32-byte key as base64, base64url or hex, and nothing else', () => {
    const raw = randomBytes(32);
    expect(parseDataKey(raw.toString('base64'))).toEqual(raw);
    expect(parseDataKey(raw.toString('base64url'))).toEqual(raw);
    expect(parseDataKey(raw.toString('hex'))).toEqual(raw);
    expect(() => parseDataKey('too-short')).toThrow(/32 bytes/);
  });
});
