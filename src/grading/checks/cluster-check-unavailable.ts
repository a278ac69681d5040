import type { Check } from '../../assessments/format/assessment-file.js';
import type { CheckRunner } from './check-context.js';

/**
 * Stands in for every cluster check kind until their runners land. Either way the outcome is
 * `error` (the grader could not look), never `failed`: the learner loses nothing for it.
 */
export const reportClusterCheckUnavailable: CheckRunner<Check> = async (check, { cluster }) => {
  if (cluster === undefined) {
    return {
      outcome: 'error',
      reason: 'CLUSTER_NOT_PROVIDED',
      explanation:
        'the cluster was not available to the grader, so this check could not be run; it does not count against you',
      details: { reason: 'CLUSTER_NOT_PROVIDED', kind: check.kind },
    };
  }
  return {
    outcome: 'error',
    reason: 'CHECK_KIND_NOT_IMPLEMENTED',
    explanation: `this grader cannot run "${check.kind}" checks yet, so this check could not be run; it does not count against you`,
    details: { reason: 'CHECK_KIND_NOT_IMPLEMENTED', kind: check.kind },
  };
};
