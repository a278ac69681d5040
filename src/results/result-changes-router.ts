import { Router } from 'express';
import { z } from 'zod';
import { parseBody } from '../http/parse-body.js';
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

  router.post('/attempts/:id/overrides', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) {
      throw new AppError('ATTEMPT_NOT_FOUND', 'No attempt with this id.', { id: req.params.id });
    }
    const body = parseBody(overrideRequestSchema, req.body);
    const stored = await overrideResult(deps, { attemptId: id.data, ...body });
    res.status(201).json({
      override: { ...stored.override, createdAt: stored.override.createdAt.toISOString() },
      score: stored.score,
      passed: stored.passed,
      resultVersion: stored.version,
    });
  });

  router.get('/attempts/:id/result-versions', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id);
    if (!id.success) {
      throw new AppError('ATTEMPT_NOT_FOUND', 'No attempt with this id.', { id: req.params.id });
    }
    const [versions, overrides] = await Promise.all([
      deps.results.listVersions(id.data),
      deps.results.listOverrides(id.data),
    ]);
    res.json({ versions, overrides });
  });

  router.post('/regrades', async (req, res) => {
    const body = parseBody(regradeRequestSchema, req.body);
    const report = await regradeAttempts(deps, {
      assessmentId: body.assessmentId,
      dryRun: body.dryRun,
      actor: body.actor,
      ...(body.courseId === undefined ? {} : { courseId: body.courseId }),
    });
    res.status(body.dryRun ? 200 : 201).json(report);
  });

  return router;
}
