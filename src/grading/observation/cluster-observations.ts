import type { EvidenceItem } from '../attempt-grade.js';
import type { ClusterReader, KubeObject } from '../cluster-reader.js';
import type { GradingClock } from '../grading-clock.js';
import { withoutManagedFields } from '../kubernetes/pod-facts.js';
import { readEventList } from '../kubernetes/event-facts.js';
import type { ObservableKind } from '../kubernetes/observable-kinds.js';
import type { AwaitedAction } from '../journal/grading-parked.js';
import { KindObserver } from './kind-observer.js';
import { PodObserver, type PodObserverOptions } from './pod-observer.js';
import { waitForChangeOrTimeout } from './wait-for-change.js';

export interface ClusterObservationsOptions {
  reader: ClusterReader;
  clock: GradingClock;
  signal?: AbortSignal;
  park?: PodObserverOptions['park'];
  onAwaiting?: PodObserverOptions['onAwaiting'];
}

/** Log lines kept as evidence: enough to show what the container printed, not the whole log. */
const logExcerptLines = 40;

/**
 * What one grading run has read from the learner's cluster, so checks that share an
 * observation share one request: the followed Pods (one GET and one watch each), the Pod's
 * events, its logs, and the namespace's ReplicaSets and Deployments. Created once per attempt;
 * a read that failed is remembered too, so every check depending on it reports the same reason.
 */
export class ClusterObservations {
  private readonly reader: ClusterReader;
  private readonly clock: GradingClock;
  private readonly signal: AbortSignal | undefined;
  private readonly waiting: Pick<PodObserverOptions, 'park' | 'onAwaiting'>;
  private readonly pods = new Map<string, PodObserver>();
  private readonly reads = new Map<string, Promise<unknown>>();
  private readonly logs = new Map<string, { container: string; text: string }>();
  private readonly kinds = new Map<string, KindObserver>();
  private kindListeners = new Set<() => void>();

  constructor(options: ClusterObservationsOptions) {
    this.reader = options.reader;
    this.clock = options.clock;
    this.signal = options.signal;
    this.waiting = {
      ...(options.park === undefined ? {} : { park: options.park }),
      ...(options.onAwaiting === undefined ? {} : { onAwaiting: options.onAwaiting }),
    };
  }

  /** The observer following this Pod for the rest of the run (started on first use). */
  pod(namespace: string, name: string): PodObserver {
    const key = `${namespace}/${name}`;
    let observer = this.pods.get(key);
    if (observer === undefined) {
      observer = new PodObserver({
        reader: this.reader,
        clock: this.clock,
        namespace,
        name,
        ...this.waiting,
        ...(this.signal === undefined ? {} : { signal: this.signal }),
      });
      this.pods.set(key, observer);
    }
    return observer;
  }

  /**
   * The observer of every object of a kind in a namespace (listed, then watched), started on
   * first use: each kind the rubric refers to is watched once per attempt.
   */
  async objects(kind: ObservableKind, namespace: string): Promise<KindObserver> {
    const key = `${kind}/${namespace}`;
    let observer = this.kinds.get(key);
    if (observer === undefined) {
      observer = new KindObserver({
        reader: this.reader,
        clock: this.clock,
        kind,
        namespace,
        onChange: () => this.notifyKindListeners(),
      });
      this.kinds.set(key, observer);
    }
    await observer.start();
    return observer;
  }

  /**
   * Starts watching every kind the rubric follows, in the rubric's order, before the first
   * check. A kind that cannot be read is remembered; the checks on it report why.
   */
  async observeFromStart(
    kinds: readonly { kind: ObservableKind; namespace: string }[],
  ): Promise<void> {
    for (const { kind, namespace } of kinds) await this.objects(kind, namespace);
  }

  /**
   * Resolves with the probe's first defined answer, asking again after every change any kind
   * observer sees, or with undefined once `deadline` (grading clock) passes. A probe that
   * throws (a read failure) ends the wait with that error.
   */
  async waitForObjects<T>(
    probe: () => T | undefined,
    deadline: Date,
    awaiting?: AwaitedAction,
  ): Promise<T | undefined> {
    let told = false;
    for (;;) {
      const answer = probe();
      if (answer !== undefined) return answer;
      const remaining = deadline.getTime() - this.clock.now().getTime();
      if (remaining <= 0) return undefined;
      if (awaiting !== undefined && !told) {
        told = true;
        this.waiting.onAwaiting?.({ ...awaiting, deadline });
      }
      this.waiting.park?.(deadline, awaiting);
      const changed = new Promise<void>((resolve) => {
        const listener = () => {
          this.kindListeners.delete(listener);
          resolve();
        };
        this.kindListeners.add(listener);
      });
      await waitForChangeOrTimeout({
        changed,
        milliseconds: remaining,
        clock: this.clock,
        signal: this.signal,
      });
    }
  }

