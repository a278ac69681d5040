import type { AssessmentFile } from './format/assessment-file.js';
import { checkKindOf } from '../grading/checks/check-kind-registry.js';

/** A loaded, validated rubric version, as the grader and the API use it. */
export interface Assessment extends AssessmentFile {
  /** sha256 (hex) of the assessment.yaml bytes: tells two edits of the same version apart. */
  contentHash: string;
  /** The YAML as written: stored with the version, so it stays gradable after a newer one. */
  source: string;
  /** Sum of all check and quiz points. */
  maxScore: number;
}

/** Whether a check of this (built-in) kind looks at the learner's cluster. */
export function isClusterCheckKind(kind: string): boolean {
  return checkKindOf(kind).readsCluster;
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
 * (every check's longest wait, as its kind's module says, added up; the real wait is usually
 * far shorter). A worker's job time limit should exceed it, divided by the grading time scale.
 */
export function longestClusterWaitSeconds(assessment: Pick<AssessmentFile, 'checks'>): number {
  return assessment.checks.reduce(
    (total, check) => total + checkKindOf(check.kind).longestWaitSeconds(check),
    0,
  );
}
