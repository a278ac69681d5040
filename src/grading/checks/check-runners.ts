import type { Check, CheckKind } from '../../assessments/format/assessment-file.js';
import type { CheckRunner } from './check-context.js';
import { reportClusterCheckUnavailable } from './cluster-check-unavailable.js';
import { runManifestCheck } from './manifest-check.js';

type RunnerByKind = { [Kind in CheckKind]: CheckRunner<Extract<Check, { kind: Kind }>> };

/** The runner of each check kind. A new kind fails to compile until it has a runner here. */
export const checkRunners: RunnerByKind = {
  manifest: runManifestCheck,
  'cluster-object': reportClusterCheckUnavailable,
  'cluster-absent': reportClusterCheckUnavailable,
  eventually: reportClusterCheckUnavailable,
  stable: reportClusterCheckUnavailable,
  'pod-phase': reportClusterCheckUnavailable,
  'no-controller': reportClusterCheckUnavailable,
  timeline: reportClusterCheckUnavailable,
  'logs-contain': reportClusterCheckUnavailable,
};

export function runnerFor<TCheck extends Check>(check: TCheck): CheckRunner<TCheck> {
  // Indexing by a union key loses the link between kind and runner; the map's type guarantees it.
  return checkRunners[check.kind] as CheckRunner<TCheck>;
}
