import { z } from 'zod';
import { podPhase, podReference, seconds } from '../../assessments/format/cluster-check-fields.js';
import { nonEmptyText } from '../../assessments/format/identifiers.js';
import { defineClusterCheckKind } from './check-kind.js';
import { followPod } from './followed-pod.js';
import { judgeDeletedNotRecreated } from './timeline-deletion.js';
import { judgePhasesInOrder } from './timeline-phases.js';

/**
 * What happened over time, from the grader's watch: the Pod went through `phasesInOrder`
 * (within `timeoutSeconds` of the grader starting to follow it); then (with `deleted`) the Pod
 * the grader saw, known by uid, is deleted within `waitForDeletionSeconds`, and no Pod with the
 * same name or matching `replacementSelector` appears within `notRecreatedWithinSeconds` of the
 * deletion. A Pod the grader never saw can never pass the deletion part.
 */
export const timelineCheckKind = defineClusterCheckKind({
  kind: 'timeline',
  failureModes: [
    'never-seen',
    'phases-out-of-order',
    'object-present',
    'has-controller',
    'recreated',
  ],
  fields: {
    pod: podReference,
    phasesInOrder: z.array(podPhase).min(1).optional(),
    deleted: z
      .strictObject({
        /** How long the grader waits for the learner's deletion once it has seen the Pod. */
        waitForDeletionSeconds: seconds.default(300),
        notRecreatedWithinSeconds: seconds,
        /** Also count as a replacement any Pod matching this label selector (e.g. "app=web"). */
        replacementSelector: nonEmptyText.optional(),
        /** Also fail when the Pod had an owner, or a ReplicaSet/Deployment selects its labels. */
        requireNoOwnerReferences: z.boolean().default(true),
      })
      .optional(),
    timeoutSeconds: seconds.default(120),
  },
  refine: (object) =>
    object.refine((check) => check.phasesInOrder !== undefined || check.deleted !== undefined, {
      message: 'A timeline check needs phasesInOrder, deleted, or both',
    }),
  longestWaitSeconds: (check) =>
    check.timeoutSeconds +
    (check.deleted === undefined
      ? 0
      : check.deleted.waitForDeletionSeconds + check.deleted.notRecreatedWithinSeconds),
  run: async (check, context) => {
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
  },
});
export type TimelineCheck = z.output<typeof timelineCheckKind.schema>;
