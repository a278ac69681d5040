/**
 * The garbage collector and the namespace controller's clean-up:
 * - Background: when an owner is gone, dependents whose owners are all gone are deleted;
 * - Foreground: an owner with the `foregroundDeletion` finalizer has its dependents deleted
 *   first, then loses the finalizer (and so goes);
 * - Orphan: an owner with the `orphan` finalizer has its ownerReferences removed from
 *   dependents, then loses the finalizer;
 * - a Terminating namespace is emptied, then removed.
 */
import { ApiError } from '../errors.js';
import { FOREGROUND_FINALIZER, ORPHAN_FINALIZER, type Registry } from '../api/registry.js';
import { RESOURCES, eventsResource, namespacesResource } from '../api/resources/index.js';
import type { ResourceDefinition } from '../api/resources/resource-definition.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { resourceKeyOf } from '../store/object-store.js';
import type { KubeObject } from '../types.js';

/** Kinds that can own others or be owned (events and nodes never take part). */
const OWNED_KINDS = RESOURCES.filter((r) => r.namespaced && r.resource !== 'events');

interface Dependent {
  def: ResourceDefinition;
  object: KubeObject;
}

function ignoreGone(run: () => void): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) throw error;
  }
}

export class GarbageCollector {
  private unsubscribe: () => void = () => {};

  constructor(
    private readonly store: ObjectStore,
    private readonly registry: Registry,
  ) {}

  start(): void {
    this.unsubscribe = this.store.subscribe({}, this.store.currentRevision, (event) =>
      this.onEvent(event),
    );
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(event: StoreEvent): void {
    const object = event.object;
    if (event.type === 'DELETED') {
      this.collectOrphansOf(object);
      // A dependent going away may unblock an owner's foreground deletion or a namespace.
      for (const ref of object.metadata.ownerReferences ?? [])
        this.checkForeground(object.metadata.namespace, ref.uid);
      if (object.metadata.namespace) this.checkNamespace(object.metadata.namespace);
      return;
    }
    if (event.resourceKey === resourceKeyOf(namespacesResource)) {
      if (object.metadata.deletionTimestamp) this.emptyNamespace(object.metadata.name ?? '');
      return;
    }
    if (!object.metadata.deletionTimestamp) return;
    const finalizers = object.metadata.finalizers ?? [];
    if (finalizers.includes(ORPHAN_FINALIZER)) this.orphanDependents(object);
    if (finalizers.includes(FOREGROUND_FINALIZER)) {
      for (const dep of this.dependentsOf(object)) {
        if (!dep.object.metadata.deletionTimestamp) {
          ignoreGone(() =>
            this.registry.delete(
              dep.def,
              dep.object.metadata.namespace,
              dep.object.metadata.name ?? '',
              { propagationPolicy: 'Foreground' },
            ),
          );
        }
      }
      this.checkForeground(object.metadata.namespace, object.metadata.uid ?? '');
    }
  }

  private dependentsOf(owner: KubeObject): Dependent[] {
    const uid = owner.metadata.uid;
    const out: Dependent[] = [];
    for (const def of OWNED_KINDS) {
      for (const object of this.registry.list(def, owner.metadata.namespace)) {
        if ((object.metadata.ownerReferences ?? []).some((r) => r.uid === uid))
          out.push({ def, object });
      }
    }
    return out;
  }

  private ownerExists(namespace: string | undefined, uid: string): KubeObject | undefined {
    for (const def of OWNED_KINDS) {
      const found = this.registry.list(def, namespace).find((o) => o.metadata.uid === uid);
      if (found) return found;
    }
    return undefined;
  }

  private collectOrphansOf(owner: KubeObject): void {
    for (const dep of this.dependentsOf(owner)) {
      const refs = dep.object.metadata.ownerReferences ?? [];
      const liveOwners = refs.filter(
        (r) =>
          r.uid !== owner.metadata.uid && this.ownerExists(dep.object.metadata.namespace, r.uid),
      );
      if (liveOwners.length > 0 || dep.object.metadata.deletionTimestamp) continue;
      ignoreGone(() =>
        this.registry.delete(
          dep.def,
          dep.object.metadata.namespace,
          dep.object.metadata.name ?? '',
          { propagationPolicy: 'Background' },
        ),
      );
    }
  }

  private orphanDependents(owner: KubeObject): void {
    for (const dep of this.dependentsOf(owner)) {
      this.registry.mutate(
        dep.def,
        dep.object.metadata.namespace,
        dep.object.metadata.name ?? '',
        (object) => {
          const refs = (object.metadata.ownerReferences ?? []).filter(
            (r) => r.uid !== owner.metadata.uid,
          );
          if (refs.length > 0) object.metadata.ownerReferences = refs;
          else delete object.metadata.ownerReferences;
        },
        { manager: 'kube-controller-manager', trusted: true },
      );
    }
    this.removeFinalizer(owner, ORPHAN_FINALIZER);
  }

  private checkForeground(namespace: string | undefined, ownerUid: string): void {
    const owner = this.ownerExists(namespace, ownerUid);
    if (
      !owner ||
      !owner.metadata.deletionTimestamp ||
      !(owner.metadata.finalizers ?? []).includes(FOREGROUND_FINALIZER)
    )
      return;
    const blocking = this.dependentsOf(owner).filter((d) =>
      (d.object.metadata.ownerReferences ?? []).some(
        (r) => r.uid === ownerUid && r.blockOwnerDeletion,
      ),
    );
    if (blocking.length === 0) this.removeFinalizer(owner, FOREGROUND_FINALIZER);
  }

  private removeFinalizer(owner: KubeObject, finalizer: string): void {
    const def = RESOURCES.find((r) => r.kind === owner.kind);
    if (!def) return;
    this.registry.mutate(
      def,
      owner.metadata.namespace,
      owner.metadata.name ?? '',
      (object) => {
        const rest = (object.metadata.finalizers ?? []).filter((f) => f !== finalizer);
        if (rest.length > 0) object.metadata.finalizers = rest;
        else delete object.metadata.finalizers;
      },
      { manager: 'kube-controller-manager', trusted: true },
    );
  }

  private emptyNamespace(namespace: string): void {
    for (const def of RESOURCES.filter((r) => r.namespaced)) {
      for (const object of this.registry.list(def, namespace)) {
        if (object.metadata.deletionTimestamp) continue;
        ignoreGone(() =>
          this.registry.delete(def, namespace, object.metadata.name ?? '', {
            propagationPolicy: 'Background',
          }),
        );
      }
    }
    this.checkNamespace(namespace);
  }

  private checkNamespace(namespace: string): void {
    const ns = this.registry.find(namespacesResource, undefined, namespace);
    if (!ns || !ns.metadata.deletionTimestamp) return;
    const remaining = RESOURCES.filter((r) => r.namespaced && r.resource !== 'events').some(
      (def) => this.registry.list(def, namespace).length > 0,
    );
    if (remaining) return;
    for (const event of this.registry.list(eventsResource, namespace)) {
      this.registry.purge(eventsResource, namespace, event.metadata.name ?? '');
    }
    this.registry.purge(namespacesResource, undefined, namespace);
  }
}
