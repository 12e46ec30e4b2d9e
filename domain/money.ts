/**
 * Money is integer fen (分) and rates are basis points everywhere. JavaScript numbers hold every amount this
 * programme can meet exactly (safe integers reach 9e15 fen); arithmetic below never leaves the integers.
 */
export const BP_DENOMINATOR = 10_000;

export function assertFen(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value) || value < 0)
    throw new RangeError(`${what} must be a non-negative integer fen`);
  return value;
}

/** floor(base × rateBp / 10000), exact for any safe base (done in BigInt to avoid rounding of the product). */
export function applyRate(baseFen: number, rateBp: number): number {
  assertFen(baseFen, 'base');
  if (!Number.isInteger(rateBp) || rateBp < 0) throw new RangeError('rate must be a non-negative integer bp');
  return Number((BigInt(baseFen) * BigInt(rateBp)) / BigInt(BP_DENOMINATOR));
}

export const yuanToFen = (yuan: number): number => assertFen(yuan * 100, 'yuan amount');

/** ¥1,234.56 — for e-mails and pages; never used for arithmetic. */
export function formatFen(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = Math.floor(abs / 100).toLocaleString('en-US');
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${yuan}.${cents}`;
}

/** Converts a database BIGINT (bigint) to a safe-integer number, refusing values that would lose precision. */
export function fromDbFen(value: bigint): number;
export function fromDbFen(value: bigint | null): number | null;
export function fromDbFen(value: bigint | null): number | null {
  if (value === null) return null;
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new RangeError(`amount ${value} exceeds the safe integer range`);
  }
  return Number(value);
}
