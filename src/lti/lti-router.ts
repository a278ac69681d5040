import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { principalOf, requireScope } from '../http/authentication.js';
import { documented } from '../http/openapi/route-doc.js';
import { parseBody } from '../http/parse-body.js';
import type { IntegrationOutbound } from '../integrations/integration-url.js';
import { toOutboundTryView } from '../integrations/outbound-try.js';
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

const platformViewSchema = z.object({
  id: z.uuid(),
  issuer: z.string(),
  clientId: z.string(),
  deploymentId: z.string(),
  tokenEndpoint: z.string(),
  platformJwksUrl: z.string(),
  tokenAudience: z.string().nullable(),
  /** Where the platform fetches the tool's public keys. */
  toolJwksPath: z.string(),
});

const registrationExample = {
  issuer: 'https://canvas.example.edu',
  clientId: '10000000000042',
  deploymentId: '7:8865aa05b4b79b64a91a86042e43af5ea8ae79eb',
  tokenEndpoint: 'https://canvas.example.edu/login/oauth2/token',
  platformJwksUrl: 'https://canvas.example.edu/api/lti/security/jwks',
};

const platformExample = {
  id: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  ...registrationExample,
  tokenAudience: null,
  toolJwksPath: '/.well-known/jwks.json',
};

const scorePostViewSchema = z.object({
  id: z.uuid(),
  attemptId: z.uuid(),
  lineItemUrl: z.string(),
  userId: z.string(),
  gradingProgress: z.string(),
  scoreGiven: z.number().nullable(),
  scoreMaximum: z.number().nullable(),
  status: z.enum(scorePostStatuses),
  tries: z.number().int(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  timestamp: z.iso.datetime().nullable(),
  nextTryAt: z.iso.datetime().nullable(),
  sentAt: z.iso.datetime().nullable(),
  createdAt: z.iso.datetime(),
  log: z.array(z.object({ try: z.number().int(), succeeded: z.boolean() }).loose()).optional(),
});

const scorePostExample = {
  id: '1d2c3b4a-5f6e-4d7c-8b9a-0f1e2d3c4b5a',
  attemptId: '3f0c1d6e-8a52-4b7e-9c1a-2d5e6f7a8b90',
  lineItemUrl: 'https://canvas.example.edu/api/lti/courses/1/line_items/2',
  userId: 'a6d5c443-1f51-4783-ba1a-7686ffe3b54a',
  gradingProgress: 'FullyGraded',
  scoreGiven: 18,
  scoreMaximum: 20,
  status: 'sent',
  tries: 1,
  lastStatusCode: 200,
  lastError: null,
  timestamp: '2026-11-29T10:01:30.000Z',
  nextTryAt: null,
  sentAt: '2026-11-29T10:01:31.000Z',
  createdAt: '2026-11-29T10:01:30.000Z',
};

const lti = { tag: 'LTI', access: { scope: 'assessments:admin' } } as const;

const registerDoc = documented({
  ...lti,
  summary: "Register (or replace) the tenant's LTI 1.3 platform",
  body: ltiPlatformRegistrationSchema,
  bodyExample: registrationExample,
  responses: {
    200: { description: 'The registration.', schema: platformViewSchema, example: platformExample },
  },
  errors: ['INTEGRATION_URL_REFUSED'],
});

const readPlatformDoc = documented({
  ...lti,
  summary: "The tenant's LTI platform registration",
  responses: {
    200: { description: 'The registration.', schema: platformViewSchema, example: platformExample },
  },
  errors: ['LTI_PLATFORM_NOT_REGISTERED'],
});

const deletePlatformDoc = documented({
  ...lti,
  summary: "Remove the tenant's LTI platform registration",
  responses: { 204: { description: 'Removed.' } },
  errors: ['LTI_PLATFORM_NOT_REGISTERED'],
});

const listPostsDoc = documented({
  ...lti,
  summary: 'The grade passback log (scores posted to line items), newest first',
  query: listScorePostsQuerySchema,
  queryExample: { status: 'failed' },
  responses: {
    200: {
      description: 'Score posts with their outcome.',
      schema: z.object({ data: z.array(scorePostViewSchema) }),
      example: { data: [scorePostExample] },
    },
  },
  errors: ['VALIDATION_FAILED'],
});

const readPostDoc = documented({
  ...lti,
  summary: 'One score post with each of its tries',
  params: { id: "The score post's id." },
  responses: {
    200: { description: 'The score post.', schema: scorePostViewSchema, example: scorePostExample },
  },
  errors: ['NOT_FOUND'],
});

/** /v1/lti: the tenant's platform registration and the passback log; scope `assessments:admin`. */
export function createLtiRouter(deps: LtiRouterDependencies): Router {
  const router = Router();
  router.use(requireScope('assessments:admin'));

  router.put('/platform', registerDoc, async (req, res) => {
    const registration = parseBody(ltiPlatformRegistrationSchema, req.body);
    const platform = await registerLtiPlatform(deps, {
      tenantId: principalOf(res).tenantId,
      registration,
    });
    res.json(platformView(platform));
  });

  router.get('/platform', readPlatformDoc, async (_req, res) => {
    const platform = await deps.lti.findPlatform(principalOf(res).tenantId);
    if (!platform) throw notRegistered();
    res.json(platformView(platform));
  });

  router.delete('/platform', deletePlatformDoc, async (_req, res) => {
    if (!(await deps.lti.deletePlatform(principalOf(res).tenantId))) throw notRegistered();
    res.status(204).end();
  });

  router.get('/score-posts', listPostsDoc, async (req, res) => {
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

  router.get('/score-posts/:id', readPostDoc, async (req, res) => {
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
    ...(post.log ? { log: post.log.map(toOutboundTryView) } : {}),
  };
}
