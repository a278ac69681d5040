import { ClusterReadError } from '../cluster-read-error.js';
import type {
  ClusterReader,
  ClusterRequestSummary,
  KubeObject,
  KubeObjectList,
  PodWatchEvent,
} from '../cluster-reader.js';
import type { ObservableKind } from '../kubernetes/observable-kinds.js';
import type { GradingClock } from '../grading-clock.js';
import type { AttemptJournal } from './attempt-journal.js';
import { GradingParked, type AwaitedAction } from './grading-parked.js';
import type { JournalEntry, JournalFailure, WatchEntry } from './journal-entry.js';
import { callKey, slimObject, slimResult } from './journal-keys.js';

/** A live watch that writes what it sees into the journal; it may outlive the run that opened it. */
export interface LiveWatchFeeder {
  readonly id: string;
  abort(): void;
  /** Resolves once the watch has ended and its close is in the journal. */
  readonly ended: Promise<void>;
}

export interface JournalSessionOptions {
  journal: AttemptJournal;
  /** The learner's cluster; absent for a regrade, which may only replay what was recorded. */
  live?: ClusterReader;
  /** The grading clock once the run has caught up with its record. */
  liveClock: GradingClock;
  /** Live watches of earlier runs of this attempt, still open in this process (a parked wait). */
  feeders?: Map<string, LiveWatchFeeder>;
  /** Waits longer than this (grading time) park the run instead of holding a worker slot. */
  parkAfterMs?: number;
  /** Tries of a live read whose fault may pass (5xx, 429, timeout, a dropped socket). */
  readTries?: number;
  firstRetryDelayMs?: number;
  signal?: AbortSignal;
}

interface ReplayedWatch {
  id: string;
  pending: WatchEntry[];
  onEvent: (event: PodWatchEvent) => void;
  finish: (error?: ClusterReadError) => void;
  done: boolean;
}

const iso = (date: Date) => date.toISOString();

/** What a live watch is opened with, besides its signal. */
interface WatchTarget {
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
}

/** Opens the live watch itself (Pods, or another kind). */
type OpenWatch = (
  live: ClusterReader,
  options: WatchTarget & { signal: AbortSignal },
  onEvent: (event: PodWatchEvent) => void,
) => Promise<void>;

/**
 * One grading run's view of the learner's cluster, through the attempt's journal. It is both
 * the ClusterReader and the GradingClock the engine runs on:
 *
 * - While the journal holds answers, the run replays them: reads are answered from the record,
 *   watches deliver their recorded changes, and the clock is virtual, stepping from one recorded
 *   change to the next. The engine therefore reaches exactly the verdicts the record supports (a
 *   Pod recorded Running is Running, a recorded deletion opens its window at its recorded time).
 * - When the record runs out (a read never made, a wait that reaches past the last entry), the
 *   run goes live: the clock is the grading clock, reads go to the cluster and are appended,
 *   and a watch that was cut (a crash, a restart) is resumed from its last resourceVersion by
 *   the engine's observer, with the gap recorded.
 * - Without a live cluster (a regrade), running out of record is "could not look" (`error`).
 */
export class JournalSession implements ClusterReader, GradingClock {
  private readonly journal: AttemptJournal;
  private readonly live: ClusterReader | undefined;
  private readonly liveClock: GradingClock;
  private readonly feeders: Map<string, LiveWatchFeeder>;
  private readonly parkAfterMs: number | undefined;
  private readonly readTries: number;
  private readonly firstRetryDelayMs: number;
  private readonly signal: AbortSignal | undefined;
  private readonly callCounts = new Map<string, number>();
  private readonly watchCounts = new Map<string, number>();
  private readonly replaying = new Set<ReplayedWatch>();
  private mode: 'replaying' | 'live';
  private virtualNow: Date;
  private gapFrom: Date | undefined;
  private parked = false;
  private seenAtPark = 0;

  constructor(options: JournalSessionOptions) {
    this.journal = options.journal;
    this.live = options.live;
    this.liveClock = options.liveClock;
    this.feeders = options.feeders ?? new Map();
    this.parkAfterMs = options.parkAfterMs;
    this.readTries = options.readTries ?? 4;
    this.firstRetryDelayMs = options.firstRetryDelayMs ?? 500;
    this.signal = options.signal;
    const first = this.journal.firstAt();
    this.mode = first === undefined ? 'live' : 'replaying';
    this.virtualNow = first ?? this.liveClock.now();
  }

