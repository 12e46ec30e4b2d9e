import express, {
  type ErrorRequestHandler,
  type Express,
  type RequestHandler,
  type Response,
  type Router,
} from 'express';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { z } from 'zod';
import { behaviourBody, behaviourRoutes, onlyInMode } from './behaviourRoutes';
import { createInsurerSim } from './insurerSim';
import { createPaymentSim } from './paymentSim';
import { createRegistrySim } from './registrySim';
import { SEED_ENTERPRISES, SEED_POLICIES } from './seed';

/**
 * How a simulated service misbehaves, and the routes that switch it. The host runs `gate` before every
 * protocol call and serves `routes` under `/sim/{name}`.
 */
export interface BehaviourControl {
  /** Runs before each protocol call: counts it, and may answer in the protocol's place. */
  gate: RequestHandler;
  /** At least `GET` and `PUT /behaviour`. */
  routes: Router;
  /** Back to the initial behaviour. */
  reset(): void;
}

/**
 * One simulated outside service. The host serves `protocol` under `/{name}` behind the switchable
 * failure behaviour, and `control` plus `/behaviour` under `/sim/{name}`, never affected by it.
 */
export interface SimulatorModule {
  /** One URL segment, e.g. `registry`; the system's base URL for the service is `{simulator}/{name}`. */
  name: string;
  /** The service's own protocol, as the system calls it. */
  protocol: Router;
  /** Routes that set up and inspect the in-memory state (tests, demos). */
  control: Router;
  /** Back to the initial (seeded) state. */
  reset(): void;
  /** The module's own failure switch; without it, the host's normal/unavailable/timeout/flaky one. */
  behaviour?: BehaviourControl;
}

export const BEHAVIOUR_MODES = ['normal', 'unavailable', 'timeout', 'flaky'] as const;
export type BehaviourMode = (typeof BEHAVIOUR_MODES)[number];

/** How a simulated service currently answers its protocol calls. */
export interface Behaviour {
  mode: BehaviourMode;
  /** Calls still to fail in mode flaky; 0 otherwise. */
  failCount: number;
  /** Wait before each protocol answer. */
  delayMs: number;
  /** Protocol calls received since the behaviour was last set, failed ones included. */
  calls: number;
}

/** Long enough that any client timeout fires first. */
const DEFAULT_TIMEOUT_DELAY_MS = 30_000;

const BehaviourBody = behaviourBody(BEHAVIOUR_MODES, {}).superRefine((b, ctx) =>
  onlyInMode(b, ctx, 'failCount', 'flaky'),
);

const normalBehaviour = (): Behaviour => ({ mode: 'normal', failCount: 0, delayMs: 0, calls: 0 });

function sendError(res: Response, status: number, code: string, message: string, details: unknown[] = []) {
  res.status(status).json({ error: { code, message, details } });
}

/** Resolves true after `ms`, or false as soon as the client hangs up (nobody is left to answer). */
function pause(ms: number, res: Response): Promise<boolean> {
  return new Promise((resolve) => {
    const onClose = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      res.off('close', onClose);
      resolve(true);
    }, ms);
    res.once('close', onClose);
  });
}

function misbehave(name: string, behaviour: Behaviour): RequestHandler {
  return async (_req, res, next) => {
    behaviour.calls += 1;
    // Decided on arrival, so concurrent calls use up a flaky budget in a predictable order.
    let fail = behaviour.mode === 'unavailable';
    if (behaviour.mode === 'flaky') {
      fail = true;
      behaviour.failCount -= 1;
      if (behaviour.failCount <= 0) Object.assign(behaviour, { mode: 'normal', failCount: 0 });
    }
    if (behaviour.delayMs > 0 && !(await pause(behaviour.delayMs, res))) return;
    if (fail) {
      sendError(res, 503, 'UNAVAILABLE', `${name} is unavailable (simulated)`);
      return;
    }
    next();
  };
}

/** The host's failure switch: modes normal, unavailable, timeout and flaky. */
function standardBehaviour(name: string): BehaviourControl {
  const behaviour = normalBehaviour();
  return {
    gate: misbehave(name, behaviour),
    routes: behaviourRoutes(behaviour, BehaviourBody, (body): Behaviour => ({
      mode: body.mode,
      failCount: body.mode === 'flaky' ? (body.failCount ?? 1) : 0,
      delayMs: body.delayMs ?? (body.mode === 'timeout' ? DEFAULT_TIMEOUT_DELAY_MS : 0),
      calls: 0,
    })),
    reset: () => Object.assign(behaviour, normalBehaviour()),
  };
}

