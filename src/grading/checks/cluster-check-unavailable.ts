import type { ClusterReader } from '../cluster-reader.js';
import type { ClusterObservations } from '../observation/cluster-observations.js';
import type { CheckContext } from './check-context.js';
import type { CheckVerdict } from './check-verdict.js';

/** The context of a cluster check that has a cluster to look at. */
export interface ClusterCheckContext extends CheckContext {
  cluster: ClusterReader;
  observations: ClusterObservations;
}

/**
 * Wraps a cluster check runner: without cluster access the outcome is `error`
 * (CLUSTER_NOT_PROVIDED), never `failed`, so the learner loses nothing for it.
 */
export function requiringCluster<TCheck, Mode extends string>(
  kind: string,
  runner: (check: TCheck, context: ClusterCheckContext) => Promise<CheckVerdict<Mode>>,
): (check: TCheck, context: CheckContext) => Promise<CheckVerdict<Mode>> {
  return async (check, context) => {
    const { cluster, observations } = context;
    if (cluster === undefined || observations === undefined) return clusterNotProvided(kind);
    return runner(check, { ...context, cluster, observations });
  };
}

function clusterNotProvided(kind: string): CheckVerdict<never> {
  return {
    outcome: 'error',
    reason: 'CLUSTER_NOT_PROVIDED',
    explanation:
      'the cluster was not available to the grader, so this check could not be run; it does not count against you',
    details: { reason: 'CLUSTER_NOT_PROVIDED', kind },
  };
}
