/**
 * kube-apiserver's deletion protocol, as the registry runs it: preconditions, graceful deletion
 * (a pod's grace period), finalizers (the propagation policy adds its own) and the final removal
 * once nothing holds the object any more. Namespaces only turn Terminating here; the namespace
 * controller empties and purges them.
 */
import type { SimClock } from '../clock.js';
import { formatTime } from '../clock.js';
import { ApiError, invalid } from '../errors.js';
import type { ObjectStore } from '../store/object-store.js';
import { cloneJson, isRecord, sameJson, type KubeObject } from '../types.js';
import { namespacesResource } from './resources/index.js';
import type { ResourceDefinition } from './resources/resource-definition.js';
import { storeScope } from './store-scope.js';

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: boolean;
}

/** A delete answers with the object (still terminating, or as deleted) or a Success Status. */
export type DeleteResult = { object: KubeObject } | { status: Record<string, unknown> };

export const FOREGROUND_FINALIZER = 'foregroundDeletion';
export const ORPHAN_FINALIZER = 'orphan';

export interface DeleteObjectOptions {
  store: ObjectStore;
  clock: SimClock;
  def: ResourceDefinition;
  /** The namespace as the request named it (cluster-scoped resources ignore it). */
  namespace: string | undefined;
  name: string;
  /** The live object, already read (a missing one is the caller's 404). */
  current: KubeObject;
  options: DeleteOptions;
}

/** Marks `current` as terminating, or removes it at once when nothing holds it. */
export function deleteObject({
  store,
  clock,
  def,
  namespace,
  name,
  current,
  options,
}: DeleteObjectOptions): DeleteResult {
  checkPreconditions(def, name, current, options.preconditions);
  checkGracePeriodOption(options.gracePeriodSeconds);
  if (options.dryRun) return { object: current };
  const next = cloneJson(current);
  const finalizers = new Set(next.metadata.finalizers ?? []);
  if (options.propagationPolicy === 'Foreground') finalizers.add(FOREGROUND_FINALIZER);
  if (options.propagationPolicy === 'Orphan') finalizers.add(ORPHAN_FINALIZER);
  const now = clock.now();

  if (def === namespacesResource) {
    next.metadata.deletionTimestamp ??= formatTime(now);
    next.metadata.deletionGracePeriodSeconds ??= 0;
    next.status = { phase: 'Terminating' };
    return { object: store.update(def, next) };
  }

  const grace = def.gracefulDelete ? gracePeriodOf(next, options.gracePeriodSeconds) : 0;
  const alreadyTerminating = next.metadata.deletionTimestamp !== undefined;
  next.metadata.finalizers = finalizers.size > 0 ? [...finalizers] : undefined;
  if (next.metadata.finalizers === undefined) delete next.metadata.finalizers;
  // A second delete may only shorten a grace period already running, never restart it.
  if (
    !alreadyTerminating ||
    (def.gracefulDelete && grace < (current.metadata.deletionGracePeriodSeconds ?? Infinity))
  ) {
    next.metadata.deletionTimestamp = formatTime(new Date(now.getTime() + grace * 1000));
    next.metadata.deletionGracePeriodSeconds = grace;
  }
  const canGoNow = finalizers.size === 0 && (!def.gracefulDelete || grace === 0);
  if (canGoNow && !def.gracefulDelete) {
    const removed = store.remove(def, storeScope(def, namespace), name);
    return { status: successStatus(def, removed) };
  }
  const marked = sameJson(next, current) ? current : store.update(def, next);
  if (canGoNow) return { object: store.remove(def, storeScope(def, namespace), name) };
  return { object: marked };
}

/** Removes a terminating object once nothing holds it (no finalizers, grace period over). */
export function removeIfFinalized(
  store: ObjectStore,
  def: ResourceDefinition,
  object: KubeObject,
): void {
  if (object.metadata.deletionTimestamp === undefined) return;
  if ((object.metadata.finalizers ?? []).length > 0) return;
  if (def === namespacesResource) return;
  if (def.gracefulDelete && object.metadata.deletionGracePeriodSeconds !== 0) return;
  const namespace = storeScope(def, object.metadata.namespace);
  const name = object.metadata.name ?? '';
  const stillThere = store.find(def, namespace, name);
  if (stillThere && stillThere.metadata.uid === object.metadata.uid) {
    store.remove(def, namespace, name);
  }
}

function checkPreconditions(
  def: ResourceDefinition,
  name: string,
  current: KubeObject,
  pre: DeleteOptions['preconditions'],
): void {
  const details = { name, ...(def.group ? { group: def.group } : {}), kind: def.resource };
  if (pre?.uid && pre.uid !== current.metadata.uid) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`,
      details,
    );
  }
  if (pre?.resourceVersion && pre.resourceVersion !== current.metadata.resourceVersion) {
    throw new ApiError(
      409,
      'Conflict',
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
      details,
    );
  }
}

function checkGracePeriodOption(gracePeriodSeconds: number | undefined): void {
  if (
    gracePeriodSeconds !== undefined &&
    (!Number.isInteger(gracePeriodSeconds) || gracePeriodSeconds < 0)
  ) {
    throw invalid('', 'DeleteOptions', '', [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${gracePeriodSeconds}: must be greater than or equal to 0`,
        field: 'gracePeriodSeconds',
      },
    ]);
  }
}

/** Seconds a graceful delete (a pod's) waits for the kubelet to stop the object's containers. */
function gracePeriodOf(object: KubeObject, requested: number | undefined): number {
  const spec = isRecord(object.spec) ? object.spec : {};
  const status = isRecord(object.status) ? object.status : {};
  let grace =
    requested ??
    (typeof spec.terminationGracePeriodSeconds === 'number'
      ? spec.terminationGracePeriodSeconds
      : 30);
  // A pod no kubelet runs (unscheduled, or already finished) goes at once.
  if (!spec.nodeName || status.phase === 'Succeeded' || status.phase === 'Failed') grace = 0;
  if (object.metadata.deletionGracePeriodSeconds !== undefined)
    grace = Math.min(grace, object.metadata.deletionGracePeriodSeconds);
  return grace;
}

function successStatus(def: ResourceDefinition, removed: KubeObject): Record<string, unknown> {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: {
      name: removed.metadata.name,
      ...(def.group ? { group: def.group } : {}),
      kind: def.resource,
      uid: removed.metadata.uid,
    },
  };
}
