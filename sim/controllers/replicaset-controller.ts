/**
 * The ReplicaSet controller: keeps `spec.replicas` live pods (not terminating, not finished)
 * owned by each ReplicaSet, creating pods from the template with a controller ownerReference
 * (SuccessfulCreate) and deleting surplus ones (SuccessfulDelete), adopting orphan pods that match
 * its selector and releasing owned ones that stopped matching, and reports status.
 */
import type { Registry } from '../api/registry.js';
import { podsResource, replicaSetsResource } from '../api/resources/index.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import {
  cloneJson,
  type KubeObject,
  type OwnerReference,
  type Pod,
  type ReplicaSet,
} from '../types.js';
import { labelSelectorMatcher } from '../store/selectors.js';
import type { EventRecorder } from './event-recorder.js';

export interface ReplicaSetControllerOptions {
  store: ObjectStore;
  registry: Registry;
  events: EventRecorder;
}

function ownerReferenceTo(rs: ReplicaSet): OwnerReference {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    name: rs.metadata.name ?? '',
    uid: rs.metadata.uid ?? '',
    controller: true,
    blockOwnerDeletion: true,
  };
}

export function controllerOf(object: KubeObject): OwnerReference | undefined {
  return (object.metadata.ownerReferences ?? []).find((r) => r.controller === true);
}

function isActive(pod: Pod): boolean {
  return (
    !pod.metadata.deletionTimestamp &&
    pod.status.phase !== 'Succeeded' &&
    pod.status.phase !== 'Failed'
  );
}

