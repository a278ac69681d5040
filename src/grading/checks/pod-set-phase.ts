import type {
  ObjectCount,
  ObjectSetReference,
  PodPhase,
} from '../../assessments/format/cluster-check-fields.js';
import type { KubeObject } from '../cluster-reader.js';
import { readPodFacts } from '../kubernetes/pod-facts.js';
import type { CheckVerdict } from './check-verdict.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';
import {
  countHolds,
  describeCount,
  describeMembers,
  diagnoseMember,
  observeObjectSet,
} from './object-set.js';

type Required = 'podIP' | 'nodeName';

/**
 * pod-phase over a set of Pods (found by label selector or owner, not by name): passes when, at
 * one moment from when the grader began watching the Pods until `timeoutSeconds` after the
 * check started, the set held `count` Pods (at least one by default) and every one was in
 * `phase` with the required fields. The
 * lesson is a timeline: three Pods that ran before the learner rolled out a bad image still ran.
 * A failure names the first Pod that did not get there and says why, from its status and events.
 */
export async function runPodPhaseOnSet(
  check: {
    pods: ObjectSetReference;
    count?: ObjectCount | undefined;
    phase: PodPhase;
    require: Required[];
    timeoutSeconds: number;
  },
  context: ClusterCheckContext,
): Promise<CheckVerdict<'object-absent' | 'timeout' | 'wrong-phase'>> {
  const set = await observeObjectSet({ ...check.pods, kind: 'Pod' }, context);
  const reached = (object: KubeObject) => {
    const facts = readPodFacts(object);
    return (
      facts.phase === check.phase && check.require.every((field) => facts[field] !== undefined)
    );
  };
  const count = check.count ?? { min: 1 };
  const holds = (members: readonly KubeObject[]) =>
    countHolds(count, members.length) && members.length > 0 && members.every(reached)
      ? members
      : undefined;

  let judgedStates = 0;
  const heldIn = () => {
    const states = set.observer.statesSince(set.observer.watchingSince);
    for (; judgedStates < states.length; judgedStates += 1) {
      const state = states[judgedStates];
      const members = state === undefined ? undefined : holds(set.select(state.objects));
      if (members !== undefined) return members;
    }
    return holds(set.members());
  };
  const deadline = new Date(context.clock.now().getTime() + check.timeoutSeconds * 1000);
  let members = await context.observations.waitForObjects(heldIn, deadline);
  if (members === undefined) {
    await set.observer.confirm();
    members = holds(set.members());
  }
  if (members !== undefined) {
    return {
      outcome: 'passed',
      explanation: `${set.describe()}: ${describeMembers('Pod', members)}, all ${check.phase}`,
      details: {
        phase: check.phase,
        pods: members.map((object) => object.metadata?.name ?? null),
      },
    };
  }

  const now = set.members();
  if (now.length === 0) {
    return {
      outcome: 'failed',
      failureMode: 'object-absent',
      explanation: `after ${check.timeoutSeconds} s, there are no ${set.describe()}`,
      details: { pods: [] },
    };
  }
  const culprit = now.find((object) => !reached(object));
  if (culprit === undefined) {
    return {
      outcome: 'failed',
      failureMode: 'timeout',
      explanation: `after ${check.timeoutSeconds} s, the ${set.describe()} are ${describeMembers('Pod', now)}, all ${check.phase}, but this check asks for ${describeCount(count)}`,
      details: { pods: now.map((object) => object.metadata?.name ?? null) },
    };
  }
  const facts = readPodFacts(culprit);
  const diagnosis = await diagnoseMember(culprit, set, context);
  const phase = facts.phase;
  const missing = check.require.filter((field) => facts[field] === undefined);
  const why =
    phase === check.phase
      ? `Pod ${facts.name ?? ''} is ${check.phase} but has no ${missing.join(' and ')}`
      : `Pod ${facts.name ?? ''} was still ${phase ?? 'without a phase'}, not ${check.phase}`;
  return {
    outcome: 'failed',
    failureMode: phase === check.phase || phase === 'Pending' ? 'timeout' : 'wrong-phase',
    explanation: `after ${check.timeoutSeconds} s, not every one of the ${set.describe()} (${describeMembers('Pod', now)}) was ${check.phase}: ${why}${diagnosis === undefined ? '' : `; ${diagnosis}`}`,
    details: {
      pods: now.map((object) => object.metadata?.name ?? null),
      pod: facts.name ?? null,
      phase: phase ?? null,
      ...(diagnosis === undefined ? {} : { diagnosis }),
    },
  };
}
