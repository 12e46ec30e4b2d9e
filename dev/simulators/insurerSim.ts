import express, { type Response } from 'express';
import { z } from 'zod';
import { CREDIT_CODE_MESSAGES, creditCodeProblem } from '../../domain/creditCode';
import type { PolicyFacts } from '../../domain/rules/facts';
import { PolicyFactsSchema } from '../../services/insurer';
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
 * the control API (`PUT`/`GET`/`DELETE` on the same path) edits what it knows.
 */
export function createInsurerSim(opts: { seed?: readonly PolicyFacts[] } = {}): SimulatorModule {
  const policies = new Map<string, PolicyFacts>();
  const reset = () => {
    policies.clear();
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

  const control = express.Router();
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
    if (policies.delete(keyOf(insurerCode, policyNumber))) res.status(204).end();
    else notFound(res, insurerCode, policyNumber);
  });

  return { name: 'insurer', protocol, control, reset };
}
