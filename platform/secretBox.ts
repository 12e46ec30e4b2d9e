import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { normalizeAccountNumber } from '../domain/riskFlags';

/**
 * Encryption at rest of the few secrets the database holds (bank account numbers): AES-256-GCM with a key
 * from DATA_ENCRYPTION_KEY, a fresh nonce per value, and the key version in the stored text, so a key can be
 * rotated later (`v1.` values keep opening with the old key).
 */
export interface SecretBox {
  seal(plain: string): string;
  open(sealed: string): string;
  /**
   * A keyed digest (HMAC-SHA256, hex) of a value, to find equal values without opening any: its key is derived
   * from the data key (HKDF, its own label), so the digest says nothing without that key.
   */
  digest(plain: string): string;
}

const PREFIX = 'v1.';

/** A 32-byte key given as base64, base64url or 64 hex digits; null when it is not one. */
export function parseKeyBytes(text: string): Buffer | null {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : Buffer.from(trimmed.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  return key.length === 32 ? key : null;
}

/** Reads a 32-byte key given as base64, base64url or hex; throws a message naming the variable otherwise. */
export function parseDataKey(text: string): Buffer {
  const key = parseKeyBytes(text);
  if (!key) throw new Error('DATA_ENCRYPTION_KEY must be 32 bytes (base64 or 64 hex digits)');
  return key;
}

export function createSecretBox(keyText: string): SecretBox {
  const key = parseDataKey(keyText);
  const digestKey = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), 'haidian-kjbx digest v1', 32));
  return {
    digest(plain) {
      return createHmac('sha256', digestKey).update(plain, 'utf8').digest('hex');
    },
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${PREFIX}${Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url')}`;
    },
    open(sealed) {
      if (!sealed.startsWith(PREFIX)) throw new Error('not a sealed value');
      const raw = Buffer.from(sealed.slice(PREFIX.length), 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(0, 12));
      decipher.setAuthTag(raw.subarray(12, 28));
      return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    },
  };
}

/** A bank account as stored: the number sealed, its last four digits kept for display. */
export interface StoredBankAccount {
  bankName: string;
  accountName: string;
  accountNumberSealed: string;
  accountNumberLast4: string;
  /** What everyone but finance sees: a star per hidden digit, then the last four. */
  accountNumberMasked: string;
  /** The keyed digest of the normalised number (`SecretBox.digest`): equal accounts of enterprises are found by it. */
  accountNumberDigest?: string;
}

export interface BankAccount {
  bankName: string;
  accountName: string;
  accountNumber: string;
}

export function sealBankAccount(box: SecretBox, a: BankAccount): StoredBankAccount {
  return {
    bankName: a.bankName,
    accountName: a.accountName,
    accountNumberSealed: box.seal(a.accountNumber),
    accountNumberLast4: a.accountNumber.slice(-4),
    accountNumberMasked: maskNumber(a.accountNumber),
    accountNumberDigest: accountDigest(box, a.accountNumber),
  };
}

export const accountDigest = (box: SecretBox, accountNumber: string): string =>
  box.digest(normalizeAccountNumber(accountNumber));

/** The account as stored; rows written before encryption (a plain `accountNumber`) are still read. */
export function openBankAccount(box: SecretBox, stored: unknown): BankAccount | null {
  if (!stored || typeof stored !== 'object') return null;
  const s = stored as Partial<StoredBankAccount> & { accountNumber?: string };
  const accountNumber = s.accountNumberSealed ? box.open(s.accountNumberSealed) : (s.accountNumber ?? '');
  return { bankName: s.bankName ?? '', accountName: s.accountName ?? '', accountNumber };
}

export const maskNumber = (n: string): string => `${'*'.repeat(Math.max(0, n.length - 4))}${n.slice(-4)}`;

/** Masked for everyone but finance: only the last four digits show. */
export function maskedBankAccount(stored: unknown): BankAccount | null {
  if (!stored || typeof stored !== 'object') return null;
  const s = stored as Partial<StoredBankAccount> & { accountNumber?: string };
  const accountNumber =
    s.accountNumberMasked ??
    (s.accountNumber ? maskNumber(s.accountNumber) : `****${s.accountNumberLast4 ?? ''}`);
  return { bankName: s.bankName ?? '', accountName: s.accountName ?? '', accountNumber };
}

const boxes = new Map<string, SecretBox>();
/** One box per key text (the key is parsed once per process). */
export function secretBoxFor(keyText: string): SecretBox {
  let box = boxes.get(keyText);
  if (!box) boxes.set(keyText, (box = createSecretBox(keyText)));
  return box;
}
