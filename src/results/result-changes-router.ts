import { Router } from 'express';
import { z } from 'zod';
import { overrideTargetSchema, resultValueSchema } from './override-record.js';
import { principalOf } from '../http/authentication.js';
import { documented } from '../http/openapi/route-doc.js';
import { parseBody } from '../http/parse-body.js';
import { readAttempt } from '../attempts/read-attempt.js';
import { AppError } from '../errors/app-error.js';
import { overrideResult, type OverrideResultDependencies } from './override-result.js';
import { regradeAttempts, type RegradeAttemptsDependencies } from './regrade-attempts.js';

const overrideRequestSchema = z.strictObject({
  target: overrideTargetSchema,
  targetId: z.string().min(1).max(100),
  points: z.number().min(0).max(10_000),
  outcome: z.enum(['passed', 'failed']).optional(),
  reason: z.string().trim().min(3).max(2_000),
  /** Who is overriding (the LMS's user id for the instructor). */
  actor: z.string().trim().min(1).max(200),
});

const regradeRequestSchema = z.strictObject({
  assessmentId: z.string().min(1).max(100),
  courseId: z.string().min(1).max(200).optional(),
  dryRun: z.boolean().default(true),
  actor: z.string().trim().min(1).max(200),
});

const overrideViewSchema = z
  .object({
    id: z.uuid(),
    attemptId: z.uuid(),
    target: overrideTargetSchema,
    targetId: z.string(),
    before: resultValueSchema,
    after: resultValueSchema,
    reason: z.string(),
    actor: z.string(),
    createdAt: z.iso.datetime(),
  })
  .loose();

const overrideResponseSchema = z.object({
  override: overrideViewSchema,
  score: z.number().nullable(),
  passed: z.boolean().nullable(),
  resultVersion: z.number().int(),
});

const overrideDoc = documented({
  summary: "Override one check's or quiz answer's points (instructor)",
  description:
    'Kept in an audit trail with who, when, before, after and why; a new result version.',
  tag: 'Results',
  access: { scope: 'results:write' },
  params: { id: "The attempt's id." },
  body: overrideRequestSchema,
  bodyExample: {
    target: 'check',
    targetId: 'pod-running',
    points: 4,
    outcome: 'passed',
    reason: 'The cluster was down during the lab; checked by hand.',
    actor: 'teacher-7',
  },
  responses: {
    201: {
      description: 'The override and the score now in force.',
      schema: overrideResponseSchema,
      example: {
        override: {
          id: 'a1b2c3d4-0000-4000-8000-000000000001',
          attemptId: '3f0c1d6e-8a52-4b7e-9c1a-2d5e6f7a8b90',
          target: 'check',
          targetId: 'pod-running',
          before: { outcome: 'error', points: 0 },
          after: { outcome: 'passed', points: 4 },
          reason: 'The cluster was down during the lab; checked by hand.',
          actor: 'teacher-7',
          createdAt: '2026-11-29T12:00:00.000Z',
        },
        score: 18,
        passed: true,
        resultVersion: 2,
      },
    },
  },
  errors: ['ATTEMPT_NOT_FOUND', 'ATTEMPT_NOT_GRADED', 'OVERRIDE_TARGET_NOT_FOUND'],
});

const versionsDoc = documented({
  summary: "An attempt's result versions and override trail",
  tag: 'Results',
  access: { scope: 'results:read' },
  params: { id: "The attempt's id." },
  responses: {
    200: {
      description: 'Every grading, regrade and override, oldest first.',
      schema: z.object({
        versions: z.array(z.object({ version: z.number().int(), cause: z.string() }).loose()),
        overrides: z.array(z.object({}).loose()),
      }),
    },
  },
  errors: ['ATTEMPT_NOT_FOUND'],
});

const regradeDoc = documented({
  summary: "Regrade an assessment's graded attempts from their stored evidence",
  description:
    'A dry run (the default) reports old → new per attempt and stores nothing; `dryRun: false` ' +
    'stores each result as a new version, keeping overrides in force.',
  tag: 'Results',
  access: { scope: 'assessments:admin' },
  body: regradeRequestSchema,
  bodyExample: { assessmentId: 'first-pod', courseId: 'k8s-101', dryRun: true, actor: 'teacher-7' },
  responses: {
    200: {
      description: 'Dry run: what would change.',
      schema: z.object({
        assessmentId: z.string(),
        toVersion: z.string(),
        dryRun: z.boolean(),
        attempts: z.array(z.object({ attemptId: z.uuid(), status: z.string() }).loose()),
      }),
      example: {
        assessmentId: 'first-pod',
        toVersion: '2.2.0',
        dryRun: true,
        attempts: [
          {
            attemptId: '3f0c1d6e-8a52-4b7e-9c1a-2d5e6f7a8b90',
            learnerId: 'learner-42',
            courseId: 'k8s-101',
            fromVersion: '2.1.0',
            oldScore: 16,
            newScore: 18,
            oldPassed: true,
            newPassed: true,
            flaggedOverrides: [],
            status: 'changed',
          },
        ],
      },
    },
    201: { description: 'Applied: the same report, with `regraded` lines.' },
  },
  errors: ['ASSESSMENT_NOT_FOUND'],
});

export type ResultChangesRouterDependencies = OverrideResultDependencies &
  RegradeAttemptsDependencies;

/**
 * Instructors' changes to results: POST /v1/attempts/:id/overrides and POST /v1/regrades.
 * Thin: parse, call the use case, answer.
 */
export function createResultChangesRouter(deps: ResultChangesRouterDependencies): Router {
  const router = Router();

  router.post('/attempts/:id/overrides', overrideDoc, async (req, res) => {
    const { tenantId } = principalOf(res);
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) {
      throw new AppError('ATTEMPT_NOT_FOUND', 'No attempt with this id.', { id: req.params.id });
    }
    const body = parseBody(overrideRequestSchema, req.body);
    const stored = await overrideResult(deps, { tenantId, attemptId: id.data, ...body });
    res.status(201).json({
      override: { ...stored.override, createdAt: stored.override.createdAt.toISOString() },
      score: stored.score,
      passed: stored.passed,
      resultVersion: stored.version,
    });
  });

  router.get('/attempts/:id/result-versions', versionsDoc, async (req, res) => {
    const { tenantId } = principalOf(res);
    const attempt = await readAttempt(deps, { tenantId, attemptId: String(req.params.id) });
    const [versions, overrides] = await Promise.all([
      deps.results.listVersions(attempt.id),
      deps.results.listOverrides(attempt.id),
    ]);
    res.json({ versions, overrides });
  });

  router.post('/regrades', regradeDoc, async (req, res) => {
    const { tenantId } = principalOf(res);
    const body = parseBody(regradeRequestSchema, req.body);
    const report = await regradeAttempts(deps, {
      tenantId,
      assessmentId: body.assessmentId,
      dryRun: body.dryRun,
      actor: body.actor,
      ...(body.courseId === undefined ? {} : { courseId: body.courseId }),
    });
    res.status(body.dryRun ? 200 : 201).json(report);
  });

  return router;
}
