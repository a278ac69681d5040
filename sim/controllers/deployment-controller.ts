/**
 * The Deployment controller: one ReplicaSet per pod template, named
 * `<deployment>-<pod-template-hash>`; a new template rolls out gradually (RollingUpdate within
 * maxSurge/maxUnavailable, or Recreate). Writes the revision annotations, ScalingReplicaSet
 * events and status with Available/Progressing conditions, including ProgressDeadlineExceeded
 * when a rollout makes no progress for `progressDeadlineSeconds`.
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

/** maxSurge rounds up and maxUnavailable down; both zero would stall, so unavailable is 1. */
function rolloutLimits(d: Deployment): {
  maxSurge: number;
  maxUnavailable: number;
  recreate: boolean;
} {
  const strategy = d.spec.strategy as
    { type?: string; rollingUpdate?: { maxSurge?: unknown; maxUnavailable?: unknown } } | undefined;
  const desired = d.spec.replicas ?? 1;
  const maxSurge = percentOf(strategy?.rollingUpdate?.maxSurge, desired, true);
  let maxUnavailable = percentOf(strategy?.rollingUpdate?.maxUnavailable, desired, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable, recreate: strategy?.type === 'Recreate' };
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
  private readonly deadlineTimers = new Map<string, number>();

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
    for (const timer of this.deadlineTimers.values()) this.o.clock.clearTimeout(timer);
    this.deadlineTimers.clear();
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
    const desired = deployment.spec.replicas ?? 1;
    const { maxSurge, maxUnavailable, recreate } = rolloutLimits(deployment);
    let current = owned.find((rs) => rs.metadata.labels?.[HASH_LABEL] === hash);
    const old = owned
      .filter((rs) => rs !== current)
      .sort((a, b) =>
        (a.metadata.creationTimestamp ?? '').localeCompare(b.metadata.creationTimestamp ?? ''),
      );
    const specReplicas = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;
    const oldReplicas = old.reduce((n, rs) => n + specReplicas(rs), 0);
    let progressed = false;

    if (recreate) {
      // Recreate: old pods all go first, then the new ReplicaSet gets every replica.
      for (const rs of old) if (specReplicas(rs) > 0) progressed = this.scale(deployment, rs, 0, 0);
      const oldStillRunning = old.some((rs) => Number(rs.status?.replicas ?? 0) > 0);
      if (!current && !oldStillRunning && oldReplicas === 0) {
        current = this.createReplicaSet(deployment, hash, this.nextRevision(owned), desired, 0);
        progressed = true;
      } else if (current && !oldStillRunning && specReplicas(current) !== desired) {
        progressed = this.scale(deployment, current, desired, 0);
      }
    } else {
      // RollingUpdate, as the deployment controller's rolloutRolling: scale the new ReplicaSet
      // up within maxSurge, then the old ones down while keeping desired - maxUnavailable
      // available.
      const total = oldReplicas + (current ? specReplicas(current) : 0);
      const surgeRoom = Math.max(0, desired + maxSurge - total);
      if (!current) {
        const replicas = oldReplicas === 0 ? desired : Math.min(surgeRoom, desired);
        current = this.createReplicaSet(
          deployment,
          hash,
          this.nextRevision(owned),
          replicas,
          maxSurge,
        );
        progressed = true;
      } else if (specReplicas(current) > desired) {
        progressed = this.scale(deployment, current, desired, maxSurge);
      } else if (specReplicas(current) < desired) {
        const target =
          oldReplicas === 0 ? desired : Math.min(specReplicas(current) + surgeRoom, desired);
        if (target !== specReplicas(current))
          progressed = this.scale(deployment, current, target, maxSurge);
      }
      progressed =
        this.scaleDownOld(deployment, current, old, maxUnavailable, maxSurge) || progressed;
    }
    if (!current) return;
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
    this.writeStatus(deployment, current, owned, progressed);
  }

  private nextRevision(owned: ReplicaSet[]): string {
    const revisions = owned.map((rs) => Number(rs.metadata.annotations?.[REVISION] ?? '0'));
    return String(Math.max(0, ...revisions) + 1);
  }

  /**
   * Old ReplicaSets go down as far as availability allows: unhealthy old pods first (they count
   * for nothing), then available ones while at least desired - maxUnavailable stay available.
   */
  private scaleDownOld(
    d: Deployment,
    current: ReplicaSet,
    old: ReplicaSet[],
    maxUnavailable: number,
    maxSurge: number,
  ): boolean {
    const desired = d.spec.replicas ?? 1;
    const replicasOf = (rs: ReplicaSet): number => rs.spec.replicas ?? 1;
    const availableOf = (rs: ReplicaSet): number => Number(rs.status?.availableReplicas ?? 0);
    const live = old.filter((rs) => replicasOf(rs) > 0);
    if (live.length === 0) return false;
    const minAvailable = desired - maxUnavailable;
    const all = [current, ...old];
    const allReplicas = all.reduce((n, rs) => n + replicasOf(rs), 0);
    const newUnavailable = Math.max(0, replicasOf(current) - availableOf(current));
    let room = allReplicas - minAvailable - newUnavailable;
    if (room <= 0) return false;
    let changed = false;
    const targets = new Map(live.map((rs) => [rs, replicasOf(rs)]));
    for (const rs of live) {
      const unhealthy = Math.max(0, replicasOf(rs) - availableOf(rs));
      const cut = Math.min(unhealthy, room);
      if (cut <= 0) continue;
      targets.set(rs, (targets.get(rs) ?? 0) - cut);
      room -= cut;
    }
    let available = all.reduce((n, rs) => n + availableOf(rs), 0);
    for (const rs of live) {
      const target = targets.get(rs) ?? 0;
      const cut = Math.min(target, Math.max(0, available - minAvailable));
      targets.set(rs, target - cut);
      available -= cut;
    }
    for (const rs of live) {
      const target = targets.get(rs) ?? 0;
      if (target !== replicasOf(rs)) changed = this.scale(d, rs, target, maxSurge) || changed;
    }
    return changed;
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

  private scale(d: Deployment, rs: ReplicaSet, replicas: number, maxSurge: number): boolean {
    const from = rs.spec.replicas ?? 1;
    if (from === replicas) return false;
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
    return true;
  }

  private writeStatus(
    d: Deployment,
    current: ReplicaSet,
    owned: ReplicaSet[],
    progressed: boolean,
  ): void {
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
    const deadlineMs = Number(d.spec.progressDeadlineSeconds ?? 600) * 1000;
    const before = (d.status ?? {}) as Record<string, unknown>;
    const counts = {
      replicas,
      updatedReplicas: updated,
      readyReplicas: ready,
      availableReplicas: available,
    };
    // Progress, as the real controller counts it: a ReplicaSet scaled, or pods that became
    // updated, ready or available.
    const progress =
      progressed ||
      Object.entries(counts).some(([key, value]) => Number(before[key] ?? 0) !== value);
    let deadlineAt: number | undefined;
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
        const progressing = (): Record<string, string> => {
          if (complete) {
            return condition(
              'Progressing',
              'True',
              'NewReplicaSetAvailable',
              `ReplicaSet "${rsName}" has successfully progressed.`,
            );
          }
          const last = previous.find((c) => c.type === 'Progressing');
          if (!progress && last?.reason === 'ProgressDeadlineExceeded') return last;
          const updating = condition(
            'Progressing',
            'True',
            'ReplicaSetUpdated',
            `ReplicaSet "${rsName}" is progressing.`,
          );
          if (progress) updating.lastUpdateTime = now;
          const since = Date.parse(updating.lastUpdateTime ?? now);
          if (this.o.clock.nowMs() - since >= deadlineMs) {
            return condition(
              'Progressing',
              'False',
              'ProgressDeadlineExceeded',
              `ReplicaSet "${rsName}" has timed out progressing.`,
            );
          }
          deadlineAt = since + deadlineMs;
          return updating;
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
          progressing(),
        ];
        object.status = status;
      },
      { manager: 'kube-controller-manager', subresource: 'status' },
    );
    this.checkDeadlineAt(d, deadlineAt);
  }

  /** Looks again when the progress deadline passes, so a stuck rollout is reported as such. */
  private checkDeadlineAt(d: Deployment, at: number | undefined): void {
    const key = `${d.metadata.namespace ?? ''}/${d.metadata.name ?? ''}`;
    this.o.clock.clearTimeout(this.deadlineTimers.get(key));
    this.deadlineTimers.delete(key);
    if (at === undefined) return;
    const delay = Math.max(0, at - this.o.clock.nowMs()) + 1000;
    this.deadlineTimers.set(
      key,
      this.o.clock.setTimeout(() => {
        this.deadlineTimers.delete(key);
        this.reconcile(d.metadata.namespace, d.metadata.name ?? '');
      }, delay),
    );
  }
}
