import { z } from 'zod';
import { checkOutcomes } from '../grading/attempt-grade.js';
import type { StoredAttempt } from './attempt-repository.js';
import { attemptOutcomeShape } from './attempt-outcome.js';

const instant = z.iso.datetime();

/** One attempt in GET /v1/attempts: what a list needs, without per-check results. */
export const attemptSummarySchema = z.object({
  id: z.uuid(),
  ...attemptOutcomeShape,
  /** Stable code of why it is not gradable (CLUSTER_NOT_READABLE, KUBECONFIG_REJECTED...). */
  notGradableCode: z.string().nullable(),
  receivedAt: instant,
  finishedAt: instant.nullable(),
  /** Where the whole attempt is read: GET /v1/attempts/{id}. */
  href: z.string(),
});
export type AttemptSummary = z.infer<typeof attemptSummarySchema>;

/** The public JSON shape of an attempt: what GET /v1/attempts/:id answers. */
export const attemptViewSchema = z.object({
  id: z.uuid(),
  ...attemptOutcomeShape,
  /** The attempt asked to be graded without a cluster: its cluster checks were skipped. */
  gradeWithoutCluster: z.boolean(),
  notGradableReason: z.string().nullable(),
  /** Stable code of why it is not gradable (CLUSTER_NOT_READABLE, KUBECONFIG_REJECTED...). */
  notGradableCode: z.string().nullable(),
  /**
   * What the learner should do now, while grading waits on them: for first-pod, once the
   * running moment is recorded, `{ action: 'delete-pod', pod, namespace, until }`.
   */
  nextStep: z
    .object({
      action: z.literal('delete-pod'),
      pod: z.string(),
      namespace: z.string(),
      until: instant,
    })
    .nullable(),
  receivedAt: instant,
  startedAt: instant.nullable(),
  finishedAt: instant.nullable(),
  /** While queued: 1 = the next attempt a worker takes; null otherwise (or when unknown). */
  queuePosition: z.number().int().positive().nullable(),
  checks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      outcome: z.enum(checkOutcomes),
      points: z.number(),
      maxPoints: z.number(),
      message: z.string(),
      hint: z.string().nullable(),
    }),
  ),
  quiz: z.array(
    z.object({
      questionId: z.string(),
      points: z.number(),
      maxPoints: z.number(),
      matchedConcepts: z.array(z.string()),
      /**
       * What the rubric says about this answer (its feedback for a correct, partial or wrong
       * answer) and what the grader found; null for answers graded before it was kept.
       */
      feedback: z.string().nullable(),
    }),
  ),
});
export type AttemptView = z.infer<typeof attemptViewSchema>;

export function toAttemptView(
  attempt: StoredAttempt,
  queue: { position?: number } = {},
): AttemptView {
  return {
    id: attempt.id,
    assessmentId: attempt.assessmentId,
    assessmentVersion: attempt.assessmentVersion,
    learnerId: attempt.learnerId,
    courseId: attempt.courseId,
    status: attempt.status,
    gradeWithoutCluster: attempt.gradeWithoutCluster,
    score: attempt.score,
    maxScore: attempt.maxScore,
    passed: attempt.passed,
    notGradableReason: attempt.notGradableReason,
    notGradableCode: attempt.notGradableCode,
    nextStep:
      attempt.status === 'running' && attempt.nextStep !== null
        ? { ...attempt.nextStep, until: attempt.nextStep.until.toISOString() }
        : null,
    receivedAt: attempt.receivedAt.toISOString(),
    startedAt: attempt.startedAt?.toISOString() ?? null,
    finishedAt: attempt.finishedAt?.toISOString() ?? null,
    queuePosition: attempt.status === 'queued' ? (queue.position ?? null) : null,
    checks: attempt.checks.map((check) => ({
      id: check.id,
      title: check.title,
      outcome: check.outcome,
      points: check.points,
      maxPoints: check.maxPoints,
      message: check.message,
      hint: check.hint,
    })),
    quiz: attempt.quiz.map((answer) => ({
      questionId: answer.questionId,
      points: answer.points,
      maxPoints: answer.maxPoints,
      matchedConcepts: answer.matchedConcepts,
      feedback: answer.feedback,
    })),
  };
}

/** The fields of an attempt that GET /v1/attempts lists. */
export type AttemptSummarySource = Pick<
  StoredAttempt,
  | 'id'
  | 'assessmentId'
  | 'assessmentVersion'
  | 'learnerId'
  | 'courseId'
  | 'status'
  | 'score'
  | 'maxScore'
  | 'passed'
  | 'notGradableCode'
  | 'receivedAt'
  | 'finishedAt'
>;

export function toAttemptSummary(attempt: AttemptSummarySource): AttemptSummary {
  return {
    id: attempt.id,
    assessmentId: attempt.assessmentId,
    assessmentVersion: attempt.assessmentVersion,
    learnerId: attempt.learnerId,
    courseId: attempt.courseId,
    status: attempt.status,
    score: attempt.score,
    maxScore: attempt.maxScore,
    passed: attempt.passed,
    notGradableCode: attempt.notGradableCode,
    receivedAt: attempt.receivedAt.toISOString(),
    finishedAt: attempt.finishedAt?.toISOString() ?? null,
    href: `/v1/attempts/${attempt.id}`,
  };
}
