import type { PodReference } from '../../assessments/format/cluster-check-fields.js';
import { ClusterReadError } from '../cluster-read-error.js';
import { describeNamespacePods } from '../diagnosis/describe-namespace-pods.js';
import { diagnosePodNotRunning } from '../diagnosis/diagnose-pod-not-running.js';
import { readEventList } from '../kubernetes/event-facts.js';
import type { PodFacts } from '../kubernetes/pod-facts.js';
import type { PodObserver } from '../observation/pod-observer.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';

/** The run's observer of this Pod, started (its first read done, its watch running). */
export async function followPod(
  reference: PodReference,
  context: ClusterCheckContext,
): Promise<PodObserver> {
  const observer = context.observations.pod(
    reference.namespace ?? context.namespace,
    reference.name,
  );
  await observer.start();
  return observer;
}

/**
 * Why the Pod is not Running, from its state and its events. The events only sharpen the
 * diagnosis: when they cannot be read, the Pod's own status still speaks.
 */
export async function diagnoseFollowedPod(
  observer: PodObserver,
  pod: PodFacts,
  context: ClusterCheckContext,
): Promise<string> {
  let events: ReturnType<typeof readEventList> = [];
  try {
    events = readEventList(await context.observations.podEvents(observer.namespace, observer.name));
  } catch (error) {
    if (!(error instanceof ClusterReadError)) throw error;
  }
  return diagnosePodNotRunning({
    pod,
    events,
    expectedImages: context.rubric.expectedImages,
  });
}

/**
 * The running moment's evidence: the Pod's events, read once (they are kept with the attempt).
 * Evidence only, so a refusal to list events does not change the check's outcome.
 */
export async function collectRunningEvidence(
  observer: PodObserver,
  context: ClusterCheckContext,
): Promise<void> {
  try {
    await context.observations.podEvents(observer.namespace, observer.name);
  } catch (error) {
    if (!(error instanceof ClusterReadError)) throw error;
  }
}

/** "there is no Pod named my-pod in namespace default; namespace default has web-pod (app=web)". */
export function describeMissingPod(observer: PodObserver): string {
  const uid = observer.trackedUid();
  if (uid !== undefined) {
    return `Pod ${observer.name} (uid ${shortUid(uid)}) no longer exists in namespace ${observer.namespace}`;
  }
  return `there is no Pod named ${observer.name} in namespace ${observer.namespace}; ${describeNamespacePods(
    observer.podsInNamespace(),
    observer.namespace,
  )}`;
}

export function shortUid(uid: string): string {
  return uid.slice(0, 8);
}

export function secondsBetween(from: Date, to: Date): number {
  return Math.max(0, Math.round((to.getTime() - from.getTime()) / 1000));
}
