import type { AssessmentFile } from './format/assessment-file.js';
import { clusterCheckKinds, type ClusterCheckKind } from './format/cluster-checks.js';

/** A loaded, validated rubric version, as the grader and the API use it. */
export interface Assessment extends AssessmentFile {
  /** sha256 (hex) of the assessment.yaml bytes: tells two edits of the same version apart. */
  contentHash: string;
  /** The YAML as written: stored with the version, so it stays gradable after a newer one. */
  source: string;
  /** Sum of all check and quiz points. */
  maxScore: number;
}

export function isClusterCheckKind(kind: string): kind is ClusterCheckKind {
  return (clusterCheckKinds as readonly string[]).includes(kind);
}

/** Whether grading this assessment needs access to the learner's cluster. */
export function requiresCluster(assessment: Pick<AssessmentFile, 'checks'>): boolean {
  return assessment.checks.some((check) => isClusterCheckKind(check.kind));
}

export function computeMaxScore(file: Pick<AssessmentFile, 'checks' | 'quiz'>): number {
  const total = [...file.checks, ...file.quiz].reduce((sum, item) => sum + item.points, 0);
  return roundToHundredths(total);
}

/** Scores are stored with two decimals; rounding here keeps 0.1 + 0.2 from becoming 0.30000000000000004. */
export function roundToHundredths(value: number): number {
  return Math.round(value * 100) / 100;
}

/**
 * An upper bound, in cluster seconds, on how long grading may wait on the learner's cluster
 * (every check's timeouts and windows added up; the real wait is usually far shorter). A
 * worker's job time limit should exceed it, divided by the grading time scale.
 */
export function longestClusterWaitSeconds(assessment: Pick<AssessmentFile, 'checks'>): number {
  return assessment.checks.reduce((total, check) => {
    switch (check.kind) {
      case 'pod-phase':
      case 'eventually':
      case 'logs-contain':
        return total + check.timeoutSeconds;
      case 'stable':
        return total + check.durationSeconds;
      case 'timeline':
        return (
          total +
          check.timeoutSeconds +
          (check.deleted === undefined
            ? 0
            : check.deleted.waitForDeletionSeconds + check.deleted.notRecreatedWithinSeconds)
        );
      default:
        return total;
    }
  }, 0);
}
