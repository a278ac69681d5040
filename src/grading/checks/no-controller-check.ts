import type { z } from 'zod';
import { podReference } from '../../assessments/format/cluster-check-fields.js';
import {
  explainControllers,
  findPodControllers,
  hasControllers,
} from '../diagnosis/describe-controllers.js';
import { readPodFacts } from '../kubernetes/pod-facts.js';
import { defineClusterCheckKind } from './check-kind.js';
import { describeMissingPod, followPod } from './followed-pod.js';

/**
 * A bare Pod: no `ownerReferences`, and no ReplicaSet or Deployment in the namespace whose
 * selector matches the Pod's labels (which would adopt or shadow it).
 */
export const noControllerCheckKind = defineClusterCheckKind({
  kind: 'no-controller',
  failureModes: ['object-absent', 'has-controller'],
  fields: {
    pod: podReference,
  },
  run: async (check, context) => {
    const observer = await followPod(check.pod, context);
    const uid = observer.trackedUid();
    const object = observer.current() ?? (uid === undefined ? undefined : observer.lastSeen(uid));
    if (object === undefined) {
      return {
        outcome: 'failed',
        failureMode: 'object-absent',
        explanation: `${describeMissingPod(observer)}, so the grader cannot tell whether it is a bare Pod`,
      };
    }
    const pod = readPodFacts(object);
    const { replicaSets, deployments } = await context.observations.controllers(observer.namespace);
    const controllers = findPodControllers({ pod, replicaSets, deployments });
    if (hasControllers(controllers)) {
      return {
        outcome: 'failed',
        failureMode: 'has-controller',
        explanation: explainControllers(controllers, pod.name) ?? 'the Pod has a controller',
        details: { ...controllers },
      };
    }
    const labels = Object.entries(pod.labels)
      .map(([key, value]) => `${key}=${value}`)
      .join(',');
    return {
      outcome: 'passed',
      explanation: `Pod ${pod.name ?? ''} has no owner and no ReplicaSet or Deployment selects its labels${labels ? ` (${labels})` : ''}: nothing will recreate it`,
      details: { ...controllers },
    };
  },
});
export type NoControllerCheck = z.output<typeof noControllerCheckKind.schema>;
