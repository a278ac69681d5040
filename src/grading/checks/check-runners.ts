import type { Check, CheckKind } from '../../assessments/format/assessment-file.js';
import type { CheckRunner } from './check-context.js';
import { runClusterAbsentCheck } from './cluster-absent-check.js';
import { runClusterObjectCheck } from './cluster-object-check.js';
import { runEventuallyCheck } from './eventually-check.js';
import { runLogsContainCheck } from './logs-contain-check.js';
import { runManifestCheck } from './manifest-check.js';
import { runNoControllerCheck } from './no-controller-check.js';
import { runPodPhaseCheck } from './pod-phase-check.js';
import { runStableCheck } from './stable-check.js';
import { runTimelineCheck } from './timeline-check.js';

type RunnerByKind = { [Kind in CheckKind]: CheckRunner<Extract<Check, { kind: Kind }>> };

/** The runner of each check kind. A new kind fails to compile until it has a runner here. */
export const checkRunners: RunnerByKind = {
  manifest: runManifestCheck,
  'cluster-object': runClusterObjectCheck,
  'cluster-absent': runClusterAbsentCheck,
  eventually: runEventuallyCheck,
  stable: runStableCheck,
  'pod-phase': runPodPhaseCheck,
  'no-controller': runNoControllerCheck,
  timeline: runTimelineCheck,
  'logs-contain': runLogsContainCheck,
};

export function runnerFor<TCheck extends Check>(check: TCheck): CheckRunner<TCheck> {
  // Indexing by a union key loses the link between kind and runner; the map's type guarantees it.
  return checkRunners[check.kind] as CheckRunner<TCheck>;
}
