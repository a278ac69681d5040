import type { AssessmentInputs } from '../../assessments/format/assessment-inputs.js';
import type { ClusterReader } from '../cluster-reader.js';
import type { GradingClock } from '../grading-clock.js';
import type { EvidenceItem } from '../attempt-grade.js';
import type { OnGradingWait } from '../grading-wait.js';
import type { SubmittedManifest } from '../manifest/submitted-manifest.js';
import type { ClusterObservations } from '../observation/cluster-observations.js';

/**
 * Everything a check runner may use; runners get nothing else (no logger, no database).
 * It names no check type, so check kinds (which are typed from their runners) can depend on it.
 */
export interface CheckContext {
  /** What the rubric as a whole says that a diagnosis may use. */
  rubric: {
    inputs: AssessmentInputs;
    /** The image the rubric expects per container name (from the checks' `expect` blocks). */
    expectedImages: ReadonlyMap<string, string>;
  };
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
