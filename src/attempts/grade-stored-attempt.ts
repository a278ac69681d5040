import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { gradeAttempt } from '../grading/grade-attempt.js';
import type { CheckGrade } from '../grading/attempt-grade.js';
import type { GradingClock } from '../grading/grading-clock.js';
import type { LearnerClusterConnection } from '../cluster/connect-learner-cluster.js';
import type { Logger } from '../logging/logger.js';
import type { AttemptRepository } from './attempt-repository.js';
import type { ClusterAccessRequest } from './attempt-request.js';

export interface GradeStoredAttemptDependencies {
  attempts: AttemptRepository;
  catalog: AssessmentCatalog;
  openClusterAccess: (sealed: Uint8Array) => ClusterAccessRequest;
  /** Builds a client for this attempt's cluster only (vetted kubeconfig, guarded address). */
  connectCluster?: (
    access: ClusterAccessRequest,
    options: { allowInsecureTls: boolean; signal: AbortSignal },
  ) => Promise<LearnerClusterConnection>;
  clock?: GradingClock;
  logger: Logger;
  now?: () => Date;
}

export interface GradeStoredAttemptOptions {
  attemptId: string;
  /** On the last try, what still cannot be looked at makes the attempt not gradable. */
  isLastTry: boolean;
  signal: AbortSignal;
}

export type GradeStoredAttemptResult =
  | { status: 'graded'; score: number; maxScore: number }
  | { status: 'not_gradable'; reason: string }
  | { status: 'already_finished' }
  | { status: 'attempt_missing' };

/** The grader could not look at something; trying again later may succeed. */
export class GradingRetryableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GradingRetryableError';
  }
}

/**
 * Grades one stored attempt and stores the outcome. Safe to run again for the same attempt:
 * finished attempts are left alone and a re-run replaces a crashed run's partial rows.
 */
export async function gradeStoredAttempt(
  deps: GradeStoredAttemptDependencies,
  { attemptId, isLastTry, signal }: GradeStoredAttemptOptions,
): Promise<GradeStoredAttemptResult> {
  const now = deps.now ?? (() => new Date());
  const attempt = await deps.attempts.find(attemptId);
  if (!attempt) return { status: 'attempt_missing' };
  if (attempt.status === 'graded' || attempt.status === 'not_gradable') {
    return { status: 'already_finished' };
  }

  const assessment = deps.catalog.get(attempt.assessmentId, attempt.assessmentVersion);
  if (!assessment) {
    const reason = `Assessment ${attempt.assessmentId} version ${attempt.assessmentVersion} is no longer available to the grader.`;
    await deps.attempts.markNotGradable(attemptId, reason, now());
    return { status: 'not_gradable', reason };
  }
  if (!(await deps.attempts.markRunning(attemptId, now()))) return { status: 'already_finished' };

  const sealed = await deps.attempts.readClusterSecret(attemptId);
  const cluster =
    sealed && deps.connectCluster
      ? await deps.connectCluster(deps.openClusterAccess(sealed), {
          allowInsecureTls: assessment.inputs.allowInsecureTls,
          signal,
        })
      : undefined;
  // Progress rows are written in order, one at a time; a failed write costs only the display.
  let progress = Promise.resolve();
  let position = 0;
  const showProgress = (check: CheckGrade) => {
    const at = position++;
    progress = progress
      .then(() => deps.attempts.recordCheckProgress(attemptId, check, at))
      .catch((error: unknown) =>
        deps.logger.warn({ err: error, checkId: check.id }, 'could not record progress'),
      );
  };
  let grade;
  try {
    grade = await gradeAttempt({
      assessment,
      submission: { manifest: attempt.manifest, answers: attempt.answers },
      ...(cluster ? { cluster: cluster.reader, namespace: cluster.namespace } : {}),
      ...(deps.clock ? { clock: deps.clock } : {}),
      signal,
      onCheckGraded: showProgress,
    });
  } finally {
    cluster?.close();
    await progress;
  }
  // A run that outlived its time limit has been given up on: its result must not be stored.
  signal.throwIfAborted();
  const unlooked = grade.checks.filter((check) => check.outcome === 'error');
  if (unlooked.length === 0) {
    await deps.attempts.saveGrade(attemptId, grade, now());
    return { status: 'graded', score: grade.score, maxScore: grade.maxScore };
  }
  const reason = unlooked.map((check) => `${check.id}: ${check.message}`).join('; ');
  if (!isLastTry) throw new GradingRetryableError(`could not grade every check: ${reason}`);
  await deps.attempts.saveGrade(attemptId, grade, now(), { notGradableReason: reason });
  return { status: 'not_gradable', reason };
}
