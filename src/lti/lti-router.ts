import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { principalOf, requireScope } from '../http/authentication.js';
import { parseBody } from '../http/parse-body.js';
import type { IntegrationOutbound } from '../integrations/integration-url.js';
import { ltiPlatformRegistrationSchema } from './lti-platform.js';
import { scorePostStatuses, type LtiRepository, type ScorePostRecord } from './lti-repository.js';
import { registerLtiPlatform } from './register-lti-platform.js';

export interface LtiRouterDependencies {
  lti: LtiRepository;
  outbound: IntegrationOutbound;
}

export const listScorePostsQuerySchema = z.strictObject({
  attemptId: z.uuid().optional(),
  status: z.enum(scorePostStatuses).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});

/** /v1/lti: the tenant's platform registration and the passback log; scope `assessments:admin`. */
export function createLtiRouter(deps: LtiRouterDependencies): Router {
  const router = Router();
  router.use(requireScope('assessments:admin'));

  router.put('/platform', async (req, res) => {
    const registration = parseBody(ltiPlatformRegistrationSchema, req.body);
    const platform = await registerLtiPlatform(deps, {
      tenantId: principalOf(res).tenantId,
      registration,
    });
    res.json(platformView(platform));
  });

  router.get('/platform', async (_req, res) => {
    const platform = await deps.lti.findPlatform(principalOf(res).tenantId);
    if (!platform) throw notRegistered();
    res.json(platformView(platform));
  });

  router.delete('/platform', async (_req, res) => {
    if (!(await deps.lti.deletePlatform(principalOf(res).tenantId))) throw notRegistered();
    res.status(204).end();
  });

  router.get('/score-posts', async (req, res) => {
    const query = listScorePostsQuerySchema.safeParse(req.query);
    if (!query.success) {
      throw new AppError('VALIDATION_FAILED', 'The query is not valid.', {
        issues: query.error.issues.map((issue) => ({
          path: issue.path.map(String).join('.'),
          message: issue.message,
        })),
      });
    }
    const posts = await deps.lti.listPosts(principalOf(res).tenantId, query.data);
    res.json({ data: posts.map(scorePostView) });
  });

  router.get('/score-posts/:id', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    const post = id.success ? await deps.lti.findPost(principalOf(res).tenantId, id.data) : null;
    if (!post)
      throw new AppError('NOT_FOUND', 'No score post with this id.', { id: req.params.id });
    res.json(scorePostView(post));
  });

  return router;
}

function notRegistered(): AppError {
  return new AppError('LTI_PLATFORM_NOT_REGISTERED', 'This tenant has no LTI platform registered.');
}

function platformView(platform: { id: string } & z.infer<typeof ltiPlatformRegistrationSchema>) {
  return {
    id: platform.id,
    issuer: platform.issuer,
    clientId: platform.clientId,
    deploymentId: platform.deploymentId,
    tokenEndpoint: platform.tokenEndpoint,
    platformJwksUrl: platform.platformJwksUrl,
    tokenAudience: platform.tokenAudience ?? null,
    toolJwksPath: '/.well-known/jwks.json',
  };
}

function scorePostView(post: ScorePostRecord) {
  return {
    id: post.id,
    attemptId: post.attemptId,
    lineItemUrl: post.lineItemUrl,
    userId: post.userId,
    gradingProgress: post.gradingProgress,
    scoreGiven: post.scoreGiven,
    scoreMaximum: post.scoreMaximum,
    status: post.status,
    tries: post.tries,
    lastStatusCode: post.lastStatusCode,
    lastError: post.lastError,
    timestamp: post.scoreTimestamp?.toISOString() ?? null,
    nextTryAt: post.nextTryAt?.toISOString() ?? null,
    sentAt: post.sentAt?.toISOString() ?? null,
    createdAt: post.createdAt.toISOString(),
    ...(post.log
      ? {
          log: post.log.map((entry) => ({
            try: entry.number,
            startedAt: entry.startedAt.toISOString(),
            durationMs: entry.durationMs,
            statusCode: entry.statusCode,
            error: entry.error,
            succeeded: entry.succeeded,
          })),
        }
      : {}),
  };
}
