import { createHmac, timingSafeEqual } from 'node:crypto';

const hmac = (secret: string, timestamp: string, rawBody: string): Buffer =>
  createHmac('sha256', secret).update(`${timestamp}.${rawBody}`).digest();

/**
 * The `X-Signature` header of a payment callback: `sha256=<hex HMAC-SHA256(secret, "<timestamp>.<raw body>")>`,
 * where `timestamp` (unix seconds) is sent as `X-Timestamp`.
 */
export function signPaymentCallback(secret: string, timestamp: number, rawBody: string): string {
  return `sha256=${hmac(secret, String(timestamp), rawBody).toString('hex')}`;
}

/**
 * Whether a callback's headers prove it comes from the gateway: the signature matches `rawBody` (exactly
 * the bytes received, before any JSON parsing) and the timestamp is within `toleranceSeconds` of
 * `nowSeconds` either way, so a captured callback cannot be replayed later. False for any missing or
 * malformed header.
 */
export function verifyPaymentCallback(
  secret: string,
  signatureHeader: string | undefined,
  timestampHeader: string | undefined,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (signatureHeader === undefined || timestampHeader === undefined) return false;
  if (!/^\d{1,15}$/.test(timestampHeader)) return false;
  if (Math.abs(nowSeconds - Number(timestampHeader)) > toleranceSeconds) return false;
  const hex = /^sha256=([0-9a-f]{64})$/i.exec(signatureHeader)?.[1];
  if (hex === undefined) return false;
  // The signed text is the header as received, so a reformatted timestamp (leading zeros) cannot match.
  return timingSafeEqual(Buffer.from(hex, 'hex'), hmac(secret, timestampHeader, rawBody));
}
