import type { StoredAttempt } from './attempt-repository.js';

/** The public JSON shape of an attempt: what GET /v1/attempts/:id answers. */
export interface AttemptView {
  id: string;
  assessmentId: string;
  assessmentVersion: string;
  learnerId: string;
  courseId: string | null;
  status: StoredAttempt['status'];
  /** The attempt asked to be graded without a cluster: its cluster checks were skipped. */
  gradeWithoutCluster: boolean;
  score: number | null;
  maxScore: number | null;
  passed: boolean | null;
  notGradableReason: string | null;
  /** Stable code of why it is not gradable (CLUSTER_NOT_READABLE, KUBECONFIG_REJECTED...). */
  notGradableCode: string | null;
  /**
   * What the learner should do now, while grading waits on them: for first-pod, once the
   * running moment is recorded, `{ action: 'delete-pod', pod, namespace, until }`.
   */
  nextStep: { action: 'delete-pod'; pod: string; namespace: string; until: string } | null;
  receivedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  /** While queued: 1 = the next attempt a worker takes; null otherwise (or when unknown). */
  queuePosition: number | null;
  checks: Array<{
    id: string;
    title: string;
    outcome: 'passed' | 'failed' | 'error' | 'skipped';
    points: number;
    maxPoints: number;
    message: string;
    hint: string | null;
  }>;
  quiz: Array<{ questionId: string; points: number; maxPoints: number; matchedConcepts: string[] }>;
}

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
    })),
  };
}
