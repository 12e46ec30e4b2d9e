import { fromDbFen } from '../../domain/money';
import { PaymentCallbackSchema } from '../../services/payment';
import { verifyPaymentCallback } from '../../services/paymentSignature';
import { applicationWorkflowId, paymentResultSignal } from '../../workflows/application/contract';
import { HttpError, notFound, unprocessable } from '../errors';
import { defineRoute } from '../route';

/** The payment gateway's result callback: HMAC-signed; unsigned, forged or stale calls change nothing. */
export const paymentRoutes = [
  defineRoute({
    method: 'post',
    path: '/api/v1/payments/callback',
    summary:
      'Result of a payment from the treasury gateway (X-Signature: sha256=HMAC of "<X-Timestamp>.<body>")',
    tag: 'payments',
    access: 'public',
    // The signature is checked on the bytes received before anything reads them: an unsigned, forged or
    // stale call learns nothing about the body's shape.
    signedBody: {
      verify(raw, req, deps) {
        const signed = verifyPaymentCallback(
          deps.config.services.paymentCallbackSecret,
          req.header('x-signature'),
          req.header('x-timestamp'),
          raw.toString('utf8'),
          Math.floor(Date.now() / 1000),
        );
        if (!signed)
          throw new HttpError(401, 'UNAUTHORIZED', 'the callback signature is missing, wrong or stale');
      },
    },
    body: PaymentCallbackSchema,
    errors: [401, 404, 422],
    async handler({ body, deps }) {
      const payment = await deps.db.payment.findUnique({ where: { id: body.idempotencyKey } });
      if (!payment || (payment.gatewayId !== null && payment.gatewayId !== body.paymentId))
        throw notFound('payment');
      if (fromDbFen(payment.amountFen) !== body.amountFen) {
        throw unprocessable(
          'AMOUNT_MISMATCH',
          `the callback is for ${body.amountFen} fen; the payment is ${fromDbFen(payment.amountFen)} fen`,
        );
      }
      await deps.temporal.workflow
        .getHandle(applicationWorkflowId(payment.applicationId))
        .signal(paymentResultSignal, {
          paymentId: payment.id,
          status: body.status,
          failureReason: body.failureReason,
        });
      return { body: { received: true } };
    },
  }),
];
