/**
 * The simulated kubelet of one node. For each pod bound to its node it creates a sandbox (pod
 * IP), gets each container's image through its image puller (`image-puller.ts`: Pulling/Pulled,
 * or ErrImagePull then ImagePullBackOff), creates and starts containers (Created/Started),
 * restarts exited ones by the restart policy (CrashLoopBackOff), and on deletion stops them
 * (Killing) before removing the pod. Status is written through the `status` subresource.
 */
import { randomBytes } from 'node:crypto';
import { formatTime, type SimClock } from '../clock.js';
import { ApiError } from '../errors.js';
import type { Registry } from '../api/registry.js';
import { podsResource } from '../api/resources/index.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { resourceKeyOf } from '../store/object-store.js';
import type { Pod } from '../types.js';
import { behaviourFor } from './container-behaviour.js';
import type { ContainerLogs } from './container-logs.js';
import type { EventRecorder } from './event-recorder.js';
import { parseImageReference, type ImageCatalogue } from './image-catalogue.js';
import { ImagePuller, imageReference } from './image-puller.js';
import type { ContainerProcess, PodRuntime } from './pod-runtime.js';
import { kubeletStatus } from './pod-status.js';

export interface KubeletTimings {
  /** Sandbox creation until the pod has an IP. */
  sandboxMs: number;
  /** One image pull. */
  pullMs: number;
  /** From a failed pull to ImagePullBackOff (the next pod sync). */
  syncMs: number;
  /** First image-pull and crash back-off; doubles up to maxBackoffMs. */
  initialBackoffMs: number;
  maxBackoffMs: number;
  /** How long a container that honours SIGTERM takes to stop. */
  stopMs: number;
}

export const DEFAULT_TIMINGS: KubeletTimings = {
  sandboxMs: 500,
  pullMs: 2000,
  syncMs: 1000,
  initialBackoffMs: 10_000,
  maxBackoffMs: 300_000,
  stopMs: 300,
};

export interface KubeletOptions {
  nodeName: string;
  hostIP: string;
  /** First three octets of this node's pod range, e.g. `10.244.0`. */
  podSubnet: string;
  timings: KubeletTimings;
  store: ObjectStore;
  registry: Registry;
  clock: SimClock;
  events: EventRecorder;
  logs: ContainerLogs;
  images: ImageCatalogue;
}

export class Kubelet {
  private readonly pods = new Map<string, PodRuntime>();
  private readonly puller: ImagePuller;
  private nextIp = 5;
  private unsubscribe: () => void = () => {};

  constructor(private readonly o: KubeletOptions) {
    this.puller = new ImagePuller({
      timings: o.timings,
      images: o.images,
      event: (runtime, container, type, reason, message) =>
        this.event(runtime, container, type, reason, message),
      writeStatus: (runtime) => this.writeStatus(runtime),
      after: (runtime, ms, run) => this.after(runtime, ms, run),
      startContainer: (runtime, container) => this.run(runtime, container, true),
    });
  }

  start(): void {
    this.unsubscribe = this.o.store.subscribe(
      { resourceKey: resourceKeyOf(podsResource) },
      this.o.store.currentRevision,
      (event) => this.onPodEvent(event),
    );
    for (const pod of this.o.registry.list(podsResource, undefined) as Pod[]) this.sync(pod);
  }

  stop(): void {
    this.unsubscribe();
    for (const runtime of this.pods.values()) this.clearTimers(runtime);
    this.pods.clear();
  }

  /** Images this node has pulled (`docker.io/library/nginx:1.28`). */
  images(): string[] {
    return this.puller.images();
  }

  private onPodEvent(event: StoreEvent): void {
    const pod = event.object as Pod;
    if (event.type === 'DELETED') {
      const runtime = this.pods.get(pod.metadata.uid ?? '');
      if (runtime) {
        this.clearTimers(runtime);
        this.pods.delete(runtime.uid);
        this.o.logs.drop(runtime.uid);
      }
      return;
    }
    this.sync(pod);
  }

  private sync(pod: Pod): void {
    if (pod.spec.nodeName !== this.o.nodeName) return;
    const uid = pod.metadata.uid ?? '';
    const runtime = this.pods.get(uid);
    if (!runtime) {
      if (pod.metadata.deletionTimestamp) {
        this.removePod(pod);
        return;
      }
      this.admit(pod);
      return;
    }
    if (pod.metadata.deletionTimestamp && !runtime.terminating) this.terminate(runtime, pod);
  }

