import { createPublicKey, type KeyObject } from 'node:crypto';
import {
  createRemoteJWKSet,
  jwtVerify,
  SignJWT,
  type JWTHeaderParameters,
  type JWTPayload,
  type JWTVerifyOptions,
  type FlattenedJWSInput,
} from 'jose';
import { z } from 'zod';
import type { Config } from '../config';
import { ROLES, type Actor, type Caller } from '../domain/roles';
import { HttpError } from './errors';

/** The claims a token carries besides `sub`. */
const ClaimsSchema = z.object({
  sub: z.string().min(1),
  role: z.enum(ROLES),
  org: z.string().min(1).optional(),
  supervisor: z.boolean().optional(),
  creditCode: z.string().optional(),
  bankCode: z.string().optional(),
});

export interface TokenService {
  verify(token: string): Promise<Caller>;
  /** Signs a token (dev mode and tests; production tokens come from the identity provider). */
  sign(actor: Actor, ttlSeconds?: number): Promise<string>;
}

const unauthorized = (message: string) => new HttpError(401, 'UNAUTHORIZED', message);

/** The key set of JWT_JWKS_URL could not be fetched (the identity provider is down or answers nonsense). */
class KeySetUnavailable extends Error {}

/** Errors of a JWKS fetch that are the identity provider's fault, not the token's. */
const FETCH_FAILURES = new Set(['ERR_JWKS_TIMEOUT', 'ERR_JOSE_GENERIC', 'ERR_JWKS_INVALID']);

/** Why a token was refused, in the words of the 401's message. */
function refusal(err: unknown): string {
  const { code, claim, reason } = err as { code?: string; claim?: string; reason?: string };
  if (code === 'ERR_JWT_EXPIRED')
    return claim === 'iat' ? 'token is older than the longest accepted token age' : 'token has expired';
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') {
    if (reason === 'missing') return `token lacks the "${claim}" claim`;
    if (claim === 'aud') return 'token is meant for another audience';
    if (claim === 'iss') return 'token is from another issuer';
    if (claim === 'iat') return 'token is issued in the future';
    if (claim === 'nbf') return 'token is not valid yet';
  }
  if (code === 'ERR_JWKS_NO_MATCHING_KEY')
    return "token is signed with a key the identity provider's key set lacks";
  return 'token is invalid';
}

type TokenAuth = Pick<Config['auth'], 'secret' | 'publicKey' | 'jwksUrl' | 'issuer' | 'audience'> &
  Partial<Pick<Config['auth'], 'maxAgeSeconds' | 'clockToleranceSeconds' | 'jwksCooldownSeconds'>>;

/**
 * Verifies bearer tokens: signed by JWT_SECRET (HS256), JWT_PUBLIC_KEY, or a key of the identity provider's
 * JWKS (JWT_JWKS_URL: cached, fetched again when a token names an unknown key id, so the provider can rotate
 * its keys), from the configured issuer, for one of the configured audiences, with `exp` and `iat`, no older
 * than the maximum token age, and within the clock tolerance.
 */
export function createTokenService(auth: TokenAuth): TokenService {
  const secret = auth.secret ? new TextEncoder().encode(auth.secret) : undefined;
  const publicKey: KeyObject | undefined = auth.publicKey ? createPublicKey(auth.publicKey) : undefined;
  const remote = auth.jwksUrl
    ? createRemoteJWKSet(new URL(auth.jwksUrl), {
        cooldownDuration: (auth.jwksCooldownSeconds ?? 30) * 1000,
        timeoutDuration: 5000,
      })
    : undefined;
  const keySet = remote
    ? (header: JWTHeaderParameters, input: FlattenedJWSInput) =>
        remote(header, input).catch((err: unknown) => {
          const code = (err as { code?: string }).code;
          if (err instanceof TypeError || (code && FETCH_FAILURES.has(code)))
            throw new KeySetUnavailable(String(err));
          throw err;
        })
    : undefined;
  if (!keySet && !publicKey && !secret)
    throw new Error('token verification needs JWT_SECRET, JWT_PUBLIC_KEY or JWT_JWKS_URL');
  const maxAgeSeconds = auth.maxAgeSeconds ?? 12 * 3600;
  const options: JWTVerifyOptions = {
    issuer: auth.issuer,
    audience: auth.audience,
    algorithms: keySet || publicKey ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
    requiredClaims: ['exp', 'iat', 'sub'],
    maxTokenAge: maxAgeSeconds,
    clockTolerance: auth.clockToleranceSeconds ?? 30,
  };
  const check = (token: string) =>
    keySet ? jwtVerify(token, keySet, options) : jwtVerify(token, (publicKey ?? secret)!, options);

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await check(token));
      } catch (err) {
        if (err instanceof KeySetUnavailable)
          throw new HttpError(
            503,
            'AUTH_UNAVAILABLE',
            "the identity provider's keys (JWT_JWKS_URL) cannot be fetched; try again",
            [],
            { 'Retry-After': '5' },
          );
        throw unauthorized(refusal(err));
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw unauthorized('token lacks required claims');
      const { sub, ...rest } = claims.data;
      return { subject: sub, ...rest };
    },
    async sign(actor, ttlSeconds = 12 * 3600) {
      if (!secret) throw new Error('signing needs JWT_SECRET');
      const { subject, ...claims } = actor;
      // Valid no longer than the verification accepts a token's age.
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setIssuer(auth.issuer)
        .setAudience(auth.audience[0]!)
        .setIssuedAt()
        .setExpirationTime(`${Math.min(ttlSeconds, maxAgeSeconds)}s`)
        .sign(secret);
    },
  };
}

/** Reads the bearer token; null when absent (public endpoints). */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match) throw unauthorized('Authorization header must be "Bearer <token>"');
  return match[1]!;
}
