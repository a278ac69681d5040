/**
 * The simulated kube-scheduler: binds each new pod to a node with room for its requests (CPU,
 * memory, pod count), a matching nodeSelector and tolerated taints. A pod that fits nowhere
 * stays Pending with `PodScheduled=False/Unschedulable` and a FailedScheduling event worded
 * like kube-scheduler 1.26's; it is retried whenever pods go away or nodes change.
 */
import { formatTime, type SimClock } from '../clock.js';
import type { Registry } from '../api/registry.js';
import { nodesResource, podsResource } from '../api/resources/index.js';
import { amount, cpuMillis } from '../quantity.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import type { Container, Node, Pod, PodCondition } from '../types.js';
import type { EventRecorder } from './event-recorder.js';

export interface SchedulerOptions {
  store: ObjectStore;
  registry: Registry;
  clock: SimClock;
  events: EventRecorder;
}

interface Requests {
  cpu: number;
  memory: number;
}

/** Sum of container requests (kube-scheduler ignores limits once requests are defaulted). */
function requestsOf(pod: Pod): Requests {
  const sum = (containers: Container[] | undefined): Requests => {
    const total: Requests = { cpu: 0, memory: 0 };
    for (const c of containers ?? []) {
      total.cpu += cpuMillis(c.resources?.requests?.cpu);
      total.memory += amount(c.resources?.requests?.memory);
    }
    return total;
  };
  const regular = sum(pod.spec.containers);
  const init = (pod.spec.initContainers ?? []).map((c) => sum([c]));
  return {
    cpu: Math.max(regular.cpu, ...init.map((r) => r.cpu)),
    memory: Math.max(regular.memory, ...init.map((r) => r.memory)),
  };
}

const RETRY_UNSCHEDULABLE_MS = 5 * 60 * 1000;

export class Scheduler {
  private unsubscribe: () => void = () => {};
  private retryTimer: number | undefined;

  constructor(private readonly o: SchedulerOptions) {}

  start(): void {
    this.unsubscribe = this.o.store.subscribe({}, this.o.store.currentRevision, (event) =>
      this.onEvent(event),
    );
    this.scheduleAll();
  }

  stop(): void {
    this.unsubscribe();
    this.o.clock.clearTimeout(this.retryTimer);
  }

  private onEvent(event: StoreEvent): void {
    if (event.resourceKey === '/nodes') {
      this.scheduleAll();
      return;
    }
    if (event.resourceKey !== '/pods') return;
    const pod = event.object as Pod;
    if (event.type === 'ADDED') this.scheduleOne(pod);
    // Freed capacity may let waiting pods in.
    else if (event.type === 'DELETED' && pod.spec.nodeName) this.scheduleAll();
  }

  private wantsScheduling(pod: Pod): boolean {
    return (
      !pod.spec.nodeName &&
      !pod.metadata.deletionTimestamp &&
      (pod.spec.schedulerName ?? 'default-scheduler') === 'default-scheduler'
    );
  }

  private scheduleAll(): void {
    const waiting: Pod[] = [];
    this.o.store.scan(podsResource, undefined, (p) => {
      if (this.wantsScheduling(p as Pod)) waiting.push(p as Pod);
    });
    for (const pod of waiting) this.scheduleOne(pod);
  }

