import type { TimelineCheck } from '../../assessments/format/cluster-checks.js';
import { requiringCluster } from './cluster-check-unavailable.js';
import { followPod } from './followed-pod.js';
import { judgeDeletedNotRecreated } from './timeline-deletion.js';
import { judgePhasesInOrder } from './timeline-phases.js';

/**
 * What happened over time, from the run's watch on the Pod: first the phases (the running
 * moment), then the deletion and the stability window (the deleted moment). Fails at the first
 * part that fails, so a Pod that never ran does not also make the learner wait for a deletion.
 */
export const runTimelineCheck = requiringCluster<TimelineCheck>(async (check, context) => {
  const observer = await followPod(check.pod, context);
  const phasesInOrder = check.phasesInOrder;
  if (phasesInOrder !== undefined) {
    const phases = await judgePhasesInOrder({ ...check, phasesInOrder }, observer, context);
    if (phases !== undefined) return phases;
  }
  const phasesText =
    phasesInOrder === undefined ? '' : `Pod ${observer.name} went ${phasesInOrder.join(' → ')}`;
  if (check.deleted === undefined) {
    return { outcome: 'passed', explanation: phasesText };
  }
  const deletion = await judgeDeletedNotRecreated(check.deleted, observer, context);
  if (deletion.outcome !== 'passed' || phasesText === '') return deletion;
  return { ...deletion, explanation: `${phasesText}; then ${deletion.explanation ?? ''}` };
});
