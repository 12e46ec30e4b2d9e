import express, { type Response } from 'express';
import { z } from 'zod';
import { CREDIT_CODE_MESSAGES, creditCodeProblem } from '../../domain/creditCode';
import type { EnterpriseFacts } from '../../domain/rules/facts';
import { EnterpriseFactsSchema, type RegistryEntry } from '../../services/registry';
import { MAX_SYNTHETIC_SEED, syntheticEnterprises } from './seed';
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
  /** The contact e-mail of the enterprise's annual report (企业年报), listed with it; absent: none known. */
  contactEmail: z.email().max(254).nullable().optional(),
});

const PutEnterprise = z.object({ params: CreditCodeParam, body: EnterpriseBody });

const ListQuery = z.object({
  query: z.object({
    cursor: z.string().min(1).max(100).optional(),
    limit: z.coerce.number().int().min(1).max(1000).default(100),
  }),
});

/** `POST /sim/registry/synthetic`: adds `count` generated enterprises (deterministic for a `seed`). */
const SyntheticBody = z.object({
  body: z.object({
    count: z.number().int().min(1).max(50_000),
    seed: z.number().int().min(0).max(MAX_SYNTHETIC_SEED).default(1),
  }),
});

/** An enterprise as the simulator keeps it: the facts, and the contact e-mail when one is known. */
type Stored = EnterpriseFacts & { contactEmail?: string | null };

function notFound(res: Response, creditCode: string): void {
  res.status(404).json({
    error: { code: 'NOT_FOUND', message: `enterprise ${creditCode} not found`, details: [] },
  });
}

/**
 * The market-regulation registry: `GET /enterprises/{creditCode}` answers EnterpriseFacts, `GET
 * /enterprises?cursor=&limit=` lists every enterprise in credit-code order, page by page (`{items, nextCursor}`,
 * each item with its `contactEmail` or null), and the control API (`PUT`/`GET`/`DELETE
 * /enterprises/{creditCode}`, `POST /synthetic`) edits what it knows.
 */
export function createRegistrySim(opts: { seed?: readonly EnterpriseFacts[] } = {}): SimulatorModule {
  const enterprises = new Map<string, Stored>();
  /** Credit codes in order, rebuilt after a change: listing 5,000 enterprises page by page stays cheap. */
  let ordered: string[] | null = null;
  const reset = () => {
    enterprises.clear();
    ordered = null;
    for (const e of opts.seed ?? []) enterprises.set(e.creditCode, structuredClone(e));
  };
  reset();

  const protocol = express.Router();
  protocol.get('/enterprises', (req, res) => {
    const { query } = ListQuery.parse({ query: req.query });
    ordered ??= [...enterprises.keys()].sort();
    const { cursor, limit } = query;
    let start = 0;
    if (cursor) {
      // The first code after the cursor (binary search: codes are sorted).
      let hi = ordered.length;
      while (start < hi) {
        const mid = (start + hi) >>> 1;
        if (ordered[mid]! <= cursor) start = mid + 1;
        else hi = mid;
      }
    }
    const codes = ordered.slice(start, start + limit);
    const items: RegistryEntry[] = codes.map((c) => ({ contactEmail: null, ...enterprises.get(c)! }));
    const more = start + limit < ordered.length;
    res.json({ items, nextCursor: more ? codes.at(-1)! : null });
  });
  protocol.get('/enterprises/:creditCode', (req, res) => {
    const facts = enterprises.get(req.params.creditCode);
    if (facts) res.json(facts);
    else notFound(res, req.params.creditCode);
  });

  const control = express.Router();
  control.put('/enterprises/:creditCode', (req, res) => {
    const { params, body } = PutEnterprise.parse({ params: req.params, body: req.body as unknown });
    const facts: Stored = { creditCode: params.creditCode, ...body };
    const created = !enterprises.has(params.creditCode);
    enterprises.set(params.creditCode, facts);
    if (created) ordered = null;
    res.status(created ? 201 : 200).json(facts);
  });
  control.post('/synthetic', (req, res) => {
    const { body } = SyntheticBody.parse({ body: req.body as unknown });
    for (const e of syntheticEnterprises(body.count, body.seed)) enterprises.set(e.creditCode, e);
    ordered = null;
    res.status(201).json({ loaded: body.count, seed: body.seed, total: enterprises.size });
  });
  control.get('/enterprises/:creditCode', (req, res) => {
    const facts = enterprises.get(req.params.creditCode);
    if (facts) res.json(facts);
    else notFound(res, req.params.creditCode);
  });
  control.delete('/enterprises/:creditCode', (req, res) => {
    if (enterprises.delete(req.params.creditCode)) {
      ordered = null;
      res.status(204).end();
    } else notFound(res, req.params.creditCode);
  });

  return { name: 'registry', protocol, control, reset };
}