  private scheduleOne(snapshot: Pod): void {
    const pod = this.o.registry.find(
      podsResource,
      snapshot.metadata.namespace,
      snapshot.metadata.name ?? '',
    ) as Pod | undefined;
    if (!pod || pod.metadata.uid !== snapshot.metadata.uid || !this.wantsScheduling(pod)) return;
    const nodes = this.o.registry.list(nodesResource, undefined) as Node[];
    // Read-only looks at the stored pods: copying every pod of the cluster per decision is what
    // made scheduling cost grow with the number of namespaces.
    // One pass groups the pods by node, instead of one pass over all pods per node.
    const podsByNode = new Map<string, Pod[]>();
    this.o.store.scan(
      podsResource,
      undefined,
      (p) => {
        const nodeName = (p as Pod).spec.nodeName;
        if (!nodeName) return;
        const list = podsByNode.get(nodeName) ?? [];
        list.push(p as Pod);
        podsByNode.set(nodeName, list);
      },
      { ordered: false },
    );
    const want = requestsOf(pod);
    const reasons = new Map<string, number>();
    let insufficient = 0;
    const fits: Node[] = [];
    for (const node of nodes) {
      const nodeReasons = this.misfits(
        node,
        pod,
        want,
        podsByNode.get(node.metadata.name ?? '') ?? [],
      );
      if (nodeReasons.length === 0) fits.push(node);
      if (nodeReasons.some((r) => r.startsWith('Insufficient') || r === 'Too many pods'))
        insufficient++;
      for (const r of nodeReasons) reasons.set(r, (reasons.get(r) ?? 0) + 1);
    }
    const chosen = fits[0];
    if (chosen) {
      this.bind(pod, chosen);
      return;
    }
    const total = nodes.length;
    const summary = [...reasons.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, count]) => `${count} ${reason}`)
      .join(', ');
    const preemptionParts: string[] = [];
    if (insufficient > 0)
      preemptionParts.push(`${insufficient} No preemption victims found for incoming pod`);
    if (total - insufficient > 0)
      preemptionParts.push(`${total - insufficient} Preemption is not helpful for scheduling`);
    const message =
      total === 0
        ? 'no nodes available to schedule pods'
        : `0/${total} nodes are available: ${summary}. preemption: 0/${total} nodes are available: ${preemptionParts.join(', ')}..`;
    this.markUnschedulable(pod, message);
  }

  /** Why `pod` cannot go to `node` (empty when it can). */
  private misfits(node: Node, pod: Pod, want: Requests, pods: Pod[]): string[] {
    const reasons: string[] = [];
    if (node.spec.unschedulable) reasons.push('node(s) were unschedulable');
    const selector = pod.spec.nodeSelector ?? {};
    const labels = node.metadata.labels ?? {};
    if (Object.entries(selector).some(([k, v]) => labels[k] !== v))
      reasons.push("node(s) didn't match Pod's node affinity/selector");
    for (const taint of node.spec.taints ?? []) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      const tolerated = (pod.spec.tolerations ?? []).some(
        (t) =>
          (t.operator === 'Exists' && (!t.key || t.key === taint.key)) ||
          (t.key === taint.key && (t.value ?? '') === (taint.value ?? '')),
      );
      if (!tolerated)
        reasons.push(`node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
    }
    const onNode = pods.filter(
      (p) =>
        p.spec.nodeName === node.metadata.name &&
        p.status.phase !== 'Succeeded' &&
        p.status.phase !== 'Failed',
    );
    const used = onNode.reduce(
      (acc, p) => {
        const r = requestsOf(p);
        return { cpu: acc.cpu + r.cpu, memory: acc.memory + r.memory };
      },
      { cpu: 0, memory: 0 },
    );
    const allocatable = node.status.allocatable;
    if (onNode.length + 1 > Number(allocatable.pods ?? '110')) reasons.push('Too many pods');
    if (want.cpu > 0 && used.cpu + want.cpu > cpuMillis(allocatable.cpu))
      reasons.push('Insufficient cpu');
    if (want.memory > 0 && used.memory + want.memory > amount(allocatable.memory))
      reasons.push('Insufficient memory');
    return reasons;
  }

  private bind(pod: Pod, node: Node): void {
    const nodeName = node.metadata.name ?? '';
    const now = formatTime(this.o.clock.now());
    // What POST pods/<name>/binding does: set spec.nodeName and the PodScheduled condition.
    const bound = this.o.registry.mutate(
      podsResource,
      pod.metadata.namespace,
      pod.metadata.name ?? '',
      (object) => {
        const p = object as Pod;
        if (p.metadata.uid !== pod.metadata.uid || p.spec.nodeName) return;
        p.spec.nodeName = nodeName;
        const others = (p.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        p.status.conditions = [
          ...others,
          { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: now },
        ];
      },
      { manager: 'kube-scheduler', trusted: true },
    );
    if (!bound || (bound as Pod).spec.nodeName !== nodeName) return;
    this.o.events.record(pod, {
      type: 'Normal',
      reason: 'Scheduled',
      message: `Successfully assigned ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name ?? ''} to ${nodeName}`,
      component: 'default-scheduler',
      action: 'Binding',
    });
  }

  private markUnschedulable(pod: Pod, message: string): void {
    const now = formatTime(this.o.clock.now());
    this.o.registry.mutate(
      podsResource,
      pod.metadata.namespace,
      pod.metadata.name ?? '',
      (object) => {
        const p = object as Pod;
        if (p.metadata.uid !== pod.metadata.uid) return;
        const previous = (p.status.conditions ?? []).find((c) => c.type === 'PodScheduled');
        const condition: PodCondition = {
          type: 'PodScheduled',
          status: 'False',
          lastProbeTime: null,
          lastTransitionTime: previous?.status === 'False' ? previous.lastTransitionTime : now,
          reason: 'Unschedulable',
          message,
        };
        p.status.conditions = [
          ...(p.status.conditions ?? []).filter((c) => c.type !== 'PodScheduled'),
          condition,
        ];
      },
      { manager: 'kube-scheduler', subresource: 'status' },
    );
    this.o.events.record(pod, {
      type: 'Warning',
      reason: 'FailedScheduling',
      message,
      component: 'default-scheduler',
      action: 'Scheduling',
    });
    // kube-scheduler moves long-unschedulable pods back to its active queue every 5 minutes.
    if (this.retryTimer === undefined) {
      this.retryTimer = this.o.clock.setTimeout(() => {
        this.retryTimer = undefined;
        this.scheduleAll();
      }, RETRY_UNSCHEDULABLE_MS);
    }
  }
}