  /** True once the run has caught up with its record and is looking at the cluster itself. */
  get isLive(): boolean {
    return this.mode === 'live';
  }

  /** The live watches this run leaves open when it parks, for the next run in this process. */
  get openFeeders(): Map<string, LiveWatchFeeder> {
    return this.feeders;
  }

  /**
   * How much of the journal the run had seen when it parked. Whatever a feeder appends after
   * that (while the run unwinds and its job is delayed) must wake the parked attempt at once.
   */
  get journalSizeAtPark(): number {
    return this.seenAtPark;
  }

  get requests(): { summary(): ClusterRequestSummary } | undefined {
    return this.live?.requests;
  }

  // --- GradingClock -----------------------------------------------------------------------

  now(): Date {
    return this.mode === 'live' ? this.liveClock.now() : new Date(this.virtualNow);
  }

  /** Waits in grading time; returns early when the record runs out (the run goes live). */
  async sleep(milliseconds: number, signal?: AbortSignal): Promise<void> {
    if (this.mode === 'live') return this.liveClock.sleep(milliseconds, signal);
    signal?.throwIfAborted();
    // Let what the replay already set in motion settle first: a watch whose record just ended
    // is being resumed (a read, then the next watch), all from the record without I/O. Jumping
    // the clock before that next watch is open would skip what it recorded (the deletion).
    await new Promise<void>((resolve) => setImmediate(resolve));
    signal?.throwIfAborted();
    const target = this.virtualNow.getTime() + Math.max(0, milliseconds);
    const next = this.nextRecordedChange();
    if (next !== undefined && Date.parse(next.entry.at) <= target) {
      // One recorded change at a time, so a waiter sees every state the record holds.
      this.deliver(next.watch);
      return;
    }
    const end = this.journal.lastAt();
    if (end !== undefined && target <= end.getTime()) {
      this.virtualNow = new Date(target);
      return;
    }
    if (this.live === undefined) {
      throw new ClusterReadError(
        'NOT_RECORDED',
        'The recorded observation ends before this could be decided, and a regrade does not look at the cluster again.',
      );
    }
    // The record runs out within this wait: the run goes live and the waiter looks again now,
    // instead of sleeping the rest. Every wait in the engine loops on its own deadline, so it
    // sleeps again if it must; but a long one can now park (a replaying run cannot), rather than
    // hold the worker slot, and perhaps the job's time, for the rest of a stability window.
    this.goLive();
  }

  /**
   * Called before a long wait on the cluster: a live run with parking enabled stops here, so
   * the wait costs no worker slot. Its open watches keep feeding the journal.
   */
  park(until: Date, awaiting?: AwaitedAction): void {
    if (this.mode !== 'live' || this.parkAfterMs === undefined) return;
    if (until.getTime() - this.now().getTime() <= this.parkAfterMs) return;
    this.parked = true;
    this.seenAtPark = this.journal.size;
    throw new GradingParked(until, awaiting);
  }

  /** Ends every live watch of this attempt (the run is over and not parked). */
  async close(): Promise<void> {
    const feeders = [...this.feeders.values()];
    for (const feeder of feeders) feeder.abort();
    await Promise.all(feeders.map((feeder) => feeder.ended));
  }

  // --- ClusterReader ----------------------------------------------------------------------

  readPod(options: { namespace: string; name: string }): Promise<KubeObject | undefined> {
    return this.call(callKey('readPod', options), () => this.requireLive().readPod(options));
  }

  listPods(options: {
    namespace: string;
    labelSelector?: string;
    fieldSelector?: string;
  }): Promise<KubeObject[]> {
    return this.call(callKey('listPods', options), () => this.requireLive().listPods(options));
  }

  listEvents(options: { namespace: string; fieldSelector?: string }): Promise<KubeObject[]> {
    return this.call(callKey('listEvents', options), () => this.requireLive().listEvents(options));
  }

  listReplicaSets(options: { namespace: string; labelSelector?: string }): Promise<KubeObject[]> {
    return this.call(callKey('listReplicaSets', options), () =>
      this.requireLive().listReplicaSets(options),
    );
  }

  listDeployments(options: { namespace: string; labelSelector?: string }): Promise<KubeObject[]> {
    return this.call(callKey('listDeployments', options), () =>
      this.requireLive().listDeployments(options),
    );
  }

  listObjects(options: {
    kind: ObservableKind;
    namespace: string;
    labelSelector?: string;
  }): Promise<KubeObjectList> {
    return this.call(callKey('listObjects', options), () =>
      this.requireLive().listObjects(options),
    );
  }

