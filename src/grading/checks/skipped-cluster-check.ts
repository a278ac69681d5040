import type { CheckBase } from '../../assessments/format/check-base.js';
import type { CheckGrade } from '../attempt-grade.js';

/**
 * The result of a cluster check in an attempt that asked to be graded without a cluster
 * (`gradeWithoutCluster`). The check is not run. It scores 0 and stays in the maximum: the
 * learner (or their LMS) chose not to show the cluster part, so the score says how much of the
 * lesson was shown, and it means the same as any other attempt's score. It is not `error`: the
 * grader was not prevented from looking, so nothing is retried and the attempt is graded.
 */
export function skippedClusterCheck(check: CheckBase): CheckGrade {
  return {
    id: check.id,
    title: check.title,
    outcome: 'skipped',
    points: 0,
    maxPoints: check.points,
    message:
      'Skipped: this attempt was submitted to be graded without a cluster, so this check of your cluster was not run and scores 0.',
    details: { reason: 'GRADED_WITHOUT_CLUSTER', kind: check.kind },
  };
}