function isReady(pod: Pod): boolean {
  return (pod.status.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

/** Surplus pods go in this order: unscheduled, then not running, then not ready, then newest. */
function deletionRank(pod: Pod): number {
  if (!pod.spec.nodeName) return 0;
  if (pod.status.phase !== 'Running') return 1;
  if (!isReady(pod)) return 2;
  return 3;
}

export class ReplicaSetController {
  private unsubscribe: () => void = () => {};

  constructor(private readonly o: ReplicaSetControllerOptions) {}

  start(): void {
    this.unsubscribe = this.o.store.subscribe({}, this.o.store.currentRevision, (event) =>
      this.onEvent(event),
    );
    for (const rs of this.o.registry.list(replicaSetsResource, undefined))
      this.reconcile(rs.metadata.namespace, rs.metadata.name ?? '');
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(event: StoreEvent): void {
    if (event.resourceKey === 'apps/replicasets' && event.type !== 'DELETED') {
      this.reconcile(event.object.metadata.namespace, event.object.metadata.name ?? '');
    } else if (event.resourceKey === '/pods' && event.type !== 'DELETED') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'ReplicaSet') this.reconcile(event.object.metadata.namespace, owner.name);
      else if (!owner && !event.object.metadata.deletionTimestamp) this.offerOrphan(event.object);
    } else if (event.resourceKey === '/pods') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'ReplicaSet') this.reconcile(event.object.metadata.namespace, owner.name);
    }
  }

  /** A Pod without a controller: every ReplicaSet whose selector matches it may adopt it. */
  private offerOrphan(pod: KubeObject): void {
    const namespace = pod.metadata.namespace;
    const candidates: string[] = [];
    this.o.store.scan(replicaSetsResource, namespace, (object) => {
      const rs = object as ReplicaSet;
      if (
        !rs.metadata.deletionTimestamp &&
        labelSelectorMatcher(rs.spec.selector)(pod.metadata.labels)
      )
        candidates.push(rs.metadata.name ?? '');
    });
    for (const name of candidates) this.reconcile(namespace, name);
  }

  /**
   * ClaimPods: orphans whose labels match the selector are adopted (a controller ownerReference
   * is added) and owned pods whose labels stopped matching are released.
   */
  private claimPods(rs: ReplicaSet): void {
    const uid = rs.metadata.uid ?? '';
    const matches = labelSelectorMatcher(rs.spec.selector);
    const adopt: string[] = [];
    const release: string[] = [];
    this.o.store.scan(podsResource, rs.metadata.namespace, (object) => {
      const owner = controllerOf(object);
      const match = matches(object.metadata.labels);
      if (!owner && match && !object.metadata.deletionTimestamp)
        adopt.push(object.metadata.name ?? '');
      else if (owner?.uid === uid && !match) release.push(object.metadata.name ?? '');
    });
    const options = { manager: 'kube-controller-manager', trusted: true };
    for (const name of adopt) {
      this.o.registry.mutate(
        podsResource,
        rs.metadata.namespace,
        name,
        (pod) => {
          if (controllerOf(pod)) return;
          pod.metadata.ownerReferences = [
            ...(pod.metadata.ownerReferences ?? []),
            ownerReferenceTo(rs),
          ];
        },
        options,
      );
    }
    for (const name of release) {
      this.o.registry.mutate(
        podsResource,
        rs.metadata.namespace,
        name,
        (pod) => {
          const refs = (pod.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
          if (refs.length > 0) pod.metadata.ownerReferences = refs;
          else delete pod.metadata.ownerReferences;
        },
        options,
      );
    }
  }

  private reconcile(namespace: string | undefined, name: string): void {
    const rs = this.o.registry.find(replicaSetsResource, namespace, name) as ReplicaSet | undefined;
    if (!rs) return;
    if (!rs.metadata.deletionTimestamp) this.claimPods(rs);
    const uid = rs.metadata.uid ?? '';
    const owned = (this.o.registry.list(podsResource, namespace) as Pod[]).filter(
      (p) => controllerOf(p)?.uid === uid,
    );
    const active = owned.filter(isActive);
    if (!rs.metadata.deletionTimestamp) {
      const desired = rs.spec.replicas ?? 1;
      if (active.length < desired) {
        for (let i = active.length; i < desired; i++) active.push(this.createPod(rs));
      } else if (active.length > desired) {
        const surplus = [...active]
          .sort(
            (a, b) =>
              deletionRank(a) - deletionRank(b) ||
              (b.metadata.creationTimestamp ?? '').localeCompare(
                a.metadata.creationTimestamp ?? '',
              ),
          )
          .slice(0, active.length - desired);
        for (const pod of surplus) this.deletePod(rs, pod);
        const gone = new Set(surplus.map((p) => p.metadata.uid));
        active.splice(0, active.length, ...active.filter((p) => !gone.has(p.metadata.uid)));
      }
    }
    this.writeStatus(rs, active);
  }

  private createPod(rs: ReplicaSet): Pod {
    const template = cloneJson(rs.spec.template ?? {});
    const metadata = template.metadata ?? {};
    const body = {
      metadata: {
        generateName: `${rs.metadata.name ?? ''}-`,
        ...(metadata.labels ? { labels: metadata.labels } : {}),
        ...(metadata.annotations ? { annotations: metadata.annotations } : {}),
        ownerReferences: [ownerReferenceTo(rs)],
      },
      spec: template.spec ?? {},
    };
    const pod = this.o.registry.create(podsResource, rs.metadata.namespace, body, {
      manager: 'kube-controller-manager',
    }) as Pod;
    this.o.events.record(rs, {
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${pod.metadata.name ?? ''}`,
      component: 'replicaset-controller',
    });
    return pod;
  }

  private deletePod(rs: ReplicaSet, pod: Pod): void {
    this.o.registry.delete(podsResource, pod.metadata.namespace, pod.metadata.name ?? '', {});
    this.o.events.record(rs, {
      type: 'Normal',
      reason: 'SuccessfulDelete',
      message: `Deleted pod: ${pod.metadata.name ?? ''}`,
      component: 'replicaset-controller',
    });
  }

  private writeStatus(rs: ReplicaSet, active: Pod[]): void {
    const templateLabels = rs.spec.template?.metadata?.labels ?? {};
    const fullyLabeled = active.filter((p) =>
      Object.entries(templateLabels).every(([k, v]) => p.metadata.labels?.[k] === v),
    ).length;
    const ready = active.filter(isReady).length;
    const status: Record<string, unknown> = { replicas: active.length };
    if (fullyLabeled > 0) status.fullyLabeledReplicas = fullyLabeled;
    if (ready > 0) {
      status.readyReplicas = ready;
      status.availableReplicas = ready;
    }
    status.observedGeneration = rs.metadata.generation ?? 1;
    this.o.registry.mutate(
      replicaSetsResource,
      rs.metadata.namespace,
      rs.metadata.name ?? '',
      (object) => {
        object.status = status;
      },
      { manager: 'kube-controller-manager', subresource: 'status' },
    );
  }
}