  watchObjects(
    options: {
      kind: ObservableKind;
      namespace: string;
      labelSelector?: string;
      resourceVersion?: string;
      signal: AbortSignal;
    },
    onEvent: (event: PodWatchEvent) => void,
  ): Promise<void> {
    const { signal, resourceVersion, kind, ...target } = options;
    return this.watch(
      callKey('watchObjects', { kind, ...target }),
      { ...target, ...(resourceVersion ? { resourceVersion } : {}) },
      signal,
      onEvent,
      (live, open, deliver) => live.watchObjects({ ...open, kind }, deliver),
    );
  }

  readPodLog(options: {
    namespace: string;
    name: string;
    container?: string;
    tailLines?: number;
    limitBytes?: number;
  }): Promise<string | undefined> {
    return this.call(callKey('readPodLog', options), () => this.requireLive().readPodLog(options));
  }

  async watchPods(
    options: {
      namespace: string;
      labelSelector?: string;
      fieldSelector?: string;
      resourceVersion?: string;
      signal: AbortSignal;
    },
    onEvent: (event: PodWatchEvent) => void,
  ): Promise<void> {
    const { signal, resourceVersion, ...target } = options;
    return this.watch(
      callKey('watchPods', target),
      { ...target, ...(resourceVersion ? { resourceVersion } : {}) },
      signal,
      onEvent,
      (live, open, deliver) => live.watchPods(open, deliver),
    );
  }

  /** A watch: replayed from the journal while it holds the watch's record, then live. */
  private async watch(
    key: string,
    target: WatchTarget,
    signal: AbortSignal,
    onEvent: (event: PodWatchEvent) => void,
    open: OpenWatch,
  ): Promise<void> {
    const n = this.count(this.watchCounts, key, this.journal.watchCount(key));
    const recorded = this.journal.watch(key, n.index);
    if (recorded.length > 0) return this.replayWatch(key, n.index, recorded, signal, onEvent);
    if (this.live === undefined) {
      throw new ClusterReadError(
        'NOT_RECORDED',
        'The recorded observation of the cluster ends here, and a regrade does not look at the cluster again.',
      );
    }
    this.goLive();
    return this.liveWatch(key, n.fresh, target, signal, onEvent, open);
  }

  // --- replay -----------------------------------------------------------------------------

  private replayWatch(
    key: string,
    n: number,
    recorded: readonly WatchEntry[],
    signal: AbortSignal,
    onEvent: (event: PodWatchEvent) => void,
  ): Promise<void> {
    const id = `${key}#${n}`;
    return new Promise<void>((resolve) => {
      const watch: ReplayedWatch = {
        id,
        pending: recorded.filter((entry) => entry.type !== 'watch-open'),
        onEvent,
        done: false,
        // A recorded fault ends the replayed watch like any end: the observer opens the next.
        finish: () => {
          if (watch.done) return;
          watch.done = true;
          unsubscribe();
          this.replaying.delete(watch);
          signal.removeEventListener('abort', stop);
          resolve();
        },
      };
      // What this watch's live feeder (still open in this process, from a parked run) appends
      // from now on belongs to the same record, after what is pending: while the run replays,
      // it waits its turn in time order; once the run is live, it is delivered as it comes.
      // Taking only what was recorded when the replay began would lose a change that comes
      // while the run replays (the learner's deletion), and nothing would wake the run again.
      const unsubscribe = this.journal.subscribe((entry) => {
        if (watch.done || !isOfWatch(entry, key, n)) return;
        watch.pending.push(entry);
        if (this.mode === 'live') this.catchUpRecorded(watch);
      });
      // The run is over: a live watch this replay was following ends with it (so it is in the
      // request log when the run's requests are counted), unless the run parks.
      const stop = () => {
        const feeder = this.feeders.get(id);
        if (feeder === undefined || this.parked) return watch.finish();
        feeder.abort();
        void feeder.ended.then(() => watch.finish());
      };
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', stop, { once: true });
      this.replaying.add(watch);
      if (this.mode === 'live') this.catchUp(watch);
    });
  }

  private nextRecordedChange(): { watch: ReplayedWatch; entry: WatchEntry } | undefined {
    let next: { watch: ReplayedWatch; entry: WatchEntry } | undefined;
    for (const watch of this.replaying) {
      const entry = watch.pending[0];
      if (entry === undefined) continue;
      if (next === undefined || Date.parse(entry.at) < Date.parse(next.entry.at))
        next = { watch, entry };
    }
    return next;
  }

