/**
 * Writes core/v1 Events the way the real components do: kubelet and controller-manager events
 * with `source`, `firstTimestamp`/`lastTimestamp` and a `count` that grows when the same event
 * repeats; scheduler events in the events.k8s.io style (`eventTime`, `action`, null timestamps,
 * a `series` when repeated).
 */
import { formatMicroTime, formatTime, type SimClock } from '../clock.js';
import type { Registry } from '../api/registry.js';
import { eventsResource } from '../api/resources/index.js';
import { ApiError } from '../errors.js';
import type { CoreEvent, KubeObject } from '../types.js';

export interface EventSpec {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** e.g. `kubelet`, `default-scheduler`, `replicaset-controller`. */
  component: string;
  /** Node name for kubelet events. */
  host?: string;
  /** e.g. `spec.containers{web}` for container events. */
  fieldPath?: string;
  /** events.k8s.io-style event (the scheduler's) with this action. */
  action?: string;
}

const MANAGER: Record<string, string> = {
  kubelet: 'kubelet',
  'default-scheduler': 'kube-scheduler',
};

export class EventRecorder {
  private lastNanos = 0n;

  constructor(
    private readonly registry: Registry,
    private readonly clock: SimClock,
  ) {}

  record(involved: KubeObject, spec: EventSpec): void {
    const namespace = involved.metadata.namespace ?? 'default';
    const manager = MANAGER[spec.component] ?? 'kube-controller-manager';
    const now = this.clock.now();
    const existing = this.registry
      .list(eventsResource, namespace, {
        fieldSelector: `involvedObject.uid=${involved.metadata.uid ?? ''}`,
      })
      .map((e) => e as CoreEvent)
      .find(
        (e) =>
          e.reason === spec.reason &&
          e.message === spec.message &&
          (e.involvedObject.fieldPath ?? '') === (spec.fieldPath ?? '') &&
          (e.source.component ?? e.reportingComponent) === spec.component,
      );
    if (existing) {
      this.registry.mutate(
        eventsResource,
        namespace,
        existing.metadata.name ?? '',
        (object) => {
          const event = object as CoreEvent;
          if (spec.action) {
            const series = (event.series as { count?: number } | undefined)?.count ?? 1;
            event.series = { count: series + 1, lastObservedTime: formatMicroTime(now) };
          } else {
            event.count = (event.count ?? 1) + 1;
            event.lastTimestamp = formatTime(now);
          }
        },
        { manager },
      );
      return;
    }
    const involvedObject: CoreEvent['involvedObject'] = {
      kind: involved.kind,
      namespace,
      name: involved.metadata.name ?? '',
      uid: involved.metadata.uid ?? '',
      apiVersion: involved.apiVersion,
      resourceVersion: involved.metadata.resourceVersion ?? '',
    };
    if (spec.fieldPath) involvedObject.fieldPath = spec.fieldPath;
    const body: Record<string, unknown> = {
      metadata: { name: `${involved.metadata.name ?? 'event'}.${this.uniqueHex(now)}`, namespace },
      involvedObject,
      reason: spec.reason,
      message: spec.message,
    };
    if (spec.action) {
      Object.assign(body, {
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        type: spec.type,
        eventTime: formatMicroTime(now),
        action: spec.action,
        reportingComponent: spec.component,
        reportingInstance: `${spec.component}-sim-control-plane`,
      });
    } else {
      Object.assign(body, {
        source: spec.host
          ? { component: spec.component, host: spec.host }
          : { component: spec.component },
        firstTimestamp: formatTime(now),
        lastTimestamp: formatTime(now),
        count: 1,
        type: spec.type,
        eventTime: null,
        reportingComponent: spec.component,
        reportingInstance: spec.host ?? '',
      });
    }
    try {
      this.registry.create(eventsResource, namespace, body, { manager });
    } catch (error) {
      // Like a real component, an event the API refuses (e.g. in a Terminating namespace) is dropped.
      if (!(error instanceof ApiError)) throw error;
    }
  }

  /** `%x` of the time in nanoseconds, as client-go names events; bumped to stay unique. */
  private uniqueHex(now: Date): string {
    let nanos = BigInt(now.getTime()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return nanos.toString(16);
  }
}
