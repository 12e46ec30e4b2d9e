import { LinkError, signedLinks } from '../../platform/signedLinks';
import { z } from 'zod';
import { HttpError, conflict } from '../errors';
import type { ApiDeps } from '../deps';
import { defineRoute } from '../route';
import { Fen, Text } from '../schemas';

const TokenParam = z.object({ token: z.string().min(20).max(2000) });
const SurveyBody = z.object({
  rdProgress: Text(4000),
  claimsFiled: z.number().int().min(0).max(10_000),
  claimsPaidFen: Fen,
  loansObtainedFen: Fen,
  comment: z.string().trim().max(4000).default(''),
});

/** The survey a signed e-mail link points to; the link is the only credential. */
async function surveyOf(deps: ApiDeps, token: string) {
  let applicationId: string;
  let round: number;
  try {
    const payload = await signedLinks(deps.config.linkSecret).verify('survey', token);
    applicationId = payload.sub;
    round = Number(payload.round);
  } catch (err) {
    if (!(err instanceof LinkError)) throw err;
    const { expired } = err;
    throw new HttpError(
      401,
      expired ? 'LINK_EXPIRED' : 'LINK_INVALID',
      expired ? 'this survey link has expired' : 'this survey link is not valid',
    );
  }
  const survey = await deps.db.survey.findUnique({
    where: { applicationId_round: { applicationId, round } },
  });
  if (!survey) throw new HttpError(401, 'LINK_INVALID', 'this survey link is not valid');
  const app = await deps.db.application.findUniqueOrThrow({
    where: { id: applicationId },
    include: { enterprise: { select: { name: true } } },
  });
  return { survey, app };
}

export const surveyRoutes = [
  defineRoute({
    method: 'get',
    path: '/api/v1/surveys/{token}',
    summary: 'A follow-up survey from its e-mailed link',
    tag: 'surveys',
    response: z.object({
      applicationId: z.string(),
      enterpriseName: z.string(),
      track: z.string(),
      round: z.number().int(),
      answered: z.boolean(),
      questions: z.array(z.string()),
    }),
    access: 'public',
    params: TokenParam,
    async handler({ params, deps }) {
      const { survey, app } = await surveyOf(deps, params.token);
      return {
        body: {
          applicationId: app.id,
          enterpriseName: app.enterprise.name,
          track: app.track,
          round: survey.round,
          answered: survey.answeredAt !== null,
          questions: ['rdProgress', 'claimsFiled', 'claimsPaidFen', 'loansObtainedFen', 'comment'],
        },
      };
    },
  }),
  defineRoute({
    method: 'post',
    path: '/api/v1/surveys/{token}',
    summary: 'Answer a follow-up survey (once)',
    tag: 'surveys',
    access: 'public',
    rateLimited: true,
    params: TokenParam,
    body: SurveyBody,
    errors: [409],
    async handler({ params, body, deps }) {
      const { survey } = await surveyOf(deps, params.token);
      const { count } = await deps.db.survey.updateMany({
        where: { applicationId: survey.applicationId, round: survey.round, answeredAt: null },
        data: {
          answeredAt: new Date(),
          rdProgress: body.rdProgress,
          claimsFiled: body.claimsFiled,
          claimsPaidFen: BigInt(body.claimsPaidFen),
          loansObtainedFen: BigInt(body.loansObtainedFen),
          comment: body.comment,
        },
      });
      if (count === 0) throw conflict('ALREADY_ANSWERED', 'this survey has already been answered');
      return {
        status: 201,
        body: { applicationId: survey.applicationId, round: survey.round, answered: true },
      };
    },
  }),
];
