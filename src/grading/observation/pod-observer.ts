import { ClusterReadError } from '../cluster-read-error.js';
import type { ClusterReader, KubeObject, PodWatchEvent } from '../cluster-reader.js';
import type { GradingClock } from '../grading-clock.js';
import { readPodFacts, type PodFacts } from '../kubernetes/pod-facts.js';
import type { AwaitedAction } from '../journal/grading-parked.js';
import { PodSightingLog } from './pod-sighting-log.js';
import type { FocusVersion, PhaseTransition, PodAppearance, PodDeletion } from './pod-sightings.js';
import { followWatch } from './follow-watch.js';
import { waitForChangeOrTimeout } from './wait-for-change.js';

export interface PodObserverOptions {
  reader: ClusterReader;
  clock: GradingClock;
  namespace: string;
  /** The Pod this observer follows (`my-pod`); other Pods in the namespace are noted too. */
  name: string;
  signal?: AbortSignal;
  /** Before a wait: may stop the run (GradingParked) so a long wait holds no worker slot. */
  park?: (until: Date, awaiting?: AwaitedAction) => void;
  /** Told when the grader starts waiting for the learner to act (the CLI says what to do). */
  onAwaiting?: (awaiting: AwaitedAction & { deadline: Date }) => void;
}

/** How long a wait lasts while the watch is being opened again (grading time). */
const betweenWatchesMs = 1_000;

/**
 * Follows one Pod by name for a whole grading run: one GET (the Pod as it is, and a
 * resourceVersion), then one watch on the namespace's Pods from there, kept open until the
 * grading ends. Every check that needs the Pod's state, its phases over time, its deletion or a
 * replacement reads this record instead of asking the cluster again. The whole namespace is
 * watched (not just the name) so that a replacement with another name but the same labels
 * (a ReplicaSet's Pod) is seen too.
 *
 * "Could not look" is kept as `failure` and rethrown to every waiter, so all checks that depend
 * on the Pod end as `error` with the same reason. What was seen is kept in a `PodSightingLog`;
 * this class reads, keeps the watch going, and wakes the waiters.
 */
export class PodObserver {
  readonly namespace: string;
  readonly name: string;
  private readonly reader: ClusterReader;
  private readonly clock: GradingClock;
  private readonly stopWatching = new AbortController();
  private started: Promise<void> | undefined;
  private following: Promise<void> = Promise.resolve();
  private startedAt: Date | undefined;
  private failure: ClusterReadError | undefined;
  private lastResourceVersion: string | undefined;
  private watchesOpened = 0;
  /** A watch is open now (not between one that ended and the next, after a read). */
  private watching = false;
  private listeners = new Set<() => void>();
  private readonly sightings: PodSightingLog;
  private readonly park: PodObserverOptions['park'];
  private readonly onAwaiting: PodObserverOptions['onAwaiting'];

  constructor(options: PodObserverOptions) {
    this.park = options.park;
    this.onAwaiting = options.onAwaiting;
    this.reader = options.reader;
    this.clock = options.clock;
    this.namespace = options.namespace;
    this.name = options.name;
    this.sightings = new PodSightingLog({
      clock: options.clock,
      name: options.name,
      onChange: () => this.notify(),
    });
    options.signal?.addEventListener('abort', () => void this.close(), { once: true });
  }

  /** Reads the Pod and starts the watch, once; later calls share the first. */
  start(): Promise<void> {
    this.started ??= this.begin();
    return this.started;
  }

  /** When the grader began following the Pod: the origin of the rubric's running-moment timeouts. */
  get followingSince(): Date {
    return this.startedAt ?? this.clock.now();
  }

  /** The followed Pod as it is now (by the grader's latest knowledge), if it exists. */
  current(): KubeObject | undefined {
    this.throwIfFailed();
    return this.sightings.current();
  }

  /**
   * The followed Pod as the lesson's checks of the running moment judge it: as it is now, or,
   * once the learner has deleted the Pod the grader tracked, as the grader last saw it. A run
   * that looks late (a retry after a fault, a resumed run) must judge the Pod the learner made,
   * recorded in the journal, not the absence the lesson's own last step caused.
   */
  currentOrRecorded(): KubeObject | undefined {
    const now = this.current();
    if (now !== undefined) return now;
    const uid = this.trackedUid();
    if (uid === undefined || this.deletionOf(uid) === undefined) return undefined;
    return this.lastSeen(uid);
  }

  /** The Pod the deletion is judged on: the one pinned at the running moment, else the last seen. */
  trackedUid(): string | undefined {
    return this.sightings.trackedUid();
  }

  /** The last state seen of a Pod, present or already deleted. */
  lastSeen(uid: string): KubeObject | undefined {
    return this.sightings.lastSeen(uid);
  }

  /** Fixes which Pod "the learner's Pod" is: the one the grader saw running. */
  pin(uid: string): void {
    this.sightings.pin(uid);
  }

  phasesOf(uid: string): PhaseTransition[] {
    return this.sightings.phasesOf(uid);
  }

  deletionOf(uid: string): PodDeletion | undefined {
    return this.sightings.deletionOf(uid);
  }

  /** Pods created (watch ADDED) at or after `since`, other than `exceptUid`. */
  appearedSince(since: Date, exceptUid: string): PodAppearance[] {
    return this.sightings.appearedSince(since, exceptUid);
  }

