import type { ObjectReference } from '../../assessments/format/cluster-check-fields.js';
import type { KubeObject } from '../cluster-reader.js';
import { describeNamespacePods } from '../diagnosis/describe-namespace-pods.js';
import { parseLabelSelector, selectorMatches } from '../kubernetes/label-selector.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';

/**
 * Finds the object a check refers to, as it is now. A Pod by name comes from the run's Pod
 * observer (its watch keeps it current without further requests); ReplicaSets and Deployments
 * from the run's shared lists, or a new list when `fresh` (a check that polls).
 */
export async function findReferencedObject(
  reference: ObjectReference,
  context: ClusterCheckContext,
  options: { fresh?: boolean } = {},
): Promise<KubeObject | undefined> {
  const namespace = reference.namespace ?? context.namespace;
  if (reference.kind === 'Pod' && reference.name !== undefined) {
    const observer = context.observations.pod(namespace, reference.name);
    await observer.start();
    // A fresh look (an absence check, a poll) wants the Pod as it is; otherwise the Pod the
    // learner made is judged as recorded, even if a late look finds it already deleted.
    const pod = options.fresh ? observer.current() : observer.currentOrRecorded();
    if (reference.labelSelector === undefined) return pod;
    return pod !== undefined && matchesSelector(pod, reference.labelSelector) ? pod : undefined;
  }
  const candidates = await listCandidates(reference, namespace, context, options.fresh ?? false);
  return candidates
    .filter((object) => reference.name === undefined || object.metadata?.name === reference.name)
    .filter(
      (object) =>
        reference.labelSelector === undefined || matchesSelector(object, reference.labelSelector),
    )
    .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''))[0];
}

async function listCandidates(
  reference: ObjectReference,
  namespace: string,
  context: ClusterCheckContext,
  fresh: boolean,
): Promise<KubeObject[]> {
  switch (reference.kind) {
    case 'Pod':
      return context.cluster.listPods({
        namespace,
        ...(reference.labelSelector === undefined
          ? {}
          : { labelSelector: reference.labelSelector }),
      });
    case 'ReplicaSet':
      return fresh
        ? context.cluster.listReplicaSets({ namespace })
        : context.observations.replicaSets(namespace);
    case 'Deployment':
      return fresh
        ? context.cluster.listDeployments({ namespace })
        : context.observations.deployments(namespace);
    default:
      // The kinds added for sets of objects (Services, ConfigMaps, Events): watched once.
      return fresh
        ? (await context.cluster.listObjects({ kind: reference.kind, namespace })).items
        : (await context.observations.objects(reference.kind, namespace)).current();
  }
}

function matchesSelector(object: KubeObject, selectorText: string): boolean {
  const selector = parseLabelSelector(selectorText);
  return selector !== undefined && selectorMatches(selector, object.metadata?.labels ?? {});
}

/** "Pod my-pod in namespace default", "the Pods matching app=web in namespace default". */
export function describeReference(reference: ObjectReference, namespace: string): string {
  const where = `in namespace ${reference.namespace ?? namespace}`;
  if (reference.name !== undefined) return `${reference.kind} ${reference.name} ${where}`;
  return `the ${reference.kind}s matching ${reference.labelSelector ?? ''} ${where}`;
}

/** Why a referenced object was not found, with what the namespace holds when it is a Pod. */
export function describeAbsence(reference: ObjectReference, context: ClusterCheckContext): string {
  const namespace = reference.namespace ?? context.namespace;
  const missing =
    reference.name !== undefined
      ? `there is no ${reference.kind} named ${reference.name} in namespace ${namespace}`
      : `no ${reference.kind} matches ${reference.labelSelector ?? ''} in namespace ${namespace}`;
  if (reference.kind !== 'Pod' || reference.name === undefined) return missing;
  const observer = context.observations.pod(namespace, reference.name);
  return `${missing}; ${describeNamespacePods(observer.podsInNamespace(), namespace)}`;
}