  private admit(pod: Pod): void {
    const runtime: PodRuntime = {
      uid: pod.metadata.uid ?? '',
      namespace: pod.metadata.namespace ?? 'default',
      name: pod.metadata.name ?? '',
      startTime: pod.status.startTime ?? formatTime(this.o.clock.now()),
      containers: (pod.spec.containers ?? []).map((spec) => ({
        name: spec.name ?? '',
        image: spec.image ?? '',
        spec,
        state: 'waiting',
        waitingReason: 'ContainerCreating',
        restartCount: 0,
        pullBackoffMs: this.o.timings.initialBackoffMs,
        crashBackoffMs: 0,
      })),
      terminating: false,
      timers: new Set(),
    };
    this.pods.set(runtime.uid, runtime);
    if (pod.status.phase === 'Running' && pod.status.podIP) {
      this.adoptRunning(runtime, pod);
      return;
    }
    this.writeStatus(runtime);
    this.after(runtime, this.o.timings.sandboxMs, () => {
      runtime.podIP = `${this.o.podSubnet}.${this.nextIp++}`;
      this.writeStatus(runtime);
      this.startContainers(runtime, 0);
    });
  }

  /** A pod seeded as already Running: take it over as it is. */
  private adoptRunning(runtime: PodRuntime, pod: Pod): void {
    runtime.podIP = pod.status.podIP;
    for (const c of runtime.containers) {
      const parsed = parseImageReference(c.image);
      if ('error' in parsed) continue;
      c.parsed = parsed;
      this.run(runtime, c, false);
    }
  }

  private startContainers(runtime: PodRuntime, index: number): void {
    const container = runtime.containers[index];
    if (!container || runtime.terminating) return;
    this.puller.ensureImage(runtime, container, () => this.startContainers(runtime, index + 1));
  }

  private event(
    runtime: PodRuntime,
    container: ContainerProcess | undefined,
    type: 'Normal' | 'Warning',
    reason: string,
    message: string,
  ): void {
    const pod = this.o.registry.find(podsResource, runtime.namespace, runtime.name);
    if (!pod || pod.metadata.uid !== runtime.uid) return;
    this.o.events.record(pod, {
      type,
      reason,
      message,
      component: 'kubelet',
      host: this.o.nodeName,
      ...(container ? { fieldPath: `spec.containers{${container.name}}` } : {}),
    });
  }

  /** Creates and starts the container process (after a successful pull or a restart). */
  private run(runtime: PodRuntime, c: ContainerProcess, announce: boolean): void {
    const parsed = c.parsed;
    if (!parsed || runtime.terminating) return;
    const now = this.o.clock.now();
    c.behaviour = behaviourFor(this.o.images.behaviourOf(parsed), parsed, c.spec);
    c.state = 'running';
    c.waitingMessage = undefined;
    c.startedAt = formatTime(now);
    c.containerID = `containerd://${randomBytes(32).toString('hex')}`;
    c.resolvedImage = imageReference(parsed);
    c.imageID = `${parsed.fullRepository}@${this.o.images.digestOf(parsed)}`;
    if (announce) {
      this.event(runtime, c, 'Normal', 'Created', `Created container ${c.name}`);
      this.event(runtime, c, 'Normal', 'Started', `Started container ${c.name}`);
    }
    for (const line of c.behaviour.startupLines(now))
      this.o.logs.append(runtime.uid, c.name, c.restartCount, line, now);
    this.writeStatus(runtime);
    const exitsAfter = c.behaviour.exitsAfterMs;
    if (exitsAfter !== undefined) {
      c.timer = this.after(runtime, exitsAfter, () =>
        this.exited(runtime, c, c.behaviour?.exitCode ?? 0),
      );
    }
  }

