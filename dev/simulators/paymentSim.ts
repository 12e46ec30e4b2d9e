import express, { type Response } from 'express';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  PAYMENT_FAILURE_REASONS,
  PaymentRequestSchema,
  PayeeSchema,
  type Payee,
  type PaymentCallback,
  type PaymentFailureReason,
  type PaymentView,
} from '../../services/payment';
import { signPaymentCallback } from '../../services/paymentSignature';
import { behaviourBody, behaviourRoutes, onlyInMode } from './behaviourRoutes';
import type { BehaviourControl, SimulatorModule } from './server';

/** The gateway's behaviour modes, named as in the project's API document. */
export const PAYMENT_BEHAVIOUR_MODES = ['succeed', 'transient-then-succeed', 'fail-definitive'] as const;
export type PaymentBehaviourMode = (typeof PAYMENT_BEHAVIOUR_MODES)[number];

/** The reasons fail-definitive may give; ACCOUNT_MISSING comes from the payee, never from the mode. */
const DEFINITIVE_REASONS = ['ACCOUNT_CLOSED', 'NAME_MISMATCH'] as const;

/** How the simulated gateway currently answers and settles. */
export interface PaymentBehaviour {
  mode: PaymentBehaviourMode;
  /** Time from a payment's creation to its settlement. */
  delayMs: number;
  /** Protocol calls still to answer 503 in mode transient-then-succeed; 0 otherwise. */
  failCount: number;
  /** What new payments fail with in mode fail-definitive; null otherwise. */
  failureReason: (typeof DEFINITIVE_REASONS)[number] | null;
  /** Protocol calls received since the behaviour was last set, failed ones included. */
  calls: number;
}

/** One try at delivering a payment's callback. */
export interface CallbackAttempt {
  /** 1 for the delivery at settlement, one more for each redelivery asked for through the control API. */
  delivery: number;
  /** 1, then one more per retry of the same delivery. */
  attempt: number;
  at: string;
  /** The receiver's HTTP status; null when no answer came. */
  httpStatus: number | null;
  /** Why no answer came (refused, timed out); null when one came. */
  error: string | null;
}

const DEFAULT_DELAY_MS = 200;
const DEFAULT_FAIL_COUNT = 2;
const CALLBACK_RETRIES = 5;
const CALLBACK_FIRST_BACKOFF_MS = 100;
const CALLBACK_TIMEOUT_MS = 2000;

const BehaviourBody = behaviourBody(PAYMENT_BEHAVIOUR_MODES, {
  failureReason: z.enum(DEFINITIVE_REASONS).optional(),
}).superRefine((b, ctx) => {
  onlyInMode(b, ctx, 'failCount', 'transient-then-succeed');
  onlyInMode(b, ctx, 'failureReason', 'fail-definitive');
});

const CreatePayment = z.object({ body: PaymentRequestSchema });

const SettleBody = z
  .object({
    status: z.enum(['SUCCEEDED', 'FAILED']),
    failureReason: z.enum(PAYMENT_FAILURE_REASONS).optional(),
  })
  .superRefine((b, ctx) => {
    if (b.failureReason !== undefined && b.status !== 'FAILED') {
      ctx.addIssue({ code: 'custom', path: ['failureReason'], message: 'applies only to status "FAILED"' });
    }
  });

const Settle = z.object({ params: z.object({ id: z.string() }), body: SettleBody });

interface Outcome {
  status: 'SUCCEEDED' | 'FAILED';
  failureReason: PaymentFailureReason | null;
}

interface StoredPayment {
  view: PaymentView;
  callbackUrl: string | null;
  /** How the payment settles when its delay is up (decided by the behaviour at creation). */
  outcome: Outcome;
  callbacks: CallbackAttempt[];
  deliveries: number;
}

const initialBehaviour = (): PaymentBehaviour => ({
  mode: 'succeed',
  delayMs: DEFAULT_DELAY_MS,
  failCount: 0,
  failureReason: null,
  calls: 0,
});

function sendError(res: Response, status: number, code: string, message: string): void {
  res.status(status).json({ error: { code, message, details: [] } });
}

const PAYEE_FIELDS = Object.keys(PayeeSchema.shape) as (keyof Payee)[];
const samePayee = (a: Payee, b: Payee): boolean => PAYEE_FIELDS.every((f) => a[f] === b[f]);

