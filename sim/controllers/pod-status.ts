/**
 * Pod status as the kubelet reports it, computed from what the simulated containers are doing:
 * phase (kubelet's getPhase), conditions and container statuses.
 */
import { formatTime } from '../clock.js';
import type { ContainerState, ContainerStatus, Pod, PodCondition, PodStatus } from '../types.js';

export interface TerminatedState {
  exitCode: number;
  reason: string;
  startedAt: string;
  finishedAt: string;
  containerID: string;
}

/** One container as the simulated runtime knows it. */
export interface ContainerRuntime {
  name: string;
  /** The image as written in the spec. */
  image: string;
  /** Fully qualified (`docker.io/library/nginx:1.28`) once pulled. */
  resolvedImage?: string;
  imageID?: string;
  state: 'waiting' | 'running' | 'terminated';
  waitingReason: string;
  waitingMessage?: string;
  startedAt?: string;
  containerID?: string;
  terminated?: TerminatedState;
  lastTerminated?: TerminatedState;
  restartCount: number;
}

export interface PodRuntimeView {
  hostIP: string;
  podIP?: string;
  startTime: string;
  containers: ContainerRuntime[];
  terminating: boolean;
}

function stateOf(c: ContainerRuntime): ContainerState {
  if (c.state === 'running') return { running: { startedAt: c.startedAt ?? '' } };
  if (c.state === 'terminated' && c.terminated) return { terminated: { ...c.terminated } };
  return {
    waiting: {
      reason: c.waitingReason,
      ...(c.waitingMessage ? { message: c.waitingMessage } : {}),
    },
  };
}

function containerStatus(c: ContainerRuntime): ContainerStatus {
  const status: ContainerStatus = {
    name: c.name,
    state: stateOf(c),
    lastState: c.lastTerminated ? { terminated: { ...c.lastTerminated } } : {},
    ready: c.state === 'running',
    restartCount: c.restartCount,
    image: c.resolvedImage ?? c.image,
    imageID: c.imageID ?? '',
    started: c.state === 'running',
  };
  const containerID =
    c.state === 'terminated'
      ? c.terminated?.containerID
      : c.state === 'running'
        ? c.containerID
        : c.lastTerminated?.containerID;
  if (containerID) status.containerID = containerID;
  return status;
}

/** kubelet's getPhase for a pod without init containers. */
export function phaseOf(containers: ContainerRuntime[], restartPolicy: string): string {
  let waiting = 0;
  let running = 0;
  let stopped = 0;
  let succeeded = 0;
  for (const c of containers) {
    if (c.state === 'running') running++;
    else if (c.state === 'terminated') {
      stopped++;
      if (c.terminated?.exitCode === 0) succeeded++;
    } else if (c.lastTerminated) stopped++;
    else waiting++;
  }
  if (waiting > 0) return 'Pending';
  if (running > 0) return 'Running';
  if (stopped > 0) {
    if (restartPolicy === 'Always') return 'Running';
    if (stopped === succeeded) return 'Succeeded';
    if (restartPolicy === 'OnFailure') return 'Running';
    return 'Failed';
  }
  return 'Pending';
}

function condition(
  previous: PodCondition[] | undefined,
  next: Omit<PodCondition, 'lastTransitionTime' | 'lastProbeTime'>,
  now: Date,
): PodCondition {
  const before = previous?.find((c) => c.type === next.type);
  const lastTransitionTime =
    before && before.status === next.status ? before.lastTransitionTime : formatTime(now);
  const out: PodCondition = {
    type: next.type,
    status: next.status,
    lastProbeTime: null,
    lastTransitionTime,
  };
  if (next.reason) out.reason = next.reason;
  if (next.message) out.message = next.message;
  return out;
}

/** The status the kubelet would write for this pod now. */
export function kubeletStatus(pod: Pod, view: PodRuntimeView, now: Date): PodStatus {
  const restartPolicy = view.terminating ? 'Never' : (pod.spec.restartPolicy ?? 'Always');
  const phase = phaseOf(view.containers, restartPolicy);
  const previous = pod.status.conditions;
  const unready = view.containers.filter((c) => c.state !== 'running').map((c) => c.name);
  const completed = phase === 'Succeeded' || phase === 'Failed';
  const readiness =
    unready.length === 0
      ? { status: 'True' as const }
      : {
          status: 'False' as const,
          reason: completed ? 'PodCompleted' : 'ContainersNotReady',
          ...(completed
            ? {}
            : { message: `containers with unready status: [${unready.join(' ')}]` }),
        };
  const scheduled = previous?.find((c) => c.type === 'PodScheduled');
  const conditions: PodCondition[] = [
    condition(
      previous,
      { type: 'Initialized', status: 'True', ...(completed ? { reason: 'PodCompleted' } : {}) },
      now,
    ),
    condition(previous, { type: 'Ready', ...readiness }, now),
    condition(previous, { type: 'ContainersReady', ...readiness }, now),
    scheduled ?? condition(previous, { type: 'PodScheduled', status: 'True' }, now),
  ];
  const status: PodStatus = { phase, conditions, hostIP: view.hostIP };
  if (view.podIP) {
    status.podIP = view.podIP;
    status.podIPs = [{ ip: view.podIP }];
  }
  status.startTime = view.startTime;
  status.containerStatuses = view.containers.map(containerStatus);
  status.qosClass = pod.status.qosClass;
  return status;
}
