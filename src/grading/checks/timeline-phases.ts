import type { TimelineCheck } from './timeline-check.js';
import { readPodFacts } from '../kubernetes/pod-facts.js';
import type { PhaseTransition } from '../observation/pod-sightings.js';
import type { PodObserver } from '../observation/pod-observer.js';
import type { CheckVerdict } from './check-verdict.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';
import { diagnoseFollowedPod } from './followed-pod.js';

/**
 * The phases part of a timeline: the Pod went through `phasesInOrder` (other phases may come
 * between) within `timeoutSeconds` of the grader starting to follow it. Returns undefined when
 * it did, with the Pod pinned; a verdict when it did not.
 */
export async function judgePhasesInOrder(
  check: TimelineCheck & { phasesInOrder: string[] },
  observer: PodObserver,
  context: ClusterCheckContext,
): Promise<CheckVerdict<'never-seen' | 'phases-out-of-order'> | undefined> {
  const deadline = new Date(observer.followingSince.getTime() + check.timeoutSeconds * 1000);
  const inOrder = (): string | undefined => {
    const uid = observer.trackedUid();
    if (uid === undefined) return undefined;
    return containsInOrder(observer.phasesOf(uid), check.phasesInOrder) ? uid : undefined;
  };
  let uid = await observer.waitFor(inOrder, deadline, context.signal);
  if (uid === undefined) {
    await observer.confirm();
    uid = inOrder();
  }
  if (uid !== undefined) {
    observer.pin(uid);
    return undefined;
  }
  const seenUid = observer.trackedUid();
  if (seenUid === undefined) {
    return {
      outcome: 'failed',
      failureMode: 'never-seen',
      explanation: `the grader never saw a Pod named ${observer.name} in namespace ${observer.namespace} within ${check.timeoutSeconds} s, so it cannot tell which phases it went through`,
    };
  }
  const seen = observer.phasesOf(seenUid).map((item) => item.phase);
  const current = observer.current();
  const pod = current === undefined ? undefined : readPodFacts(current);
  const diagnosis =
    pod !== undefined && pod.phase !== 'Running'
      ? `: ${await diagnoseFollowedPod(observer, pod, context)}`
      : '';
  return {
    outcome: 'failed',
    failureMode: 'phases-out-of-order',
    explanation: `the grader saw ${observer.name} go through ${seen.join(' → ') || 'no phase'}, not ${check.phasesInOrder.join(' → ')}${diagnosis}`,
    details: { phasesSeen: seen },
  };
}

function containsInOrder(
  transitions: readonly PhaseTransition[],
  wanted: readonly string[],
): boolean {
  let next = 0;
  for (const transition of transitions) {
    if (transition.phase === wanted[next]) next += 1;
    if (next === wanted.length) return true;
  }
  return wanted.length === 0;
}