const handleErrors: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
  if (res.headersSent) return;
  if (err instanceof z.ZodError) {
    // Modules parse `{ params, body }` together, so issue paths read `body.staff`, `params.creditCode`.
    const details = err.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));
    sendError(res, 400, 'VALIDATION_FAILED', `invalid ${details.map((d) => d.path).join(', ')}`, details);
    return;
  }
  const bodyError = err as { type?: string; status?: number } | null;
  if (bodyError?.type === 'entity.parse.failed') {
    sendError(res, 400, 'INVALID_JSON', 'request body is not valid JSON');
  } else if (bodyError?.type === 'entity.too.large') {
    sendError(res, 413, 'PAYLOAD_TOO_LARGE', 'request body is too large');
  } else if (bodyError?.status && bodyError.status >= 400 && bodyError.status < 500) {
    sendError(res, bodyError.status, 'BAD_REQUEST', 'request could not be read');
  } else {
    console.error('simulator: unhandled error', err);
    sendError(res, 500, 'INTERNAL', 'internal error');
  }
};

const unknownRoute: RequestHandler = (req, res) => {
  sendError(res, 404, 'NOT_FOUND', `no route for ${req.method} ${req.path}`);
};

/**
 * The simulators' app from any list of modules (a new simulator is one more module). `reset` (also
 * `POST /sim/reset`) restores every module's initial state and every behaviour to its initial one.
 */
export function buildSimulatorApp(modules: readonly SimulatorModule[]): { app: Express; reset(): void } {
  const names = new Set(modules.map((m) => m.name));
  if (names.size !== modules.length) throw new Error('simulator module names must be unique');

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  const behaviours = modules.map((m) => {
    const behaviour = m.behaviour ?? standardBehaviour(m.name);
    app.use(`/sim/${m.name}`, behaviour.routes, m.control);
    app.use(`/${m.name}`, behaviour.gate, m.protocol);
    return behaviour;
  });
  const reset = () => {
    for (const m of modules) m.reset();
    for (const b of behaviours) b.reset();
  };
  app.post('/sim/reset', (_req, res) => {
    reset();
    res.status(204).end();
  });
  app.use(unknownRoute);
  app.use(handleErrors);
  return { app, reset };
}

/** What the standard simulators are made with. */
export interface SimulatorOptions {
  /** Seed the demo enterprises and policies (default true). */
  seed?: boolean;
  /** HMAC key that signs the payment callbacks; random when absent (nobody can then verify them). */
  paymentCallbackSecret?: string;
}

/** The simulator modules the system talks to: registry, insurer and payment gateway. */
export function simulatorModules(opts: SimulatorOptions = {}): SimulatorModule[] {
  const seed = opts.seed ?? true;
  return [
    createRegistrySim({ seed: seed ? SEED_ENTERPRISES : [] }),
    createInsurerSim({ seed: seed ? SEED_POLICIES : [] }),
    createPaymentSim({ callbackSecret: opts.paymentCallbackSecret ?? randomBytes(32).toString('hex') }),
  ];
}

/** The app of every simulator (registry, insurer, payment), seeded unless `seed: false`. */
export function createSimulatorApp(opts: SimulatorOptions = {}): { app: Express; reset(): void } {
  return buildSimulatorApp(simulatorModules(opts));
}

/**
 * Listens on `host:port` (port 0 picks a free one, reported in `url`); `close` drops open connections
 * and stops pending work (payment settlements and callbacks).
 */
export async function startSimulators(
  opts: SimulatorOptions & { port: number; host?: string },
): Promise<{ url: string; reset(): void; close(): Promise<void> }> {
  const host = opts.host ?? '127.0.0.1';
  const simulators = createSimulatorApp({
    seed: opts.seed,
    paymentCallbackSecret: opts.paymentCallbackSecret,
  });
  const server = createServer(simulators.app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${urlHost}:${port}`,
    reset: () => simulators.reset(),
    async close() {
      // Resetting cancels the timers and callbacks still pending, which would outlive the server.
      simulators.reset();
      await new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        // A simulated timeout holds its connection for up to delayMs; nobody waits for it on shutdown.
        server.closeAllConnections();
      });
    },
  };
}
