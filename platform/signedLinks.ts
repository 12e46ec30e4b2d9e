import { errors as joseErrors, jwtVerify, SignJWT, type JWTPayload } from 'jose';

/**
 * Links sent by e-mail carry no bearer token: the link is the credential. They are JWTs signed with HS256 and
 * LINK_SECRET, with an audience per kind of link (so one kind is never accepted as another) and an expiry,
 * the scheme of the follow-up survey links.
 */
export class LinkError extends Error {
  constructor(readonly expired: boolean) {
    super(expired ? 'the link has expired' : 'the link is not valid');
  }
}

export interface SignedLinks {
  /** A token for `subject` with extra `claims`, valid for `validDays`. */
  sign(
    audience: string,
    subject: string,
    claims: Record<string, string | number>,
    validDays: number,
  ): Promise<string>;
  /** The token's claims; LinkError when it is forged, of another audience, malformed or expired. */
  verify(audience: string, token: string): Promise<JWTPayload & { sub: string }>;
}

export function signedLinks(linkSecret: string): SignedLinks {
  const secret = new TextEncoder().encode(linkSecret);
  return {
    sign: (audience, subject, claims, validDays) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject(subject)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(`${validDays}d`)
        .sign(secret),
    async verify(audience, token) {
      try {
        const { payload } = await jwtVerify(token, secret, { audience, algorithms: ['HS256'] });
        if (typeof payload.sub !== 'string' || !payload.sub) throw new LinkError(false);
        return payload as JWTPayload & { sub: string };
      } catch (err) {
        if (err instanceof LinkError) throw err;
        throw new LinkError(err instanceof joseErrors.JWTExpired);
      }
    },
  };
}

/**
 * The e-mailed link to an application's follow-up survey: the console's survey page with a signed token.
 * Made where the e-mail is rendered, so the token never enters a workflow's history.
 */
export function surveyLink(
  links: SignedLinks,
  publicBaseUrl: string,
  applicationId: string,
  round: number,
  validDays: number,
): Promise<string> {
  return links
    .sign('survey', applicationId, { round }, validDays)
    .then((token) => `${publicBaseUrl}/#/surveys/${token}`);
}