function callbackOf(view: PaymentView): PaymentCallback {
  const { status, settledAt } = view;
  if (status === 'PENDING' || settledAt === null) throw new Error(`payment ${view.id} has not settled`);
  const { id: paymentId, idempotencyKey, failureReason, amountFen } = view;
  return { paymentId, idempotencyKey, status, failureReason, amountFen, settledAt };
}

function describeFailure(err: unknown): string {
  const error = (typeof err === 'object' && err !== null ? err : {}) as { name?: unknown; cause?: unknown };
  if (error.name === 'TimeoutError') return `no answer within ${CALLBACK_TIMEOUT_MS} ms`;
  // undici reports refused/reset connections as `TypeError: fetch failed` with the socket error as cause.
  const cause = error.cause as { code?: unknown; message?: unknown } | undefined;
  const reason = [cause?.code, cause?.message].find((r) => typeof r === 'string');
  return typeof reason === 'string' ? reason : String(err);
}

/**
 * The treasury payment gateway: `POST /payments` (one payment per idempotency key) and
 * `GET /payments/{id}`; each payment settles after the behaviour's delay and then calls back, signed,
 * retrying a refused callback 5 times with back-off from 100 ms. Control API: `GET /payments` (with
 * every callback attempt), `POST /payments/{id}/callback` (deliver once more), `POST /payments/{id}/settle`
 * (settle now), and its own `/behaviour` (succeed, transient-then-succeed, fail-definitive).
 */