  private deliver(watch: ReplayedWatch): void {
    const entry = watch.pending.shift();
    if (entry === undefined) return;
    if (this.mode === 'replaying') {
      const at = new Date(entry.at);
      if (at > this.virtualNow) this.virtualNow = at;
    }
    if (entry.type === 'watch-event') watch.onEvent(entry.event as PodWatchEvent);
    // A watch the grader ended itself was not ended by the cluster: as far as the record goes
    // it stays open, and where the record runs out the run resumes it (a gap) or, in a
    // regrade, stops at "not recorded". Ending it here would send the observer to read
    // afresh, a read the record cannot answer, and the checks still judging would say error.
    else if (entry.type === 'watch-close' && entry.stoppedByGrader !== true) watch.finish();
  }

  /** Replays every recorded change up to `at`, so a recorded read is answered in its moment. */
  private advanceTo(at: Date): void {
    for (;;) {
      const next = this.nextRecordedChange();
      if (next === undefined || Date.parse(next.entry.at) > at.getTime()) break;
      this.deliver(next.watch);
    }
    if (at > this.virtualNow) this.virtualNow = at;
  }

  /**
   * The record has run out: deliver what remains of it (facts keep their recorded times), then
   * look at the cluster. A replayed watch still open at the end of the record continues from
   * its live feeder when this process still has it; otherwise it ends and the observer resumes
   * it from its last resourceVersion, and the time in between is recorded as a gap.
   */
  private goLive(): void {
    if (this.mode === 'live') return;
    for (const watch of [...this.replaying]) this.catchUpRecorded(watch);
    const end = this.journal.lastAt() ?? this.virtualNow;
    this.mode = 'live';
    for (const watch of [...this.replaying]) this.catchUp(watch, end);
  }

  private catchUpRecorded(watch: ReplayedWatch): void {
    while (!watch.done && watch.pending.length > 0) this.deliver(watch);
  }

  private catchUp(watch: ReplayedWatch, recordEnd?: Date): void {
    this.catchUpRecorded(watch);
    if (watch.done) return;
    // A feeder still open goes on appending, and the replay's subscription delivers it.
    if (this.feeders.has(watch.id)) return;
    this.gapFrom ??= recordEnd ?? this.journal.lastAt() ?? this.now();
    watch.finish();
  }

  // --- live -------------------------------------------------------------------------------

  private requireLive(): ClusterReader {
    if (this.live === undefined) throw new Error('no live cluster in this session');
    return this.live;
  }

  private async call<T>(key: string, ask: () => Promise<T>): Promise<T> {
    const n = this.count(this.callCounts, key, this.journal.callCount(key));
    const recorded = this.journal.call(key, n.index);
    if (recorded !== undefined && recorded.error === undefined) {
      if (this.mode === 'replaying') this.advanceTo(new Date(recorded.at));
      return (recorded.result ?? undefined) as T;
    }
    if (this.live === undefined) {
      throw new ClusterReadError(
        'NOT_RECORDED',
        recorded === undefined
          ? 'The grader never read this while grading, and a regrade does not look at the cluster again.'
          : `The grader could not read this while grading (${recorded.error?.message ?? ''}).`,
      );
    }
    this.goLive();
    const index = recorded === undefined ? n.fresh : n.index;
    let value: T;
    try {
      value = await this.withRetries(ask);
    } catch (error) {
      const failure = asClusterReadError(error);
      this.appendCall(key, index, { error: failureOf(failure) });
      throw failure;
    }
    if (recorded?.error !== undefined && value === undefined) {
      // It could not be read while it existed, and it is gone now: the grader cannot know what
      // it would have seen, which must not be scored as the learner's mistake.
      const failure = new ClusterReadError(
        'GAP_NOT_RECOVERED',
        `The grader could not read this at ${recorded.at} (${recorded.error.message}), and it no longer exists.`,
      );
      this.appendCall(key, index, { error: failureOf(failure) });
      throw failure;
    }
    this.appendCall(key, index, { result: slimResult(value) });
    return value;
  }

  private appendCall(
    key: string,
    n: number,
    outcome: { result?: unknown; error?: JournalFailure },
  ): void {
    this.journal.append({ type: 'call', at: iso(this.now()), key, n, ...outcome });
  }

