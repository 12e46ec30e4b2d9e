import express, { type Response } from 'express';
import { z } from 'zod';
import { CREDIT_CODE_MESSAGES, creditCodeProblem } from '../../domain/creditCode';
import type { EnterpriseFacts } from '../../domain/rules/facts';
import { EnterpriseFactsSchema } from '../registry';
import type { SimulatorModule } from './server';

// The registry also holds legal early codes that fail the check character (the system's allow list),
// so only the shape is required here.
const CreditCodeParam = z.object({
  creditCode: z.string().refine((c) => creditCodeProblem(c) !== 'FORMAT', CREDIT_CODE_MESSAGES.FORMAT),
});

const { highTech, techSme, srdi } = EnterpriseFactsSchema.shape;

/** The facts without the code (it is in the path); an absent qualification means the enterprise has none. */
const EnterpriseBody = EnterpriseFactsSchema.omit({ creditCode: true }).extend({
  highTech: highTech.default(null),
  techSme: techSme.default(null),
  srdi: srdi.default(null),
});

const PutEnterprise = z.object({ params: CreditCodeParam, body: EnterpriseBody });

function notFound(res: Response, creditCode: string): void {
  res.status(404).json({
    error: { code: 'NOT_FOUND', message: `enterprise ${creditCode} not found`, details: [] },
  });
}

/**
 * The market-regulation registry: `GET /enterprises/{creditCode}` answers EnterpriseFacts, and the
 * control API (`PUT`/`GET`/`DELETE /enterprises/{creditCode}`) edits what it knows.
 */
export function createRegistrySim(opts: { seed?: readonly EnterpriseFacts[] } = {}): SimulatorModule {
  const enterprises = new Map<string, EnterpriseFacts>();
  const reset = () => {
    enterprises.clear();
    for (const e of opts.seed ?? []) enterprises.set(e.creditCode, structuredClone(e));
  };
  reset();

  const protocol = express.Router();
  protocol.get('/enterprises/:creditCode', (req, res) => {
    const facts = enterprises.get(req.params.creditCode);
    if (facts) res.json(facts);
    else notFound(res, req.params.creditCode);
  });

  const control = express.Router();
  control.put('/enterprises/:creditCode', (req, res) => {
    const { params, body } = PutEnterprise.parse({ params: req.params, body: req.body as unknown });
    const facts: EnterpriseFacts = { creditCode: params.creditCode, ...body };
    const created = !enterprises.has(params.creditCode);
    enterprises.set(params.creditCode, facts);
    res.status(created ? 201 : 200).json(facts);
  });
  control.get('/enterprises/:creditCode', (req, res) => {
    const facts = enterprises.get(req.params.creditCode);
    if (facts) res.json(facts);
    else notFound(res, req.params.creditCode);
  });
  control.delete('/enterprises/:creditCode', (req, res) => {
    if (enterprises.delete(req.params.creditCode)) res.status(204).end();
    else notFound(res, req.params.creditCode);
  });

  return { name: 'registry', protocol, control, reset };
}
