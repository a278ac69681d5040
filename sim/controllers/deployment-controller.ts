/**
 * The Deployment controller, simplified: one ReplicaSet per pod template, named
 * `<deployment>-<pod-template-hash>`, scaled to `spec.replicas` while older ReplicaSets are
 * scaled to zero at once (no gradual rolling update). Writes the revision annotations,
 * ScalingReplicaSet events and status with Available/Progressing conditions.
 */
import { formatTime, type SimClock } from '../clock.js';
import type { Registry } from '../api/registry.js';
import { deploymentsResource, replicaSetsResource } from '../api/resources/index.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { cloneJson, type Deployment, type PodTemplateSpec, type ReplicaSet } from '../types.js';
import type { EventRecorder } from './event-recorder.js';
import { controllerOf } from './replicaset-controller.js';

export interface DeploymentControllerOptions {
  store: ObjectStore;
  registry: Registry;
  clock: SimClock;
  events: EventRecorder;
}

const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const HASH_LABEL = 'pod-template-hash';
const REVISION = 'deployment.kubernetes.io/revision';

/** FNV-1a of the template, encoded like client-go's rand.SafeEncodeString. */
export function podTemplateHash(template: PodTemplateSpec | undefined): string {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(JSON.stringify(template ?? {}))) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return [...String(hash)]
    .map((ch) => SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length])
    .join('');
}

