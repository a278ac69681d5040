import { ClusterReadError } from '../cluster-read-error.js';
import type { ClusterReader, KubeObject, PodWatchEvent } from '../cluster-reader.js';
import type { GradingClock } from '../grading-clock.js';
import type { ObservableKind } from '../kubernetes/observable-kinds.js';
import { followWatch } from './follow-watch.js';

export interface KindObserverOptions {
  reader: ClusterReader;
  clock: GradingClock;
  kind: ObservableKind;
  namespace: string;
  /** Told after every change, so waiters on any kind can ask again. */
  onChange: () => void;
}

/** One change the grader saw: from a watch, or found by a list (the first, or after a gap). */
export interface ObjectChange {
  at: Date;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  uid: string;
  object: KubeObject;
  source: 'list' | 'watch';
}

/** The objects of the kind as they were at one moment. */
export interface ObjectsState {
  at: Date;
  objects: readonly KubeObject[];
}

/**
 * Follows every object of one kind in one namespace for a whole grading run: one list, then
 * one watch from the list's resourceVersion, resumed (after a fresh list) whenever the server
 * ends it. It keeps every state the set went through, so a check judges what happened, not
 * only what is left when it runs. All reads go through the run's reader (the journal), so a
 * retry replays them. "Could not look" is kept and rethrown to every check that asks.
 */
export class KindObserver {
  readonly kind: ObservableKind;
  readonly namespace: string;
  private readonly reader: ClusterReader;
  private readonly clock: GradingClock;
  private readonly onChange: () => void;
  private readonly stopWatching = new AbortController();
  private readonly present = new Map<string, KubeObject>();
  private readonly lastSeenByUid = new Map<string, KubeObject>();
  private readonly changeLog: ObjectChange[] = [];
  private readonly states: ObjectsState[] = [];
  private started: Promise<void> | undefined;
  private following: Promise<void> = Promise.resolve();
  private startedAt: Date | undefined;
  private failure: ClusterReadError | undefined;
  private resourceVersion: string | undefined;

  constructor(options: KindObserverOptions) {
    this.reader = options.reader;
    this.clock = options.clock;
    this.kind = options.kind;
    this.namespace = options.namespace;
    this.onChange = options.onChange;
  }

  /** Lists and starts the watch, once; later calls share the first. */
  start(): Promise<void> {
    this.started ??= this.begin();
    return this.started;
  }

  /** When the grader first listed the kind. */
  get watchingSince(): Date {
    return this.startedAt ?? this.clock.now();
  }

  /** The objects that exist now, by the grader's latest knowledge. */
  current(): KubeObject[] {
    this.throwIfFailed();
    return [...this.present.values()];
  }

  /** The last state seen of an object, present or deleted. */
  lastSeen(uid: string): KubeObject | undefined {
    return this.lastSeenByUid.get(uid);
  }

  /** Every change seen, in order. */
  changes(): readonly ObjectChange[] {
    this.throwIfFailed();
    return this.changeLog;
  }

  /** The state current at `since`, then every state after it. */
  statesSince(since: Date): ObjectsState[] {
    this.throwIfFailed();
    const after = this.states.findIndex((state) => state.at > since);
    const from = after === -1 ? this.states.length - 1 : Math.max(0, after - 1);
    return this.states.slice(Math.max(0, from));
  }

  /** A fresh list before concluding from a wait that timed out (a watch may have gone quiet). */
  async confirm(): Promise<void> {
    await this.start();
    this.throwIfFailed();
    await this.relist();
  }

  /** For the attempt's evidence: what was seen, compactly. */
  evidence(): Record<string, unknown> {
    return {
      kind: this.kind,
      namespace: this.namespace,
      watchingSince: this.startedAt?.toISOString() ?? null,
      changes: this.changeLog.map((change) => ({
        at: change.at.toISOString(),
        type: change.type,
        name: change.object.metadata?.name ?? null,
        uid: change.uid,
        source: change.source,
      })),
      failure: this.failure === undefined ? null : { reason: this.failure.reason },
    };
  }

  /** Ends the watch and resolves once it has ended (so its request is in the request log). */
  async close(): Promise<void> {
    this.stopWatching.abort();
    await this.following;
  }

  private async begin(): Promise<void> {
    this.startedAt = this.clock.now();
    try {
      await this.relist();
    } catch (error) {
      this.fail(error);
      return;
    }
    this.following = this.follow();
  }

  /** Lists the kind and records what changed since the grader last knew (a gap, or the start). */
  private async relist(): Promise<void> {
    const list = await this.reader.listObjects({ kind: this.kind, namespace: this.namespace });
    this.resourceVersion = list.resourceVersion;
    const listed = new Map<string, KubeObject>();
    for (const object of list.items) {
      const uid = object.metadata?.uid;
      if (uid !== undefined) listed.set(uid, object);
    }
    for (const [uid, object] of this.present) {
      if (!listed.has(uid)) this.record('DELETED', uid, object, 'list');
    }
    for (const [uid, object] of listed) {
      const known = this.present.get(uid);
      if (known === undefined) this.record('ADDED', uid, object, 'list');
      else if (known.metadata?.resourceVersion !== object.metadata?.resourceVersion)
        this.record('MODIFIED', uid, object, 'list');
    }
    if (this.states.length === 0) this.pushState();
  }

  private follow(): Promise<void> {
    return followWatch({
      signal: this.stopWatching.signal,
      what: `${this.kind}s`,
      watch: (delivered) =>
        this.reader.watchObjects(
          {
            kind: this.kind,
            namespace: this.namespace,
            signal: this.stopWatching.signal,
            ...(this.resourceVersion === undefined
              ? {}
              : { resourceVersion: this.resourceVersion }),
          },
          (event) => {
            delivered();
            this.applyWatchEvent(event);
          },
        ),
      resync: () => this.relist(),
      fail: (error) => this.fail(error),
    });
  }

  private applyWatchEvent(event: PodWatchEvent): void {
    const uid = event.object.metadata?.uid;
    const version = event.object.metadata?.resourceVersion;
    if (version !== undefined) this.resourceVersion = version;
    if (uid === undefined) return;
    this.record(event.type, uid, event.object, 'watch');
  }

  private record(
    type: ObjectChange['type'],
    uid: string,
    object: KubeObject,
    source: ObjectChange['source'],
  ): void {
    const at = this.clock.now();
    if (type === 'DELETED') this.present.delete(uid);
    else this.present.set(uid, object);
    this.lastSeenByUid.set(uid, object);
    this.changeLog.push({ at, type, uid, object, source });
    this.pushState();
    this.onChange();
  }

  private pushState(): void {
    this.states.push({ at: this.clock.now(), objects: [...this.present.values()] });
  }

  private fail(error: unknown): void {
    if (this.stopWatching.signal.aborted && !(error instanceof ClusterReadError)) return;
    this.failure ??=
      error instanceof ClusterReadError
        ? error
        : new ClusterReadError('UNREACHABLE', `Following ${this.kind}s failed: ${String(error)}`, {
            cause: error,
          });
    this.onChange();
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
