import type { Assessment } from '../../assessments/assessment.js';
import type { Check } from '../../assessments/format/assessment-file.js';
import type { ClusterReader } from '../cluster-reader.js';
import type { GradingClock } from '../grading-clock.js';
import type { EvidenceItem } from '../attempt-grade.js';
import type { OnGradingWait } from '../grading-wait.js';
import type { SubmittedManifest } from '../manifest/submitted-manifest.js';
import type { ClusterObservations } from '../observation/cluster-observations.js';
import type { CheckVerdict } from './check-verdict.js';

/** Everything a check runner may use; runners get nothing else (no logger, no database). */
export interface CheckContext {
  assessment: Assessment;
  manifest: SubmittedManifest;
  /** Absent when the attempt gave no cluster access or none is wired in yet. */
  cluster?: ClusterReader;
  /** What this run has read from the cluster, shared by all checks; present with `cluster`. */
  observations?: ClusterObservations;
  /** The learner's namespace: the attempt's, else the rubric's `inputs.namespace`. */
  namespace: string;
  clock: GradingClock;
  signal?: AbortSignal;
  /** Keeps what the runner observed (objects, events, a timeline) with the attempt's result. */
  recordEvidence(item: EvidenceItem): void;
  /** Announces a wait on the learner (delete the Pod now); progress only, never grading. */
  onWaiting?: OnGradingWait;
}

export type CheckRunner<TCheck extends Check = Check> = (
  check: TCheck,
  context: CheckContext,
) => Promise<CheckVerdict>;
