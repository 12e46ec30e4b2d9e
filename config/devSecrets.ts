import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { newPayloadKey } from '../platform/payloadCodec';
import { loadConfig, type DevSecrets } from './index';

const FILE = 'dev-secrets.json';

/** Reads the secrets the embedded stack generated on its first start, if any. */
export function readDevSecrets(dataDir: string): DevSecrets | undefined {
  const file = path.join(path.resolve(dataDir), FILE);
  if (!fs.existsSync(file)) return undefined;
  return JSON.parse(fs.readFileSync(file, 'utf8')) as DevSecrets;
}

/** Returns the embedded stack's secrets, generating them (mode 0600) on first use. */
export function ensureDevSecrets(dataDir: string): DevSecrets {
  const existing = readDevSecrets(dataDir);
  const fresh = (n: number) => randomBytes(n).toString('base64url');
  // Secrets added in later versions are generated next to the ones a data directory already has.
  const secrets: DevSecrets = {
    pgPassword: existing?.pgPassword ?? fresh(18),
    jwtSecret: existing?.jwtSecret ?? fresh(32),
    paymentCallbackSecret: existing?.paymentCallbackSecret ?? fresh(32),
    linkSecret: existing?.linkSecret ?? fresh(32),
    dataKey: existing?.dataKey ?? fresh(32),
    payloadKeys: existing?.payloadKeys ?? newPayloadKey('dev1'),
  };
  if (existing && Object.keys(existing).length === Object.keys(secrets).length) return existing;
  fs.mkdirSync(path.resolve(dataDir), { recursive: true });
  fs.writeFileSync(path.join(path.resolve(dataDir), FILE), JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}

/**
 * Entry-point helper: the configuration of this process, with the embedded stack's secrets if present.
 * With NODE_ENV=production the development secrets file is neither read nor written.
 */
export function loadProcessConfig(
  env: NodeJS.ProcessEnv,
  options: { defaultAuthMode?: 'dev' | 'jwt'; createSecrets?: boolean } = {},
) {
  const dataDir = env.DATA_DIR || '.data';
  const devSecrets =
    env.NODE_ENV === 'production'
      ? undefined
      : options.createSecrets
        ? ensureDevSecrets(dataDir)
        : readDevSecrets(dataDir);
  return loadConfig(env, { defaultAuthMode: options.defaultAuthMode, devSecrets });
}
