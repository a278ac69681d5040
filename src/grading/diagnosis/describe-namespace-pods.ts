import type { PodFacts } from '../kubernetes/pod-facts.js';

/**
 * For a Pod the grader cannot find: what is in the namespace instead, so a typo in the name or
 * a Deployment in place of a Pod is visible ("found web-7498c59955-x2x7k (app=web, owned by
 * ReplicaSet web-7498c59955)").
 */
export function describeNamespacePods(pods: readonly PodFacts[], namespace: string): string {
  const live = pods.filter((pod) => pod.name !== undefined && pod.deletionTimestamp === undefined);
  if (live.length === 0) return `namespace ${namespace} has no Pods at all`;
  const shown = live.slice(0, 5).map((pod) => {
    const labels = Object.entries(pod.labels)
      .filter(([key]) => key !== 'pod-template-hash')
      .map(([key, value]) => `${key}=${value}`);
    const owner = pod.ownerReferences[0];
    const notes = [
      ...(labels.length > 0 ? [labels.join(',')] : []),
      ...(owner === undefined ? [] : [`owned by ${owner.kind} ${owner.name}`]),
    ];
    return `${pod.name ?? ''}${notes.length > 0 ? ` (${notes.join(', ')})` : ''}`;
  });
  const more = live.length > shown.length ? `, and ${live.length - shown.length} more` : '';
  const owned = live.some((pod) => pod.ownerReferences.length > 0);
  return `namespace ${namespace} has ${shown.join(', ')}${more}${owned ? `; ${controllerLesson}` : ''}`;
}

/**
 * Why the lesson wants a bare Pod, for learners who made theirs through a Deployment: the
 * lesson ends by deleting the Pod, which a controller would undo.
 */
export const controllerLesson =
  'a Pod owned by a controller (a Deployment makes a ReplicaSet, which makes the Pods) is recreated by that controller as soon as it is deleted, which is why the lesson asks for a bare Pod written with kind: Pod';
