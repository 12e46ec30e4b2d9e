import { z } from 'zod';
import { getNamedJson, postJson, ServiceError } from './serviceErrors';

const SERVICE = 'payment';

export const PAYEE_KINDS = ['ENTERPRISE', 'INSURER'] as const;
export const PAYMENT_STATUSES = ['PENDING', 'SUCCEEDED', 'FAILED'] as const;
/** Why the treasury refused a payment; ACCOUNT_MISSING: an enterprise payee without an account number. */
export const PAYMENT_FAILURE_REASONS = ['ACCOUNT_CLOSED', 'NAME_MISMATCH', 'ACCOUNT_MISSING'] as const;

export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];
export type PaymentFailureReason = (typeof PAYMENT_FAILURE_REASONS)[number];

/** The caller's key of one payment: the gateway makes at most one payment per key. */
export const IdempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9:_-]{1,128}$/, 'must be 1-128 letters, digits, :, _ or -');

const Timestamp = z.iso.datetime({ offset: true });

/** Who receives the money. */
export const PayeeSchema = z.object({
  kind: z.enum(PAYEE_KINDS),
  name: z.string().min(1).max(200),
  bankName: z.string().min(1).max(200).optional(),
  accountName: z.string().min(1).max(200).optional(),
  accountNumber: z
    .string()
    .regex(/^\d{1,34}$/, 'must be 1-34 digits')
    .optional(),
  insurerCode: z
    .string()
    .regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2-32 letters, digits, _ or -')
    .optional(),
});
export type Payee = z.infer<typeof PayeeSchema>;

/** The body of `POST /payments`. */
export const PaymentRequestSchema = z.object({
  idempotencyKey: IdempotencyKeySchema,
  payee: PayeeSchema,
  amountFen: z.number().int('must be an integer number of fen').positive().max(Number.MAX_SAFE_INTEGER),
  reference: z.string().max(100),
  callbackUrl: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});
export type PaymentRequest = z.infer<typeof PaymentRequestSchema>;

/** A payment as the gateway answers it; `failureReason` is set exactly when `status` is FAILED. */
export const PaymentViewSchema = z.object({
  id: z.string().min(1),
  idempotencyKey: IdempotencyKeySchema,
  payee: PayeeSchema,
  amountFen: PaymentRequestSchema.shape.amountFen,
  reference: z.string().max(100),
  status: z.enum(PAYMENT_STATUSES),
  failureReason: z.enum(PAYMENT_FAILURE_REASONS).nullable(),
  createdAt: Timestamp,
  settledAt: Timestamp.nullable(),
});
export type PaymentView = z.infer<typeof PaymentViewSchema>;

/**
 * The JSON body the gateway POSTs to `callbackUrl` once a payment settles (and again on redelivery),
 * signed as described in paymentSignature.ts. The same callback may arrive more than once.
 */
export const PaymentCallbackSchema = z.object({
  paymentId: z.string().min(1),
  idempotencyKey: IdempotencyKeySchema,
  status: z.enum(['SUCCEEDED', 'FAILED']),
  failureReason: z.enum(PAYMENT_FAILURE_REASONS).nullable(),
  amountFen: PaymentRequestSchema.shape.amountFen,
  settledAt: Timestamp,
});
export type PaymentCallback = z.infer<typeof PaymentCallbackSchema>;

/** The treasury payment gateway (国库支付). */
export interface PaymentClient {
  /**
   * Requests a payment, or answers the one already made under `req.idempotencyKey` (whatever its
   * status), so a retry after a timeout never pays twice. A ServiceError with status 409 and code
   * IDEMPOTENCY_CONFLICT means the key was used for another amount or payee.
   */
  createPayment(req: PaymentRequest): Promise<PaymentView>;
  /** The payment as the gateway knows it now; null when it knows no payment `id`. */
  getPayment(id: string): Promise<PaymentView | null>;
}

/** An HTTP client of the payment gateway at `baseUrl`; errors are RetryableServiceError or ServiceError. */
export function createPaymentClient(opts: { baseUrl: string; timeoutMs?: number }): PaymentClient {
  const baseUrl = opts.baseUrl.replace(/\/+$/, '');
  const timeoutMs = opts.timeoutMs ?? 5000;
  return {
    async createPayment(req) {
      const payment = await postJson(SERVICE, `${baseUrl}/payments`, req, PaymentViewSchema, timeoutMs);
      // Another payment than the one asked for would be recorded as this one: refuse it outright.
      if (payment.idempotencyKey !== req.idempotencyKey || payment.amountFen !== req.amountFen) {
        throw new ServiceError(
          SERVICE,
          `answered payment ${payment.idempotencyKey} of ${payment.amountFen} fen when asked for ${req.idempotencyKey} of ${req.amountFen} fen`,
        );
      }
      return payment;
    },
    async getPayment(id) {
      const url = `${baseUrl}/payments/${encodeURIComponent(id)}`;
      return getNamedJson(SERVICE, url, PaymentViewSchema, timeoutMs, {
        asked: id,
        named: (p) => p.id,
        noun: 'payment',
      });
    },
  };
}