function percentOf(value: unknown, total: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const match = /^(\d+)%$/.exec(String(value ?? '25%'));
  const percent = match ? Number(match[1]) : 25;
  const exact = (percent * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

export class DeploymentController {
  private unsubscribe: () => void = () => {};

  constructor(private readonly o: DeploymentControllerOptions) {}

  start(): void {
    this.unsubscribe = this.o.store.subscribe({}, this.o.store.currentRevision, (event) =>
      this.onEvent(event),
    );
    for (const d of this.o.registry.list(deploymentsResource, undefined))
      this.reconcile(d.metadata.namespace, d.metadata.name ?? '');
  }

  stop(): void {
    this.unsubscribe();
  }

  private onEvent(event: StoreEvent): void {
    if (event.resourceKey === 'apps/deployments' && event.type !== 'DELETED') {
      this.reconcile(event.object.metadata.namespace, event.object.metadata.name ?? '');
    } else if (event.resourceKey === 'apps/replicasets') {
      const owner = controllerOf(event.object);
      if (owner?.kind === 'Deployment') this.reconcile(event.object.metadata.namespace, owner.name);
    }
  }

  private reconcile(namespace: string | undefined, name: string): void {
    const deployment = this.o.registry.find(deploymentsResource, namespace, name) as
      Deployment | undefined;
    if (!deployment || deployment.metadata.deletionTimestamp) return;
    const uid = deployment.metadata.uid ?? '';
    const owned = (this.o.registry.list(replicaSetsResource, namespace) as ReplicaSet[]).filter(
      (rs) => controllerOf(rs)?.uid === uid,
    );
    const hash = podTemplateHash(deployment.spec.template);
    const replicas = deployment.spec.replicas ?? 1;
    const strategy = deployment.spec.strategy as
      { rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } } | undefined;
    const maxSurge = percentOf(strategy?.rollingUpdate?.maxSurge, replicas, true);
    let current = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const revisions = owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? '0'));
    if (!current) {
      const revision = String(Math.max(0, ...revisions) + 1);
      current = this.createReplicaSet(deployment, hash, revision, replicas, maxSurge);
    } else if ((current.spec.replicas ?? 1) !== replicas) {
      this.scale(deployment, current, replicas, maxSurge);
    }
    for (const old of owned) {
      if (old.metadata.uid !== current.metadata.uid && (old.spec.replicas ?? 0) > 0)
        this.scale(deployment, old, 0, maxSurge);
    }
    const revision = current.metadata.annotations?.[REVISION] ?? '1';
    this.o.registry.mutate(
      deploymentsResource,
      namespace,
      name,
      (object) => {
        object.metadata.annotations = {
          ...(object.metadata.annotations ?? {}),
          [REVISION]: revision,
        };
      },
      { manager: 'kube-controller-manager', trusted: true },
    );
    this.writeStatus(deployment, current, owned);
  }

  private createReplicaSet(
    d: Deployment,
    hash: string,
    revision: string,
    replicas: number,
    maxSurge: number,
  ): ReplicaSet {
    const template = cloneJson(d.spec.template ?? {});
    const labels = { ...(template.metadata?.labels ?? {}), [HASH_LABEL]: hash };
    template.metadata = { ...(template.metadata ?? {}), labels };
    const selector = cloneJson(d.spec.selector ?? {});
    selector.matchLabels = { ...(selector.matchLabels ?? {}), [HASH_LABEL]: hash };
    const name = `${d.metadata.name ?? ''}-${hash}`;
    const rs = this.o.registry.create(
      replicaSetsResource,
      d.metadata.namespace,
      {
        metadata: {
          name,
          labels,
          annotations: {
            'deployment.kubernetes.io/desired-replicas': String(replicas),
            'deployment.kubernetes.io/max-replicas': String(replicas + maxSurge),
            [REVISION]: revision,
          },
          ownerReferences: [
            {
              apiVersion: 'apps/v1',
              kind: 'Deployment',
              name: d.metadata.name ?? '',
              uid: d.metadata.uid ?? '',
              controller: true,
              blockOwnerDeletion: true,
            },
          ],
        },
        spec: { replicas, selector, template },
      },
      { manager: 'kube-controller-manager' },
    ) as ReplicaSet;
    this.o.events.record(d, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled up replica set ${name} to ${replicas}`,
      component: 'deployment-controller',
    });
    return rs;
  }

  private scale(d: Deployment, rs: ReplicaSet, replicas: number, maxSurge: number): void {
    const from = rs.spec.replicas ?? 1;
    this.o.registry.mutate(
      replicaSetsResource,
      rs.metadata.namespace,
      rs.metadata.name ?? '',
      (object) => {
        const target = object as ReplicaSet;
        target.spec.replicas = replicas;
        target.metadata.annotations = {
          ...(target.metadata.annotations ?? {}),
          'deployment.kubernetes.io/desired-replicas': String(d.spec.replicas ?? 1),
          'deployment.kubernetes.io/max-replicas': String((d.spec.replicas ?? 1) + maxSurge),
        };
      },
      { manager: 'kube-controller-manager' },
    );
    const verb = replicas > from ? 'up' : 'down';
    this.o.events.record(d, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${verb} replica set ${rs.metadata.name ?? ''} to ${replicas}`,
      component: 'deployment-controller',
    });
  }

  private writeStatus(d: Deployment, current: ReplicaSet, owned: ReplicaSet[]): void {
    const all = this.o.registry
      .list(replicaSetsResource, d.metadata.namespace)
      .filter(
        (rs) =>
          owned.some((o) => o.metadata.uid === rs.metadata.uid) ||
          rs.metadata.uid === current.metadata.uid,
      ) as ReplicaSet[];
    const count = (rs: ReplicaSet, key: string): number => Number(rs.status?.[key] ?? 0);
    const replicas = all.reduce((n, rs) => n + count(rs, 'replicas'), 0);
    const fresh = all.find((rs) => rs.metadata.uid === current.metadata.uid);
    const updated = fresh ? count(fresh, 'replicas') : 0;
    const ready = all.reduce((n, rs) => n + count(rs, 'readyReplicas'), 0);
    const available = all.reduce((n, rs) => n + count(rs, 'availableReplicas'), 0);
    const desired = d.spec.replicas ?? 1;
    const strategy = d.spec.strategy as
      { rollingUpdate?: { maxUnavailable?: unknown } } | undefined;
    const maxUnavailable = percentOf(strategy?.rollingUpdate?.maxUnavailable, desired, false);
    const isAvailable = available >= desired - maxUnavailable;
    const complete = updated === desired && available === desired && replicas === desired;
    const now = formatTime(this.o.clock.now());
    const rsName = current.metadata.name ?? '';
    this.o.registry.mutate(
      deploymentsResource,
      d.metadata.namespace,
      d.metadata.name ?? '',
      (object) => {
        const previous =
          (object.status as { conditions?: Array<Record<string, string>> } | undefined)
            ?.conditions ?? [];
        const condition = (
          type: string,
          status: string,
          reason: string,
          message: string,
        ): Record<string, string> => {
          const before = previous.find((c) => c.type === type);
          const same =
            before &&
            before.status === status &&
            before.reason === reason &&
            before.message === message;
          return {
            type,
            status,
            lastUpdateTime: same ? (before.lastUpdateTime ?? now) : now,
            lastTransitionTime:
              before && before.status === status ? (before.lastTransitionTime ?? now) : now,
            reason,
            message,
          };
        };
        const status: Record<string, unknown> = {
          observedGeneration: object.metadata.generation ?? 1,
          replicas,
          updatedReplicas: updated,
        };
        if (ready > 0) status.readyReplicas = ready;
        if (available > 0) status.availableReplicas = available;
        if (replicas - available > 0) status.unavailableReplicas = replicas - available;
        status.conditions = [
          isAvailable
            ? condition(
                'Available',
                'True',
                'MinimumReplicasAvailable',
                'Deployment has minimum availability.',
              )
            : condition(
                'Available',
                'False',
                'MinimumReplicasUnavailable',
                'Deployment does not have minimum availability.',
              ),
          complete
            ? condition(
                'Progressing',
                'True',
                'NewReplicaSetAvailable',
                `ReplicaSet "${rsName}" has successfully progressed.`,
              )
            : condition(
                'Progressing',
                'True',
                'ReplicaSetUpdated',
                `ReplicaSet "${rsName}" is progressing.`,
              ),
        ];
        object.status = status;
      },
      { manager: 'kube-controller-manager', subresource: 'status' },
    );
  }
}
