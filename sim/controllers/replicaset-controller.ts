/**
 * The ReplicaSet controller: keeps `spec.replicas` live pods (not terminating, not finished)
 * owned by each ReplicaSet, creating pods from the template with a controller ownerReference
 * (SuccessfulCreate) and deleting surplus ones (SuccessfulDelete), and reports status.
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
import type { EventRecorder } from './event-recorder.js';

export interface ReplicaSetControllerOptions {
  store: ObjectStore;
  registry: Registry;
  events: EventRecorder;
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
    } else if (event.resourceKey === '/pods') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'ReplicaSet') this.reconcile(event.object.metadata.namespace, owner.name);
    }
  }

  private reconcile(namespace: string | undefined, name: string): void {
    const rs = this.o.registry.find(replicaSetsResource, namespace, name) as ReplicaSet | undefined;
    if (!rs) return;
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
        ownerReferences: [
          {
            apiVersion: 'apps/v1',
            kind: 'ReplicaSet',
            name: rs.metadata.name ?? '',
            uid: rs.metadata.uid ?? '',
            controller: true,
            blockOwnerDeletion: true,
          },
        ],
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