export function createPaymentSim(opts: { callbackSecret: string }): SimulatorModule {
  const payments = new Map<string, StoredPayment>();
  const byKey = new Map<string, StoredPayment>();
  const behaviour = initialBehaviour();
  const timers = new Set<NodeJS.Timeout>();
  // Aborted on reset: stops callbacks in flight and every retry of payments that no longer exist.
  let lifetime = new AbortController();

  const later = (ms: number, run: () => void) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      run();
    }, ms);
    // Pending settlements and retries must not keep a process alive whose servers have closed.
    timer.unref();
    timers.add(timer);
  };

  const attempt = async (p: StoredPayment, delivery: number, n: number, signal: AbortSignal) => {
    if (signal.aborted || p.callbackUrl === null) return;
    const body = JSON.stringify(callbackOf(p.view));
    const timestamp = Math.floor(Date.now() / 1000);
    const record: CallbackAttempt = {
      delivery,
      attempt: n,
      at: new Date().toISOString(),
      httpStatus: null,
      error: null,
    };
    try {
      const res = await fetch(p.callbackUrl, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'x-timestamp': String(timestamp),
          'x-signature': signPaymentCallback(opts.callbackSecret, timestamp, body),
        },
        body,
        signal: AbortSignal.any([signal, AbortSignal.timeout(CALLBACK_TIMEOUT_MS)]),
      });
      record.httpStatus = res.status;
      await res.body?.cancel().catch(() => undefined);
    } catch (err) {
      record.error = describeFailure(err);
    }
    if (signal.aborted) return;
    p.callbacks.push(record);
    const delivered = record.httpStatus !== null && record.httpStatus >= 200 && record.httpStatus < 300;
    if (!delivered && n <= CALLBACK_RETRIES) {
      later(CALLBACK_FIRST_BACKOFF_MS * 2 ** (n - 1), () => void attempt(p, delivery, n + 1, signal));
    }
  };

  /** Resolves after the first attempt, so a control route answers once the receiver has had its say. */
  const deliver = (p: StoredPayment): Promise<void> => {
    if (p.callbackUrl === null) return Promise.resolve();
    p.deliveries += 1;
    return attempt(p, p.deliveries, 1, lifetime.signal);
  };

  const settle = (p: StoredPayment, outcome: Outcome): Promise<void> => {
    Object.assign(p.view, { ...outcome, settledAt: new Date().toISOString() });
    return deliver(p);
  };

  const rowOf = (p: StoredPayment) => ({ ...p.view, callbackUrl: p.callbackUrl, callbacks: p.callbacks });

  const plannedOutcome = (payee: Payee): Outcome => {
    if (payee.kind === 'ENTERPRISE' && payee.accountNumber === undefined) {
      return { status: 'FAILED', failureReason: 'ACCOUNT_MISSING' };
    }
    if (behaviour.mode === 'fail-definitive') {
      return { status: 'FAILED', failureReason: behaviour.failureReason ?? 'ACCOUNT_CLOSED' };
    }
    return { status: 'SUCCEEDED', failureReason: null };
  };

  const reset = () => {
    for (const timer of timers) clearTimeout(timer);
    timers.clear();
    lifetime.abort();
    lifetime = new AbortController();
    payments.clear();
    byKey.clear();
  };

  const protocol = express.Router();
  protocol.post('/payments', (req, res) => {
    const { body } = CreatePayment.parse({ body: req.body as unknown });
    const existing = byKey.get(body.idempotencyKey);
    if (existing) {
      if (existing.view.amountFen !== body.amountFen || !samePayee(existing.view.payee, body.payee)) {
        sendError(
          res,
          409,
          'IDEMPOTENCY_CONFLICT',
          `idempotency key ${body.idempotencyKey} was used for another amount or payee`,
        );
      } else {
        res.status(200).json(existing.view);
      }
      return;
    }
    const p: StoredPayment = {
      view: {
        id: `PAY-${randomUUID()}`,
        idempotencyKey: body.idempotencyKey,
        payee: body.payee,
        amountFen: body.amountFen,
        reference: body.reference,
        status: 'PENDING',
        failureReason: null,
        createdAt: new Date().toISOString(),
        settledAt: null,
      },
      callbackUrl: body.callbackUrl ?? null,
      outcome: plannedOutcome(body.payee),
      callbacks: [],
      deliveries: 0,
    };
    payments.set(p.view.id, p);
    byKey.set(body.idempotencyKey, p);
    later(behaviour.delayMs, () => {
      // A settlement forced through the control API may have come first.
      if (p.view.status === 'PENDING') void settle(p, p.outcome);
    });
    res.status(201).json(p.view);
  });
  protocol.get('/payments/:id', (req, res) => {
    const p = payments.get(req.params.id);
    if (p) res.json(p.view);
    else sendError(res, 404, 'NOT_FOUND', `payment ${req.params.id} not found`);
  });

  const control = express.Router();
  control.get('/payments', (_req, res) => {
    res.json([...payments.values()].map(rowOf));
  });
  control.post('/payments/:id/callback', async (req, res) => {
    const p = payments.get(req.params.id);
    if (!p) {
      sendError(res, 404, 'NOT_FOUND', `payment ${req.params.id} not found`);
    } else if (p.view.status === 'PENDING') {
      sendError(res, 409, 'NOT_SETTLED', `payment ${p.view.id} has not settled yet`);
    } else if (p.callbackUrl === null) {
      sendError(res, 409, 'NO_CALLBACK_URL', `payment ${p.view.id} was requested without a callbackUrl`);
    } else {
      await deliver(p);
      res.json(rowOf(p));
    }
  });
  control.post('/payments/:id/settle', async (req, res) => {
    const { params, body } = Settle.parse({ params: req.params, body: req.body as unknown });
    const p = payments.get(params.id);
    if (!p) {
      sendError(res, 404, 'NOT_FOUND', `payment ${params.id} not found`);
    } else if (p.view.status !== 'PENDING') {
      sendError(res, 409, 'ALREADY_SETTLED', `payment ${p.view.id} has already settled ${p.view.status}`);
    } else {
      const failureReason = body.status === 'FAILED' ? (body.failureReason ?? 'ACCOUNT_CLOSED') : null;
      await settle(p, { status: body.status, failureReason });
      res.json(rowOf(p));
    }
  });

  const routes = behaviourRoutes(behaviour, BehaviourBody, (body): PaymentBehaviour => ({
    mode: body.mode,
    delayMs: body.delayMs ?? DEFAULT_DELAY_MS,
    failCount: body.mode === 'transient-then-succeed' ? (body.failCount ?? DEFAULT_FAIL_COUNT) : 0,
    failureReason: body.mode === 'fail-definitive' ? (body.failureReason ?? 'ACCOUNT_CLOSED') : null,
    calls: 0,
  }));
  const paymentBehaviour: BehaviourControl = {
    gate: (_req, res, next) => {
      behaviour.calls += 1;
      if (behaviour.failCount > 0) {
        // Answered before the protocol sees the call: a transient failure has no effect at all.
        behaviour.failCount -= 1;
        sendError(res, 503, 'UNAVAILABLE', 'payment gateway is unavailable (simulated)');
        return;
      }
      next();
    },
    routes,
    reset: () => Object.assign(behaviour, initialBehaviour()),
  };

  return { name: 'payment', protocol, control, reset, behaviour: paymentBehaviour };
}
