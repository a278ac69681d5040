import { z } from 'zod';
import {
  objectCount,
  podSetReference,
  podPhase,
  podReference,
  seconds,
} from '../../assessments/format/cluster-check-fields.js';
import { readPodFacts, type PodFacts } from '../kubernetes/pod-facts.js';
import { defineClusterCheckKind } from './check-kind.js';
import { runPodPhaseOnSet } from './pod-set-phase.js';
import { kindsOfObjectSet } from './object-set.js';
import {
  collectRunningEvidence,
  describeMissingPod,
  diagnoseFollowedPod,
  followPod,
} from './followed-pod.js';

/**
 * The Pod reaches `phase` within the timeout, optionally with a Pod IP and a node. The timeout
 * counts from when the grader started following the Pod, so checks sharing it do not add up.
 * With `pods` instead of `pod`, the Pods of a set (by label selector or owner, as a Deployment's
 * Pods have no fixed names): every member, and at least one, in `phase` at the same moment.
 */
export const podPhaseCheckKind = defineClusterCheckKind({
  kind: 'pod-phase',
  failureModes: ['object-absent', 'timeout', 'wrong-phase'],
  fields: {
    /** One Pod by name, followed by the run's watch on it. */
    pod: podReference.optional(),
    /** Or the Pods of a set: all of them (at least one) reach the phase together. */
    pods: podSetReference.optional(),
    /** With `pods`: how many Pods the set must hold at that moment (at least one by default). */
    count: objectCount.optional(),
    phase: podPhase,
    require: z.array(z.enum(['podIP', 'nodeName'])).default([]),
    timeoutSeconds: seconds.default(60),
  },
  refine: (object) =>
    object
      .refine((check) => (check.pod === undefined) !== (check.pods === undefined), {
        message: 'Give either pod (one Pod by name) or pods (a set of Pods)',
      })
      .refine((check) => check.count === undefined || check.pods !== undefined, {
        message: 'count goes with pods (a set of Pods)',
        path: ['count'],
      }),
  longestWaitSeconds: (check) => check.timeoutSeconds,
  observes: (check) =>
    check.pods === undefined ? [] : kindsOfObjectSet({ ...check.pods, kind: 'Pod' }),
  run: async (check, context) => {
    if (check.pod === undefined) {
      return runPodPhaseOnSet({ ...check, pods: check.pods ?? { kind: 'Pod' } }, context);
    }
    const observer = await followPod(check.pod, context);
    const deadline = new Date(observer.followingSince.getTime() + check.timeoutSeconds * 1000);
    if (check.phase === 'Running') {
      context.onWaiting?.({
        action: 'pod-running',
        pod: observer.name,
        namespace: observer.namespace,
        deadline,
      });
    }
    const reached = (): PodFacts | undefined => {
      const pod = observer.current();
      if (pod === undefined) return undefined;
      const facts = readPodFacts(pod);
      const complete = check.require.every((field) => facts[field] !== undefined);
      return facts.phase === check.phase && complete ? facts : undefined;
    };
    let facts = await observer.waitFor(reached, deadline, context.signal);
    if (facts === undefined) {
      await observer.confirm();
      facts = reached();
    }
    if (facts !== undefined) {
      if (facts.uid !== undefined && check.phase === 'Running') observer.pin(facts.uid);
      await collectRunningEvidence(observer, context);
      return {
        outcome: 'passed',
        explanation: describeReached(facts, check.phase),
        details: {
          phase: facts.phase,
          podIP: facts.podIP ?? null,
          nodeName: facts.nodeName ?? null,
          uid: facts.uid ?? null,
        },
      };
    }

    const current = observer.current();
    if (current === undefined) {
      return {
        outcome: 'failed',
        failureMode: 'object-absent',
        explanation: `after ${check.timeoutSeconds} s, ${describeMissingPod(observer)}`,
      };
    }
    const pod = readPodFacts(current);
    const details = {
      phase: pod.phase ?? null,
      podIP: pod.podIP ?? null,
      nodeName: pod.nodeName ?? null,
      uid: pod.uid ?? null,
    };
    if (pod.phase === check.phase) {
      const missing = check.require.filter((field) => pod[field] === undefined);
      return {
        outcome: 'failed',
        failureMode: 'timeout',
        explanation: `Pod ${observer.name} is ${check.phase} but has no ${missing.join(' and ')} after ${check.timeoutSeconds} s`,
        details,
      };
    }
    const diagnosis = await diagnoseFollowedPod(observer, pod, context);
    return {
      outcome: 'failed',
      failureMode: pod.phase === 'Pending' ? 'timeout' : 'wrong-phase',
      explanation: `after ${check.timeoutSeconds} s, Pod ${observer.name} was still ${pod.phase ?? 'without a phase'}, not ${check.phase}: ${diagnosis}`,
      details: { ...details, diagnosis },
    };
  },
});
export type PodPhaseCheck = z.output<typeof podPhaseCheckKind.schema>;

function describeReached(facts: PodFacts, phase: string): string {
  const where = [
    facts.nodeName === undefined ? undefined : `on node ${facts.nodeName}`,
    facts.podIP === undefined ? undefined : `with Pod IP ${facts.podIP}`,
  ].filter(Boolean);
  return `Pod ${facts.name ?? ''} is ${phase}${where.length > 0 ? ` ${where.join(' ')}` : ''}`;
}
