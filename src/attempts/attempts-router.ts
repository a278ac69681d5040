import { Router } from 'express';
import { z } from 'zod';
import { AppError } from '../errors/app-error.js';
import { principalOf } from '../http/authentication.js';
import { documented } from '../http/openapi/route-doc.js';
import { parseBody } from '../http/parse-body.js';
import type { LinkUrls } from '../links/link-urls.js';
import { attemptRequestSchema } from './attempt-request.js';
import type { AttemptRepository } from './attempt-repository.js';
import { attemptSummarySchema, attemptViewSchema, toAttemptView } from './attempt-view.js';
import { listAttempts } from './list-attempts.js';
import { listAttemptsQuerySchema, parseListAttemptsQuery } from './list-attempts-query.js';
import { readAttempt } from './read-attempt.js';
import { submitAttempt, type SubmitAttemptDependencies } from './submit-attempt.js';

const idempotencyKeySchema = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/);

const exampleId = '3f0c1d6e-8a52-4b7e-9c1a-2d5e6f7a8b90';

/** What POST /v1/attempts answers (202). */
export const submittedAttemptSchema = z.object({
  id: z.uuid(),
  status: z.literal('queued'),
  /** Where to read the attempt: GET /v1/attempts/{id}. */
  location: z.string(),
  /** The learner's feedback page, behind a signed, expiring link. */
  feedbackUrl: z.string(),
});

export const attemptPageSchema = z.object({
  data: z.array(attemptSummarySchema),
  /** Pass as `cursor` for the next page; null on the last page. */
  nextCursor: z.string().nullable(),
});

const submitDoc = documented({
  summary: 'Submit an attempt for grading',
  description:
    'Stores the attempt and queues it; grading happens in a worker. The same Idempotency-Key ' +
    "with the same body answers the first attempt's id again (keys are per tenant).",
  tag: 'Attempts',
  access: { scope: 'attempts:write' },
  body: attemptRequestSchema,
  bodyExample: {
    assessmentId: 'first-pod',
    learnerId: 'learner-42',
    courseId: 'k8s-101',
    manifest: 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n',
    answers: { 'pending-causes': 'FailedScheduling or ImagePullBackOff' },
    gradeWithoutCluster: true,
  },
  headers: {
    'Idempotency-Key': '1-200 printable characters; a retry with it makes no new attempt.',
  },
  responses: {
    202: {
      description: 'Accepted and queued.',
      schema: submittedAttemptSchema,
      example: {
        id: exampleId,
        status: 'queued',
        location: `/v1/attempts/${exampleId}`,
        feedbackUrl: '/feedback/eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl',
      },
    },
  },
  errors: [
    'ASSESSMENT_NOT_FOUND',
    'IDEMPOTENCY_KEY_REUSED',
    'MANIFEST_INVALID_YAML',
    'MANIFEST_TOO_LARGE',
    'MANIFEST_TOO_COMPLEX',
    'ANSWER_INVALID',
    'CLUSTER_REQUIRED',
    'KUBECONFIG_REJECTED',
    'CLUSTER_ADDRESS_REFUSED',
    'INTEGRATION_URL_REFUSED',
  ],
});

const listDoc = documented({
  summary: "List the tenant's attempts",
  description:
    'Newest first (receivedAt, then id, descending). Filters combine; times select ' +
    '[receivedAfter, receivedBefore). Follow `nextCursor` with the same filters.',
  tag: 'Attempts',
  access: { scope: 'attempts:read' },
  query: listAttemptsQuerySchema,
  queryExample: { course: 'k8s-101', status: 'graded', limit: '50' },
  responses: {
    200: {
      description: 'One page of attempts.',
      schema: attemptPageSchema,
      example: {
        data: [
          {
            id: exampleId,
            assessmentId: 'first-pod',
            assessmentVersion: '2.1.0',
            learnerId: 'learner-42',
            courseId: 'k8s-101',
            status: 'graded',
            score: 8,
            maxScore: 10,
            passed: true,
            notGradableCode: null,
            receivedAt: '2026-11-29T10:00:00.000Z',
            finishedAt: '2026-11-29T10:01:30.000Z',
            href: `/v1/attempts/${exampleId}`,
          },
        ],
        nextCursor: null,
      },
    },
  },
  errors: ['QUERY_INVALID', 'CURSOR_INVALID'],
});

