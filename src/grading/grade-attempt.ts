import { roundToHundredths, type Assessment } from '../assessments/assessment.js';
import type { AttemptGrade, AttemptSubmission, CheckGrade, EvidenceItem } from './attempt-grade.js';
import type { CheckContext } from './checks/check-context.js';
import { checkKindOf, readsCluster, type CheckKinds } from './checks/check-kind-registry.js';
import { skippedClusterCheck } from './checks/skipped-cluster-check.js';
import { expectedImagesOf } from './diagnosis/expected-images.js';
import type { ClusterReader } from './cluster-reader.js';
import { systemClock, type GradingClock } from './grading-clock.js';
import type { OnGradingWait } from './grading-wait.js';
import { readSubmittedManifest, type SubmittedManifest } from './manifest/submitted-manifest.js';
import {
  ClusterObservations,
  type ClusterObservationsOptions,
} from './observation/cluster-observations.js';
import { gradeQuiz } from './quiz/grade-quiz.js';
import { runCheck } from './run-check.js';

export interface GradeAttemptOptions {
  assessment: Assessment;
  submission: AttemptSubmission;
  /** The learner's cluster; without it cluster checks end as `error` (CLUSTER_NOT_PROVIDED). */
  cluster?: ClusterReader;
  /** The learner's namespace (from their cluster access); the rubric's `inputs.namespace` if absent. */
  namespace?: string;
  /** Every wait (watches, stability windows) runs on this clock; tests and demos scale it. */
  clock?: GradingClock;
  /** Aborting stops grading between checks (and inside waits) with the signal's reason. */
  signal?: AbortSignal;
  /** Called as each check is graded, in order (progress for a command line, logs). */
  onCheckGraded?: (check: CheckGrade) => void;
  /** Before a long wait on the cluster: may end the run with GradingParked (see JournalSession). */
  park?: ClusterObservationsOptions['park'];
  /** Told when grading starts waiting for the learner to act (delete the Pod). */
  onAwaiting?: ClusterObservationsOptions['onAwaiting'];
  /**
   * Progress: every wait of the run as it starts (the Pod to run, the learner to delete it, the
   * stability window), for a command line's countdown. Never changes the grading.
   */
  onWaiting?: OnGradingWait;
  /** The check kinds the rubric was loaded with, when not only the built-in ones. */
  checkKinds?: CheckKinds;
}

/**
 * Grades one attempt against its rubric: every check in order, then the quiz. A check the grader
 * could not run scores 0 with outcome `error`; the caller decides whether to retry or to report
 * the attempt as not gradable. `passed` compares the score with passingScore × maxScore.
 *
 * Cluster checks share one ClusterObservations for the run: the Pod is read once and watched
 * once for the whole attempt (running moment, then deleted moment), so the attempt costs the
 * learner's API server a handful of requests, recorded as `cluster-requests` evidence.
 */
export async function gradeAttempt({
  assessment,
  submission,
  cluster,
  namespace,
  clock = systemClock,
  signal,
  onCheckGraded,
  park,
  onAwaiting,
  onWaiting,
  checkKinds,
}: GradeAttemptOptions): Promise<AttemptGrade> {
  const manifest = readSubmittedManifest(submission.manifest);
  const evidence: EvidenceItem[] = [manifestEvidence(manifest)];
  // The learner's action (delete the Pod) is announced once, through both hooks.
  const announceAwaiting: ClusterObservationsOptions['onAwaiting'] =
    onAwaiting === undefined && onWaiting === undefined
      ? undefined
      : (awaiting) => {
          onAwaiting?.(awaiting);
          onWaiting?.(awaiting);
        };
  const observations =
    cluster === undefined
      ? undefined
      : new ClusterObservations({
          reader: cluster,
          clock,
          ...(signal === undefined ? {} : { signal }),
          ...(park === undefined ? {} : { park }),
          ...(announceAwaiting === undefined ? {} : { onAwaiting: announceAwaiting }),
        });
  const context: CheckContext = {
    rubric: { inputs: assessment.inputs, expectedImages: expectedImagesOf(assessment) },
    manifest,
    clock,
    namespace: namespace ?? assessment.inputs.namespace,
    recordEvidence: (item) => evidence.push(item),
    ...(cluster === undefined ? {} : { cluster }),
    ...(observations === undefined ? {} : { observations }),
    ...(signal === undefined ? {} : { signal }),
    ...(onWaiting === undefined ? {} : { onWaiting }),
  };

  const checks: CheckGrade[] = [];
  try {
    if (observations !== undefined && submission.gradeWithoutCluster !== true) {
      await observations.observeFromStart(
        assessment.checks.flatMap((check) =>
          checkKindOf(check.kind, checkKinds)
            .observes(check)
            .map((observed) => ({
              kind: observed.kind,
              namespace: observed.namespace ?? context.namespace,
            })),
        ),
      );
    }
    for (const check of assessment.checks) {
      signal?.throwIfAborted();
      const grade =
        submission.gradeWithoutCluster === true && readsCluster(check, checkKinds)
          ? skippedClusterCheck(check)
          : await runCheck(check, context, checkKinds);
      checks.push(grade);
      onCheckGraded?.(grade);
    }
  } finally {
    await observations?.close();
  }
  if (observations !== undefined) evidence.push(...(await observations.evidence()));
  const requests = cluster?.requests?.summary();
  if (requests !== undefined) evidence.push({ kind: 'cluster-requests', data: requests });
  const quiz = gradeQuiz({ questions: assessment.quiz, answers: submission.answers });

  const score = roundToHundredths([...checks, ...quiz].reduce((sum, item) => sum + item.points, 0));
  const maxScore = assessment.maxScore;
  // Compared in hundredths, like the stored scores, so 10.5 of 15 passes a 0.7 threshold exactly.
  const passed = Math.round(score * 100) >= Math.round(assessment.passingScore * maxScore * 100);
  return { score, maxScore, passed, checks, quiz, evidence };
}

function manifestEvidence(manifest: SubmittedManifest): EvidenceItem {
  if (manifest.status === 'parsed')
    return { kind: 'manifest', data: { documents: manifest.documents } };
  return {
    kind: 'manifest',
    data: {
      documents: [],
      error: {
        code: manifest.error.code,
        message: manifest.error.message,
        details: manifest.error.details,
      },
    },
  };
}