  /** Faults that may pass are asked again, waiting as the server asks (429 Retry-After). */
  private async withRetries<T>(ask: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await ask();
      } catch (error) {
        if (!(error instanceof ClusterReadError) || !error.mayPass || attempt >= this.readTries)
          throw error;
        const delay = error.retryAfterMs ?? this.firstRetryDelayMs * 2 ** (attempt - 1);
        await this.liveClock.sleep(delay, this.signal);
      }
    }
  }

  private liveWatch(
    key: string,
    n: number,
    options: WatchTarget,
    signal: AbortSignal,
    onEvent: (event: PodWatchEvent) => void,
    open: OpenWatch,
  ): Promise<void> {
    const at = iso(this.now());
    this.journal.append({
      type: 'watch-open',
      at,
      key,
      n,
      resourceVersion: options.resourceVersion ?? null,
    });
    if (this.gapFrom !== undefined) {
      this.journal.append({
        type: 'gap',
        at,
        from: iso(this.gapFrom),
        recoveredBy:
          options.resourceVersion === undefined ? 'fresh-read' : 'watch-from-resource-version',
      });
      this.gapFrom = undefined;
    }
    const feeder = this.startFeeder(key, n, options, open);
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: ClusterReadError) => {
        if (settled) return;
        settled = true;
        unsubscribe();
        signal.removeEventListener('abort', stop);
        if (error === undefined) resolve();
        else reject(error);
      };
      const unsubscribe = this.journal.subscribe((entry) => {
        if (!isOfWatch(entry, key, n)) return;
        if (entry.type === 'watch-event') onEvent(entry.event as PodWatchEvent);
        if (entry.type === 'watch-close')
          settle(
            entry.error === undefined || signal.aborted ? undefined : toReadError(entry.error),
          );
      });
      // A parked run leaves its watch feeding the journal for the run that resumes it.
      const stop = () => {
        if (this.parked) return settle();
        // The run is over: the watch ends with it, and is over (in the request log) on return.
        feeder.abort();
        void feeder.ended.then(() => settle());
      };
      if (signal.aborted) stop();
      else signal.addEventListener('abort', stop, { once: true });
    });
  }

  private startFeeder(
    key: string,
    n: number,
    options: WatchTarget,
    open: OpenWatch,
  ): LiveWatchFeeder {
    const id = `${key}#${n}`;
    const controller = new AbortController();
    const live = this.requireLive();
    const ended = open(live, { ...options, signal: controller.signal }, (event) => {
      this.journal.append({
        type: 'watch-event',
        at: iso(this.liveClock.now()),
        key,
        n,
        event: { type: event.type, object: slimObject(event.object) },
      });
    })
      .then(
        () => undefined,
        (error: unknown) => asClusterReadError(error),
      )
      .then((error) => {
        this.feeders.delete(id);
        const outcome = controller.signal.aborted
          ? { stoppedByGrader: true as const }
          : error === undefined
            ? {}
            : { error: failureOf(error) };
        this.journal.append({
          type: 'watch-close',
          at: iso(this.liveClock.now()),
          key,
          n,
          ...outcome,
        });
      });
    const feeder: LiveWatchFeeder = { id, abort: () => controller.abort(), ended };
    this.feeders.set(id, feeder);
    return feeder;
  }

  /** The run's n-th use of a key, and the number a new live entry gets (after all recorded). */
  private count(
    counts: Map<string, number>,
    key: string,
    recorded: number,
  ): { index: number; fresh: number } {
    const index = counts.get(key) ?? 0;
    counts.set(key, index + 1);
    return { index, fresh: Math.max(index, recorded) };
  }
}

function isOfWatch(entry: JournalEntry, key: string, n: number): entry is WatchEntry {
  return (
    (entry.type === 'watch-event' || entry.type === 'watch-close') &&
    entry.key === key &&
    entry.n === n
  );
}

function failureOf(error: ClusterReadError): JournalFailure {
  return { reason: error.reason, message: error.message, httpStatus: error.httpStatus ?? null };
}

function toReadError(failure: JournalFailure): ClusterReadError {
  return new ClusterReadError(failure.reason as ClusterReadError['reason'], failure.message, {
    ...(failure.httpStatus === null ? {} : { httpStatus: failure.httpStatus }),
  });
}

function asClusterReadError(error: unknown): ClusterReadError {
  if (error instanceof ClusterReadError) return error;
  return new ClusterReadError('UNREACHABLE', `Reading the cluster failed: ${String(error)}`, {
    cause: error,
  });
}
