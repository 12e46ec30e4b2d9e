import { createPublicKey, type KeyObject } from 'node:crypto';
import { jwtVerify, SignJWT, type JWTPayload } from 'jose';
import { z } from 'zod';
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

export function createTokenService(auth: {
  secret?: string;
  publicKey?: string;
  issuer: string;
}): TokenService {
  const secret = auth.secret ? new TextEncoder().encode(auth.secret) : undefined;
  const publicKey: KeyObject | undefined = auth.publicKey ? createPublicKey(auth.publicKey) : undefined;
  const verifyKey = publicKey ?? secret;
  if (!verifyKey) throw new Error('token verification needs JWT_SECRET or JWT_PUBLIC_KEY');

  return {
    async verify(token) {
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, verifyKey, {
          issuer: auth.issuer,
          algorithms: publicKey ? ['RS256', 'ES256', 'EdDSA'] : ['HS256'],
        }));
      } catch (err) {
        const code = (err as { code?: string }).code;
        throw unauthorized(code === 'ERR_JWT_EXPIRED' ? 'token has expired' : 'token is invalid');
      }
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw unauthorized('token lacks required claims');
      const { sub, ...rest } = claims.data;
      return { subject: sub, ...rest };
    },
    async sign(actor, ttlSeconds = 12 * 3600) {
      if (!secret) throw new Error('signing needs JWT_SECRET');
      const { subject, ...claims } = actor;
      return new SignJWT({ ...claims })
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setIssuer(auth.issuer)
        .setIssuedAt()
        .setExpirationTime(`${ttlSeconds}s`)
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