  private notifyKindListeners(): void {
    const waiting = [...this.kindListeners];
    this.kindListeners.clear();
    for (const listener of waiting) listener();
  }

  /** The events about Pods of this name (every uid; filter by involvedObject.uid), read once. */
  podEvents(namespace: string, name: string): Promise<KubeObject[]> {
    return this.once(`events/${namespace}/${name}`, () =>
      this.reader.listEvents({ namespace, fieldSelector: `involvedObject.name=${name}` }),
    );
  }

  replicaSets(namespace: string): Promise<KubeObject[]> {
    return this.once(`replicasets/${namespace}`, () => this.reader.listReplicaSets({ namespace }));
  }

  deployments(namespace: string): Promise<KubeObject[]> {
    return this.once(`deployments/${namespace}`, () => this.reader.listDeployments({ namespace }));
  }

  /**
   * Both controller lists, one after the other: the second reuses the first one's kept-alive
   * connection instead of opening (and handshaking) one of its own. Both are read before a
   * failure is reported, so no request is still in flight when the run records its requests.
   */
  async controllers(
    namespace: string,
  ): Promise<{ replicaSets: KubeObject[]; deployments: KubeObject[] }> {
    const settle = <T>(read: Promise<T>) =>
      read.then(
        (value) => ({ status: 'fulfilled' as const, value }),
        (reason: unknown) => ({ status: 'rejected' as const, reason }),
      );
    const replicaSets = await settle(this.replicaSets(namespace));
    const deployments = await settle(this.deployments(namespace));
    if (replicaSets.status === 'rejected') throw replicaSets.reason;
    if (deployments.status === 'rejected') throw deployments.reason;
    return { replicaSets: replicaSets.value, deployments: deployments.value };
  }

  /**
   * A fresh read of a container's log (logs grow, so this is not memoised); the last one read is
   * kept for the evidence.
   */
  async podLog(namespace: string, name: string, container: string): Promise<string | undefined> {
    const text = await this.reader.readPodLog({
      namespace,
      name,
      container,
      limitBytes: 256 * 1024,
    });
    if (text !== undefined) this.logs.set(`${namespace}/${name}`, { container, text });
    return text;
  }

  /** The timeline, last Pod snapshot, events, log excerpt and requests, for the attempt. */
  async evidence(): Promise<EvidenceItem[]> {
    const items: EvidenceItem[] = [];
    for (const observer of this.kinds.values())
      items.push({ kind: 'object-changes', data: observer.evidence() });
    for (const observer of this.pods.values()) {
      items.push({ kind: 'pod-timeline', data: observer.timeline() });
      const uid = observer.trackedUid();
      const snapshot = uid === undefined ? undefined : observer.lastSeen(uid);
      if (snapshot !== undefined)
        items.push({ kind: 'pod-snapshot', data: withoutManagedFields(snapshot) });
      const events = await this.settled(`events/${observer.namespace}/${observer.name}`);
      if (events !== undefined) {
        items.push({
          kind: 'pod-events',
          data: readEventList(events as KubeObject[]).filter(
            (event) => uid === undefined || event.involvedUid === uid,
          ),
        });
      }
      const log = this.logs.get(`${observer.namespace}/${observer.name}`);
      if (log !== undefined) {
        const lines = log.text.split('\n').filter((line) => line !== '');
        items.push({
          kind: 'pod-log-excerpt',
          data: {
            container: log.container,
            totalLines: lines.length,
            lines: lines.slice(0, logExcerptLines),
          },
        });
      }
    }
    return items;
  }

  /** Ends every watch; the run is over. */
  async close(): Promise<void> {
    await Promise.all(
      [...this.pods.values(), ...this.kinds.values()].map((observer) => observer.close()),
    );
  }

  private once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let pending = this.reads.get(key) as Promise<T> | undefined;
    if (pending === undefined) {
      pending = read();
      // Kept rejected on purpose: the next check asking gets the same "could not look".
      pending.catch(() => undefined);
      this.reads.set(key, pending);
    }
    return pending;
  }

  private async settled(key: string): Promise<unknown> {
    const pending = this.reads.get(key);
    if (pending === undefined) return undefined;
    return pending.catch(() => undefined);
  }
}