const readDoc = documented({
  summary: 'Read one attempt: status, score, checks, quiz feedback, next step',
  tag: 'Attempts',
  access: { scope: 'results:read' },
  params: { id: "The attempt's id; another tenant's id answers 404 like a missing one." },
  responses: {
    200: {
      description: 'The attempt as it stands.',
      schema: attemptViewSchema.extend({ feedbackUrl: z.string() }),
      example: {
        id: exampleId,
        assessmentId: 'first-pod',
        assessmentVersion: '2.1.0',
        learnerId: 'learner-42',
        courseId: 'k8s-101',
        status: 'graded',
        gradeWithoutCluster: false,
        score: 8,
        maxScore: 10,
        passed: true,
        notGradableReason: null,
        notGradableCode: null,
        nextStep: null,
        receivedAt: '2026-11-29T10:00:00.000Z',
        startedAt: '2026-11-29T10:00:01.000Z',
        finishedAt: '2026-11-29T10:01:30.000Z',
        queuePosition: null,
        checks: [
          {
            id: 'kind-pod',
            title: 'The manifest is a Pod',
            outcome: 'passed',
            points: 2,
            maxPoints: 2,
            message: 'The object is a Pod.',
            hint: null,
          },
        ],
        quiz: [
          {
            questionId: 'pending-causes',
            points: 2,
            maxPoints: 4,
            matchedConcepts: ['cannot-be-scheduled'],
            feedback: 'One of the two usual causes is there.',
          },
        ],
        feedbackUrl: '/feedback/eyJhbGciOiJIUzI1NiJ9.e30.c2lnbmF0dXJl',
      },
    },
  },
  errors: ['ATTEMPT_NOT_FOUND'],
});

export function createAttemptsRouter(
  deps: SubmitAttemptDependencies & {
    attempts: AttemptRepository;
    linkUrls: LinkUrls;
    /** Where a queued attempt's job stands in the waiting list (1 = next); optional. */
    queuePosition?: (attemptId: string) => Promise<number | undefined>;
    /** Called once per newly created attempt (not for idempotent replays). */
    onAttemptSubmitted?: () => void;
  },
): Router {
  const router = Router();

  router.post('/', submitDoc, async (req, res) => {
    const request = parseBody(attemptRequestSchema, req.body);
    const idempotencyKey = readIdempotencyKey(req.get('Idempotency-Key'));
    const { tenantId } = principalOf(res);
    const submitted = await submitAttempt(deps, { tenantId, request, idempotencyKey });
    if (submitted.created) deps.onAttemptSubmitted?.();
    const feedback = await deps.linkUrls.feedback(submitted.id);
    res
      .status(202)
      .location(`/v1/attempts/${submitted.id}`)
      .json({
        id: submitted.id,
        status: 'queued',
        location: `/v1/attempts/${submitted.id}`,
        feedbackUrl: feedback.url,
      });
  });

  router.get('/', listDoc, async (req, res) => {
    const query = parseListAttemptsQuery({ ...req.query });
    res.json(await listAttempts(deps, { tenantId: principalOf(res).tenantId, query }));
  });

  router.get('/:id', readDoc, async (req, res) => {
    const { tenantId } = principalOf(res);
    const attempt = await readAttempt(deps, { tenantId, attemptId: String(req.params.id) });
    const position =
      attempt.status === 'queued' && deps.queuePosition !== undefined
        ? await deps.queuePosition(attempt.id).catch(() => undefined)
        : undefined;
    const feedback = await deps.linkUrls.feedback(attempt.id);
    res.json({
      ...toAttemptView(attempt, position === undefined ? {} : { position }),
      feedbackUrl: feedback.url,
    });
  });

  return router;
}

function readIdempotencyKey(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  const parsed = idempotencyKeySchema.safeParse(header);
  if (!parsed.success) {
    throw new AppError('VALIDATION_FAILED', 'Idempotency-Key must be 1-200 printable characters.', {
      header: 'Idempotency-Key',
    });
  }
  return parsed.data;
}