  /** Every Pod in the namespace the grader knows to exist now, for diagnosing a wrong name. */
  podsInNamespace(): PodFacts[] {
    return this.sightings.podsInNamespace();
  }

  /** States of the followed name since `since` (the one current then included). */
  versionsSince(since: Date): FocusVersion[] {
    return this.sightings.versionsSince(since);
  }

  /**
   * Resolves with the probe's first defined answer, re-asking after every change the watch
   * brings, or with undefined once `deadline` (grading clock) passes. Rethrows a read failure.
   */
  async waitFor<T>(
    probe: () => T | undefined,
    deadline: Date,
    signal?: AbortSignal,
    awaiting?: AwaitedAction,
  ): Promise<T | undefined> {
    await this.start();
    let told = false;
    for (;;) {
      this.throwIfFailed();
      const answer = probe();
      if (answer !== undefined) return answer;
      const remaining = deadline.getTime() - this.clock.now().getTime();
      if (remaining <= 0) return undefined;
      if (awaiting !== undefined && !told) {
        told = true;
        this.onAwaiting?.({ ...awaiting, deadline });
      }
      // Park only with a watch open: it is what keeps feeding the journal and wakes the parked
      // run. Between watches (the last one ended; the Pod is being read again) the wait is
      // short, so that the park comes once the next watch is open.
      if (this.watching) this.park?.(deadline, awaiting);
      await waitForChangeOrTimeout({
        changed: this.nextChange(),
        milliseconds: this.watching ? remaining : Math.min(remaining, betweenWatchesMs),
        clock: this.clock,
        signal,
      });
    }
  }

  /**
   * A fresh GET of the Pod, before concluding from a wait that timed out: a failure must come
   * from something the grader saw, never from a watch that silently stopped delivering.
   */
  async confirm(): Promise<void> {
    await this.start();
    this.throwIfFailed();
    const object = await this.reader.readPod({ namespace: this.namespace, name: this.name });
    this.sightings.recordRead(object, 'confirming-read');
  }

  /** What the grader saw, for the attempt's evidence. */
  timeline(): Record<string, unknown> {
    const seen = this.sightings.evidence();
    return {
      namespace: this.namespace,
      name: this.name,
      uid: seen.uid,
      followingSince: this.startedAt?.toISOString() ?? null,
      // When the grader stopped looking, on its own clock (the one phases are seen by), so a
      // picture of the timeline never mixes it with the wall clock of the attempt's end.
      observedUntil: this.clock.now().toISOString(),
      phases: seen.phases,
      deletion: seen.deletion,
      podsCreatedWhileWatching: seen.podsCreatedWhileWatching,
      watchesOpened: this.watchesOpened,
      failure: this.failure === undefined ? null : { reason: this.failure.reason },
    };
  }

  /** Ends the watch and resolves once it has ended (so its request is in the request log). */
  async close(): Promise<void> {
    this.stopWatching.abort();
    this.notify();
    await this.following;
  }

  private async begin(): Promise<void> {
    this.startedAt = this.clock.now();
    try {
      const object = await this.reader.readPod({ namespace: this.namespace, name: this.name });
      this.sightings.recordRead(object, 'read');
      this.lastResourceVersion = object?.metadata?.resourceVersion;
    } catch (error) {
      this.fail(error);
      return;
    }
    this.following = this.follow();
  }

  /** The watch loop: resumes from the last resourceVersion whenever the server ends the watch. */
  private follow(): Promise<void> {
    return followWatch({
      signal: this.stopWatching.signal,
      what: 'Pods',
      watch: (delivered) => {
        this.watchesOpened += 1;
        return this.reader.watchPods(
          {
            namespace: this.namespace,
            signal: this.stopWatching.signal,
            ...(this.lastResourceVersion === undefined
              ? {}
              : { resourceVersion: this.lastResourceVersion }),
          },
          (event) => {
            delivered();
            this.applyWatchEvent(event);
          },
        );
      },
      resync: async (delivered) => {
        // A watch that ended at once may have been refused as too old (410): start from now.
        if (!delivered) this.lastResourceVersion = undefined;
        await this.confirm();
      },
      onWatching: (open) => (this.watching = open),
      fail: (error) => this.fail(error),
    });
  }

  private applyWatchEvent(event: PodWatchEvent): void {
    const facts = readPodFacts(event.object);
    // Where the next watch resumes if the server ends this one.
    if (facts.resourceVersion !== undefined) this.lastResourceVersion = facts.resourceVersion;
    this.sightings.recordWatchEvent(event, facts);
  }

  private fail(error: unknown): void {
    if (this.stopWatching.signal.aborted && !(error instanceof ClusterReadError)) return;
    this.failure ??=
      error instanceof ClusterReadError
        ? error
        : new ClusterReadError(
            'UNREACHABLE',
            `Following Pod ${this.name} failed: ${String(error)}`,
            {
              cause: error,
            },
          );
    this.notify();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  private nextChange(): Promise<void> {
    return new Promise((resolve) => {
      const listener = () => {
        this.listeners.delete(listener);
        resolve();
      };
      this.listeners.add(listener);
    });
  }

  private notify(): void {
    const waiting = [...this.listeners];
    this.listeners.clear();
    for (const listener of waiting) listener();
  }
}
