import { Router } from 'express';
import { z } from 'zod';
import { principalOf, requireScope } from '../http/authentication.js';
import { parseBody } from '../http/parse-body.js';
import { readAttempt } from '../attempts/read-attempt.js';
import { AppError } from '../errors/app-error.js';
import { overrideResult, type OverrideResultDependencies } from './override-result.js';
import { regradeAttempts, type RegradeAttemptsDependencies } from './regrade-attempts.js';

const overrideRequestSchema = z.strictObject({
  target: z.enum(['check', 'quiz']),
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

export type ResultChangesRouterDependencies = OverrideResultDependencies &
  RegradeAttemptsDependencies;

/**
 * Instructors' changes to results: POST /v1/attempts/:id/overrides and POST /v1/regrades.
 * Thin: parse, call the use case, answer.
 */
export function createResultChangesRouter(deps: ResultChangesRouterDependencies): Router {
  const router = Router();

  router.post('/attempts/:id/overrides', requireScope('results:write'), async (req, res) => {
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

  router.get('/attempts/:id/result-versions', requireScope('results:read'), async (req, res) => {
    const { tenantId } = principalOf(res);
    const attempt = await readAttempt(deps, { tenantId, attemptId: String(req.params.id) });
    const [versions, overrides] = await Promise.all([
      deps.results.listVersions(attempt.id),
      deps.results.listOverrides(attempt.id),
    ]);
    res.json({ versions, overrides });
  });

  router.post('/regrades', requireScope('assessments:admin'), async (req, res) => {
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
