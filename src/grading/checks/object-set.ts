import type {
  ObjectCount,
  ObjectSetReference,
} from '../../assessments/format/cluster-check-fields.js';
import { ClusterReadError } from '../cluster-read-error.js';
import type { KubeObject } from '../cluster-reader.js';
import { diagnosePodNotRunning } from '../diagnosis/diagnose-pod-not-running.js';
import { readEventList } from '../kubernetes/event-facts.js';
import { parseLabelSelector, selectorMatches } from '../kubernetes/label-selector.js';
import type { ObservableKind } from '../kubernetes/observable-kinds.js';
import type { ObservedKind } from './check-kind.js';
import { readPodFacts } from '../kubernetes/pod-facts.js';
import type { KindObserver } from '../observation/kind-observer.js';
import type { ClusterCheckContext } from './cluster-check-unavailable.js';

/** Owner chains longer than this are not followed (Pod → ReplicaSet → Deployment is 2). */
const maxOwnerDepth = 4;

/**
 * A set of objects a check refers to, over the run's watches: the kind's own observer, and for
 * `ownedBy` the observers of the controllers in between (ReplicaSets, for a Deployment's Pods).
 */
export class ObservedObjectSet {
  constructor(
    readonly reference: ObjectSetReference,
    readonly namespace: string,
    readonly observer: KindObserver,
    private readonly owners: ReadonlyMap<string, KindObserver>,
  ) {}

  /** Members now. */
  members(): KubeObject[] {
    return this.select(this.observer.current());
  }

  /** Whether an object belongs to the set, ignoring whether it is being deleted. */
  selects(object: KubeObject, options: { includeDeleting?: boolean } = {}): boolean {
    const metadata = object.metadata;
    if (!options.includeDeleting && metadata?.deletionTimestamp != null) return false;
    const ref = this.reference;
    if (ref.name !== undefined && metadata?.name !== ref.name) return false;
    if (ref.labelSelector !== undefined) {
      const selector = parseLabelSelector(ref.labelSelector);
      if (selector === undefined || !selectorMatches(selector, metadata?.labels ?? {}))
        return false;
    }
    return ref.ownedBy === undefined || this.isOwnedBy(object, ref.ownedBy);
  }

  select(objects: readonly KubeObject[]): KubeObject[] {
    // Owners that could not be read make membership unknowable: that is "could not look".
    for (const owner of this.owners.values()) owner.current();
    return objects
      .filter((object) => this.selects(object))
      .sort((a, b) => (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? ''));
  }

  /** The uid of the object's controller (the owner reference marked controller, else the first). */
  controllerUid(object: KubeObject): string | undefined {
    return controllerOf(object)?.uid;
  }

  /** "Pods owned by Deployment web (through its ReplicaSets) labelled app=web in namespace default". */
  describe(): string {
    const ref = this.reference;
    const parts = [ref.name === undefined ? `${ref.kind}s` : `${ref.kind} ${ref.name}`];
    if (ref.ownedBy !== undefined) parts.push(`of ${ref.ownedBy.kind} ${ref.ownedBy.name}`);
    if (ref.labelSelector !== undefined) parts.push(`labelled ${ref.labelSelector}`);
    parts.push(`in namespace ${this.namespace}`);
    return parts.join(' ');
  }

  private isOwnedBy(object: KubeObject, wanted: { kind: string; name: string }): boolean {
    let current: KubeObject | undefined = object;
    for (let depth = 0; depth < maxOwnerDepth && current !== undefined; depth += 1) {
      const owner = controllerOf(current);
      if (owner === undefined) return false;
      if (owner.kind === wanted.kind && owner.name === wanted.name) return true;
      const ownerObserver = this.owners.get(owner.kind);
      current = owner.uid === undefined ? undefined : ownerObserver?.lastSeen(owner.uid);
    }
    return false;
  }
}

interface OwnerRef {
  kind: string;
  name: string;
  uid?: string;
}

function controllerOf(object: KubeObject): OwnerRef | undefined {
  const owners = (object.metadata?.ownerReferences ?? []).filter(
    (owner): owner is OwnerRef & { controller?: boolean } =>
      typeof owner === 'object' &&
      owner !== null &&
      typeof (owner as OwnerRef).kind === 'string' &&
      typeof (owner as OwnerRef).name === 'string',
  );
  return owners.find((owner) => owner.controller === true) ?? owners[0];
}

/** The kinds a set is read from: its own, and the controllers between it and `ownedBy`. */
export function kindsOfObjectSet(reference: ObjectSetReference): ObservedKind[] {
  return [
    ...ownerKindsBetween(reference).map((kind) => ({ kind, namespace: reference.namespace })),
    { kind: reference.kind, namespace: reference.namespace },
  ];
}

function ownerKindsBetween(reference: ObjectSetReference): ObservableKind[] {
  // A Deployment owns Pods through ReplicaSets; only observable kinds can be followed.
  return reference.ownedBy?.kind === 'Deployment' && reference.kind === 'Pod' ? ['ReplicaSet'] : [];
}

/** Starts (once per attempt) the watches a set needs and returns it. */
export async function observeObjectSet(
  reference: ObjectSetReference,
  context: ClusterCheckContext,
): Promise<ObservedObjectSet> {
  const namespace = reference.namespace ?? context.namespace;
  const owners = new Map<string, KindObserver>();
  for (const kind of ownerKindsBetween(reference))
    owners.set(kind, await context.observations.objects(kind, namespace));
  const observer = await context.observations.objects(reference.kind, namespace);
  return new ObservedObjectSet(reference, namespace, observer, owners);
}

/** "2 Pods (web-1, web-2)", for messages. */
export function describeMembers(kind: string, members: readonly KubeObject[]): string {
  if (members.length === 0) return `no ${kind}s`;
  const names = members.slice(0, 6).map((object) => object.metadata?.name ?? '?');
  const more = members.length > names.length ? `, and ${members.length - names.length} more` : '';
  return `${members.length} ${kind}${members.length === 1 ? '' : 's'} (${names.join(', ')}${more})`;
}

/** Whether a count is what the rubric asks, and how to say what it asks. */
export function countHolds(count: ObjectCount, found: number): boolean {
  return (
    (count.equals === undefined || found === count.equals) &&
    (count.min === undefined || found >= count.min) &&
    (count.max === undefined || found <= count.max)
  );
}

export function describeCount(count: ObjectCount): string {
  if (count.equals !== undefined) return `exactly ${count.equals}`;
  if (count.min !== undefined && count.max !== undefined) return `${count.min} to ${count.max}`;
  if (count.min !== undefined) return `at least ${count.min}`;
  return `at most ${count.max ?? 0}`;
}

/**
 * Why a Pod of the set is not Running, from its status and events; undefined for other kinds
 * or Running Pods. The events only sharpen it: when they cannot be read the status speaks.
 */
export async function diagnoseMember(
  object: KubeObject,
  set: ObservedObjectSet,
  context: ClusterCheckContext,
): Promise<string | undefined> {
  if (set.reference.kind !== 'Pod') return undefined;
  const pod = readPodFacts(object);
  const stuck = pod.phase !== 'Running' || pod.containerStatuses.some((item) => !item.running);
  if (!stuck || pod.name === undefined) return undefined;
  let events: ReturnType<typeof readEventList> = [];
  try {
    events = readEventList(await context.observations.podEvents(set.namespace, pod.name));
  } catch (error) {
    if (!(error instanceof ClusterReadError)) throw error;
  }
  return `Pod ${pod.name}: ${diagnosePodNotRunning({ pod, events, expectedImages: context.rubric.expectedImages })}`;
}
