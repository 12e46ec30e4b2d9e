import express, { type Response } from 'express';
import { z } from 'zod';
import { CREDIT_CODE_MESSAGES, creditCodeProblem } from '../../domain/creditCode';
import type { PolicyFacts } from '../../domain/rules/facts';
import { PolicyChangeSchema, PolicyFactsSchema, type PolicyChange } from '../../services/insurer';
import type { SimulatorModule } from './server';

// The same shapes the system's application form accepts, so every policy it can name can be simulated.
const PolicyParams = z.object({
  insurerCode: z.string().regex(/^[A-Za-z0-9_-]{2,32}$/, 'must be 2-32 letters, digits, _ or -'),
  policyNumber: z.string().regex(/^[A-Za-z0-9_\-/]{4,64}$/, 'must be 4-64 letters, digits, _, - or /'),
});

/** The policy without its identity (it is in the path). */
const PolicyBody = PolicyFactsSchema.omit({ insurerCode: true, policyNumber: true }).extend({
  // Only the shape: legal early codes that fail the check character hold policies too.
  creditCode: z.string().refine((c) => creditCodeProblem(c) !== 'FORMAT', CREDIT_CODE_MESSAGES.FORMAT),
});

const PutPolicy = z.object({ params: PolicyParams, body: PolicyBody });

/** A change to record: its id and recording time default to fresh ones; the paid premium after is computed. */
const ChangeBody = PolicyChangeSchema.omit({ paidPremiumAfterFen: true })
  .partial({ id: true, recordedAt: true })
  .strict()
  .refine((c) => c.kind === 'ENDORSEMENT' || c.premiumDeltaFen <= 0, {
    message: 'a cancellation or refund cannot raise the premium',
    path: ['premiumDeltaFen'],
  });
const PostChange = z.object({ params: PolicyParams, body: ChangeBody });

// insurerCode and policyNumber may both come from a path segment holding `/`: join them unambiguously.
const keyOf = (insurerCode: string, policyNumber: string): string =>
  JSON.stringify([insurerCode, policyNumber]);

function notFound(res: Response, insurerCode: string, policyNumber: string): void {
  res.status(404).json({
    error: { code: 'NOT_FOUND', message: `policy ${insurerCode} ${policyNumber} not found`, details: [] },
  });
}

/**
 * The insurers' policy gateway: `GET /policies/{insurerCode}/{policyNumber}` answers PolicyFacts, and
 * the control API (`PUT`/`GET`/`DELETE` on the same path) edits what it knows. `GET .../changes` answers the
 * policy's recorded changes (cancellations, refunds, endorsements); the control API's `POST .../changes` adds one.
 */
export function createInsurerSim(opts: { seed?: readonly PolicyFacts[] } = {}): SimulatorModule {
  const policies = new Map<string, PolicyFacts>();
  const changes = new Map<string, PolicyChange[]>();
  let changeSeq = 0;
  const reset = () => {
    policies.clear();
    changes.clear();
    for (const p of opts.seed ?? []) policies.set(keyOf(p.insurerCode, p.policyNumber), structuredClone(p));
  };
  reset();

  const protocol = express.Router();
  protocol.get('/policies/:insurerCode/:policyNumber', (req, res) => {
    const { insurerCode, policyNumber } = req.params;
    const policy = policies.get(keyOf(insurerCode, policyNumber));
    if (policy) res.json(policy);
    else notFound(res, insurerCode, policyNumber);
  });

  protocol.get('/policies/:insurerCode/:policyNumber/changes', (req, res) => {
    const { insurerCode, policyNumber } = req.params;
    const key = keyOf(insurerCode, policyNumber);
    if (!policies.has(key)) return notFound(res, insurerCode, policyNumber);
    res.json({ insurerCode, policyNumber, changes: changes.get(key) ?? [] });
  });

  const control = express.Router();
  // Records a change; the same id again answers the change recorded (200), another change of that id 409.
  control.post('/policies/:insurerCode/:policyNumber/changes', (req, res) => {
    const { params, body } = PostChange.parse({ params: req.params, body: req.body as unknown });
    const key = keyOf(params.insurerCode, params.policyNumber);
    const policy = policies.get(key);
    if (!policy) return notFound(res, params.insurerCode, params.policyNumber);
    const list = changes.get(key) ?? [];
    const known = body.id === undefined ? undefined : list.find((c) => c.id === body.id);
    if (known) {
      const same = known.kind === body.kind && known.premiumDeltaFen === body.premiumDeltaFen;
      if (same) return res.status(200).json(known);
      return res.status(409).json({
        error: { code: 'CONFLICT', message: `change ${body.id} is recorded otherwise`, details: [] },
      });
    }
    const paidBefore = list.at(-1)?.paidPremiumAfterFen ?? policy.paidPremiumFen;
    const paidAfter = paidBefore + body.premiumDeltaFen;
    if (paidAfter < 0) {
      return res.status(400).json({
        error: {
          code: 'VALIDATION_FAILED',
          message: 'invalid body.premiumDeltaFen',
          details: [
            { path: 'body.premiumDeltaFen', message: `refunds more than the ${paidBefore} fen paid` },
          ],
        },
      });
    }
    changeSeq += 1;
    const change: PolicyChange = {
      id: body.id ?? `CHG-${Date.now().toString(36)}-${changeSeq}`,
      kind: body.kind,
      effectiveDate: body.effectiveDate,
      premiumDeltaFen: body.premiumDeltaFen,
      paidPremiumAfterFen: paidAfter,
      recordedAt: body.recordedAt ?? new Date().toISOString(),
    };
    changes.set(key, [...list, change]);
    res.status(201).json(change);
  });
  control.put('/policies/:insurerCode/:policyNumber', (req, res) => {
    const { params, body } = PutPolicy.parse({ params: req.params, body: req.body as unknown });
    const policy: PolicyFacts = { ...params, ...body };
    const key = keyOf(params.insurerCode, params.policyNumber);
    const created = !policies.has(key);
    policies.set(key, policy);
    res.status(created ? 201 : 200).json(policy);
  });
  control.get('/policies/:insurerCode/:policyNumber', (req, res) => {
    const { insurerCode, policyNumber } = req.params;
    const policy = policies.get(keyOf(insurerCode, policyNumber));
    if (policy) res.json(policy);
    else notFound(res, insurerCode, policyNumber);
  });
  control.delete('/policies/:insurerCode/:policyNumber', (req, res) => {
    const { insurerCode, policyNumber } = req.params;
    changes.delete(keyOf(insurerCode, policyNumber));
    if (policies.delete(keyOf(insurerCode, policyNumber))) res.status(204).end();
    else notFound(res, insurerCode, policyNumber);
  });

  return { name: 'insurer', protocol, control, reset };
}