  private exited(runtime: PodRuntime, c: ContainerProcess, exitCode: number): void {
    this.recordExit(runtime, c, exitCode, formatTime(this.o.clock.now()));
    this.writeStatus(runtime);
    const pod = this.o.registry.find(podsResource, runtime.namespace, runtime.name) as
      Pod | undefined;
    const policy = pod?.spec.restartPolicy ?? 'Always';
    if (runtime.terminating || policy === 'Never' || (policy === 'OnFailure' && exitCode === 0))
      return;
    // First restart is immediate; later ones wait a doubling back-off (CrashLoopBackOff).
    const delay = c.crashBackoffMs;
    c.crashBackoffMs =
      delay === 0
        ? this.o.timings.initialBackoffMs
        : Math.min(delay * 2, this.o.timings.maxBackoffMs);
    const restart = (): void => {
      if (c.state === 'terminated') {
        c.lastTerminated = c.terminated;
        c.terminated = undefined;
        c.restartCount++;
      }
      this.event(
        runtime,
        c,
        'Normal',
        'Pulled',
        `Container image "${c.image}" already present on machine`,
      );
      this.run(runtime, c, true);
    };
    if (delay === 0) {
      this.after(runtime, this.o.timings.syncMs, restart);
      return;
    }
    this.after(runtime, this.o.timings.syncMs, () => {
      c.lastTerminated = c.terminated;
      c.terminated = undefined;
      c.restartCount++;
      c.state = 'waiting';
      c.waitingReason = 'CrashLoopBackOff';
      c.waitingMessage = `back-off ${delay / 1000}s restarting failed container=${c.name} pod=${runtime.name}_${runtime.namespace}(${runtime.uid})`;
      this.event(
        runtime,
        c,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${runtime.name}_${runtime.namespace}(${runtime.uid})`,
      );
      this.writeStatus(runtime);
      this.after(runtime, delay, restart);
    });
  }

  /** A container's end: its terminated state (Completed on 0, Error otherwise) and its log's end. */
  private recordExit(
    runtime: PodRuntime,
    c: ContainerProcess,
    exitCode: number,
    now: string,
  ): void {
    c.state = 'terminated';
    c.terminated = {
      exitCode,
      reason: exitCode === 0 ? 'Completed' : 'Error',
      startedAt: c.startedAt ?? now,
      finishedAt: now,
      containerID: c.containerID ?? '',
    };
    this.o.logs.end(runtime.uid, c.name, c.restartCount);
  }

  private terminate(runtime: PodRuntime, pod: Pod): void {
    runtime.terminating = true;
    this.clearTimers(runtime);
    const running = runtime.containers.filter((c) => c.state === 'running');
    for (const c of running)
      this.event(runtime, c, 'Normal', 'Killing', `Stopping container ${c.name}`);
    const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 30) * 1000;
    const stubborn = running.some((c) => c.behaviour && !c.behaviour.stopsOnSigterm);
    const stopMs =
      running.length === 0 ? 0 : stubborn ? graceMs : Math.min(graceMs, this.o.timings.stopMs);
    this.after(runtime, stopMs, () => {
      const now = formatTime(this.o.clock.now());
      for (const c of running) {
        // SIGKILL after the grace period: 128 + 9.
        const killed = c.behaviour !== undefined && !c.behaviour.stopsOnSigterm;
        this.recordExit(runtime, c, killed ? 137 : 0, now);
      }
      this.writeStatus(runtime);
      const current = this.o.registry.find(podsResource, runtime.namespace, runtime.name) as
        Pod | undefined;
      if (current && current.metadata.uid === runtime.uid) this.removePod(current);
    });
  }

  /** The kubelet's last word on a terminating pod: delete it with grace 0. */
  private removePod(pod: Pod): void {
    try {
      this.o.registry.delete(podsResource, pod.metadata.namespace, pod.metadata.name ?? '', {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid ?? '' },
      });
    } catch (error) {
      // Already gone, or replaced by a new pod of the same name: nothing left to do.
      if (!(error instanceof ApiError && (error.code === 404 || error.code === 409))) throw error;
    }
  }

  private writeStatus(runtime: PodRuntime): void {
    const now = this.o.clock.now();
    this.o.registry.mutate(
      podsResource,
      runtime.namespace,
      runtime.name,
      (object) => {
        const pod = object as Pod;
        if (pod.metadata.uid !== runtime.uid) return;
        pod.status = kubeletStatus(
          pod,
          {
            hostIP: this.o.hostIP,
            ...(runtime.podIP ? { podIP: runtime.podIP } : {}),
            startTime: runtime.startTime,
            containers: runtime.containers,
            terminating: runtime.terminating,
          },
          now,
        );
      },
      { manager: 'kubelet', subresource: 'status' },
    );
  }

  private after(runtime: PodRuntime, ms: number, run: () => void): number {
    const id = this.o.clock.setTimeout(() => {
      runtime.timers.delete(id);
      if (!this.pods.has(runtime.uid)) return;
      run();
    }, ms);
    runtime.timers.add(id);
    return id;
  }

  private clearTimers(runtime: PodRuntime): void {
    for (const id of runtime.timers) this.o.clock.clearTimeout(id);
    runtime.timers.clear();
  }
}
