import type { Server } from 'node:http';
import { createApp } from '../../api/app';
import { createTokenService } from '../../api/auth';
import type { ApiDeps } from '../../api/deps';
import { loadConfig, type Config, type DevSecrets } from '../../config';
import { createLogger } from '../../platform/logger';
import { TEST_PAYLOAD_KEYS } from './payloadKeys';
import { ApiClient } from './stack';

export interface LightApi {
  config: Config;
  client: ApiClient;
  close(): Promise<void>;
}

/**
 * The HTTP app alone, on a socket, for what is decided before any database or workflow call (tokens, the
 * codec server): no database and no Temporal behind it. `env` adds to or replaces a jwt-mode environment.
 */
export async function startLightApi(
  env: Record<string, string | undefined> = {},
  devSecrets?: DevSecrets,
): Promise<LightApi> {
  const config = loadConfig(
    {
      DATABASE_URL: 'postgresql://nobody@127.0.0.1:1/none',
      TEMPORAL_ADDRESS: '127.0.0.1:1',
      JWT_SECRET: 'a-production-like-secret-of-32-characters!',
      PAYMENT_CALLBACK_SECRET: 'x'.repeat(32),
      LINK_SECRET: 'l'.repeat(32),
      DATA_ENCRYPTION_KEY: Buffer.alloc(32, 3).toString('base64'),
      PAYLOAD_KEYS: TEST_PAYLOAD_KEYS,
      SIMULATOR_URL: 'http://127.0.0.1:1',
      ...env,
    },
    { devSecrets },
  );
  const deps = {
    config,
    tokens: createTokenService(config.auth),
    logger: createLogger('silent', 'test'),
  } as unknown as ApiDeps;
  const server: Server = await new Promise((resolve) => {
    const s = createApp(deps).listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as { port: number };
  return {
    config,
    client: new ApiClient(`http://127.0.0.1:${port}`),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
