import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import type { AttemptRepository } from '../attempts/attempt-repository.js';
import { AppError } from '../errors/app-error.js';
import type { OverrideRecord, OverrideTarget } from './override-record.js';
import type { ResultsRepository } from './results-repository.js';

export interface OverrideResultDependencies {
  catalog: AssessmentCatalog;
  results: ResultsRepository;
  attempts: AttemptRepository;
  now?: () => Date;
}

export interface OverrideResultOptions {
  /** Only this tenant's attempts can be overridden; another's answers ATTEMPT_NOT_FOUND. */
  tenantId: string;
  attemptId: string;
  target: OverrideTarget;
  targetId: string;
  points: number;
  /** For a check; by default passed at full points and failed below. */
  outcome?: 'passed' | 'failed';
  reason: string;
  actor: string;
}

/**
 * An instructor changes one check or quiz answer of a graded attempt, with a reason. The change
 * is kept in the audit trail (who, when, before, after, why) and the result in force becomes a
 * new version; the score and pass state follow.
 */
export async function overrideResult(
  deps: OverrideResultDependencies,
  options: OverrideResultOptions,
): Promise<{ override: OverrideRecord; score: number; passed: boolean; version: number }> {
  const attempt = await deps.attempts.findForTenant(options.tenantId, options.attemptId);
  if (!attempt) {
    throw new AppError('ATTEMPT_NOT_FOUND', 'No attempt with this id.', { id: options.attemptId });
  }
  const target =
    options.target === 'check'
      ? attempt.checks.find((check) => check.id === options.targetId)
      : attempt.quiz.find((answer) => answer.questionId === options.targetId);
  if (!target) {
    throw new AppError(
      'OVERRIDE_TARGET_NOT_FOUND',
      `The attempt has no ${options.target} "${options.targetId}".`,
      { target: options.target, targetId: options.targetId },
    );
  }
  if (options.points > target.maxPoints) {
    throw new AppError('VALIDATION_FAILED', `points may be at most ${target.maxPoints}.`, {
      field: 'points',
      maxPoints: target.maxPoints,
    });
  }
  const assessment =
    deps.catalog.get(attempt.assessmentId, attempt.assessmentVersion) ??
    deps.catalog.get(attempt.assessmentId);
  const passingScore = assessment?.passingScore ?? 1;
  const outcome =
    options.target === 'check'
      ? (options.outcome ?? (options.points >= target.maxPoints ? 'passed' : 'failed'))
      : undefined;
  const stored = await deps.results.applyOverride({
    attemptId: options.attemptId,
    target: options.target,
    targetId: options.targetId,
    after: { ...(outcome === undefined ? {} : { outcome }), points: options.points },
    reason: options.reason,
    actor: options.actor,
    passingScore,
    now: (deps.now ?? (() => new Date()))(),
  });
  if (stored.status === 'attempt-not-graded') {
    throw new AppError('ATTEMPT_NOT_GRADED', 'Only a graded attempt can be overridden.', {
      attemptId: options.attemptId,
    });
  }
  if (stored.status === 'target-missing') {
    throw new AppError(
      'OVERRIDE_TARGET_NOT_FOUND',
      `The attempt has no ${options.target} "${options.targetId}".`,
      {
        target: options.target,
        targetId: options.targetId,
      },
    );
  }
  return stored;
}
