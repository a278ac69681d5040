/**
 * The simulated etcd: every object of every resource, one cluster-wide resourceVersion counter,
 * and a bounded history of changes so that watches can resume from a resourceVersion.
 *
 * Objects are indexed by resource, then namespace, then name, and the history is indexed the
 * same way, so a namespaced list or a watch resuming in one namespace touches only that
 * namespace (a cluster with 1,000 namespaces does not pay for the other 999).
 *
 * Copies: `get`, `find` and `list` return copies the caller may change. Stored objects are never
 * changed in place (an update stores a new object), so history events share them, and listeners
 * receive those shared events: a listener must not modify `event.object` or `event.previous`
 * (copy first). That is what keeps a change from being copied once per watch.
 *
 * All operations are synchronous. Change notifications are delivered asynchronously (in a
 * microtask, in resourceVersion order) so that a controller reacting to a change never runs
 * inside the write that caused it.
 */
import { alreadyExists, conflict, gone, notFound } from '../errors.js';
import { cloneJson, type KubeObject } from '../types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: WatchEventType;
  /** `group/resource`, e.g. `/pods` or `apps/deployments`. */
  readonly resourceKey: string;
  /** Shared with the store and every listener: read only. */
  readonly object: KubeObject;
  /** For MODIFIED: the object before the change (lets a filtered watch see objects leave its selector). */
  readonly previous?: KubeObject;
  readonly resourceVersion: number;
}

export interface ResourceRef {
  group: string;
  resource: string;
}

type Listener = (event: StoreEvent) => void;

/** What a subscription hears: all changes, one resource's, or one resource's in one namespace. */
export interface SubscriptionScope {
  resourceKey?: string;
  namespace?: string;
}

interface Subscription {
  listener: Listener;
  lastDelivered: number;
}

const HISTORY_LIMIT = 5000;
/** Namespace key of cluster-scoped objects. */
const CLUSTER = '';

export function resourceKeyOf(ref: ResourceRef): string {
  return `${ref.group}/${ref.resource}`;
}

function scopeKey(resourceKey: string | undefined, namespace: string | undefined): string {
  if (resourceKey === undefined) return '*';
  return namespace === undefined ? resourceKey : `${resourceKey}|${namespace}`;
}

function byName(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** resource → namespace ('' when cluster-scoped) → name → object. */
type Table = Map<string, Map<string, KubeObject>>;

export class ObjectStore {
  private readonly tables = new Map<string, Table>();
  private revision = 100;
  /** Every change in revision order (bounded), and the same events per resource and namespace. */
  private readonly history: StoreEvent[] = [];
  private historyStart = 0;
  private readonly historyByScope = new Map<string, StoreEvent[]>();
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  private pending: StoreEvent[] = [];
  private flushScheduled = false;

  /** The latest resourceVersion handed out (what a list returns as its resourceVersion). */
  get currentRevision(): number {
    return this.revision;
  }

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject {
    const found = this.peek(ref, namespace, name);
    if (!found) throw notFound(ref.group, ref.resource, name);
    return cloneJson(found);
  }

  find(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.peek(ref, namespace, name);
    return found ? cloneJson(found) : undefined;
  }

  /** The stored object itself, for read-only looks that need no copy. */
  peek(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.tables
      .get(resourceKeyOf(ref))
      ?.get(namespace ?? CLUSTER)
      ?.get(name);
  }

  /**
   * Objects sorted by namespace then name, like etcd's key order; copies of those `keep`
   * accepts (all by default), so filtered lists copy only what they return.
   */
  list(
    ref: ResourceRef,
    namespace?: string,
    keep: (object: KubeObject) => boolean = () => true,
  ): KubeObject[] {
    const out: KubeObject[] = [];
    this.scan(ref, namespace, (object) => {
      if (keep(object)) out.push(cloneJson(object));
    });
    return out;
  }

  /**
   * Visits stored objects without copying them (`visit` must not modify them), in key order
   * unless `ordered: false` says the caller does not need it.
   */
  scan(
    ref: ResourceRef,
    namespace: string | undefined,
    visit: (object: KubeObject) => void,
    options: { ordered?: boolean } = {},
  ): void {
    const table = this.tables.get(resourceKeyOf(ref));
    if (!table) return;
    const ordered = options.ordered ?? true;
    const all = (keys: Iterable<string>): string[] =>
      ordered ? [...keys].sort(byName) : [...keys];
    const spaces =
      namespace === undefined ? all(table.keys()) : table.has(namespace) ? [namespace] : [];
    for (const space of spaces) {
      const objects = table.get(space);
      if (!objects) continue;
      for (const name of all(objects.keys())) {
        const object = objects.get(name);
        if (object) visit(object);
      }
    }
  }

  /**
   * Stores a new object; `object.metadata.name` must be set. `owned`: the caller hands the
   * object over and keeps no reference into it, so it is stored without a copy.
   */
  create(
    ref: ResourceRef,
    object: KubeObject,
    { owned = false }: { owned?: boolean } = {},
  ): KubeObject {
    const name = object.metadata.name ?? '';
    const objects = this.namespaceTable(ref, object.metadata.namespace);
    if (objects.has(name)) throw alreadyExists(ref.group, ref.resource, name);
    const stored = owned ? object : cloneJson(object);
    stored.metadata.resourceVersion = String(++this.revision);
    objects.set(name, stored);
    this.record('ADDED', ref, stored);
    return cloneJson(stored);
  }

  /**
   * Replaces an existing object. When `object.metadata.resourceVersion` is set it must match the
   * stored one (optimistic concurrency); otherwise 409 Conflict. `owned`: the caller hands the
   * object over and keeps no reference into it, so it is stored without a copy.
   */
  update(
    ref: ResourceRef,
    object: KubeObject,
    { owned = false }: { owned?: boolean } = {},
  ): KubeObject {
    const name = object.metadata.name ?? '';
    const objects = this.namespaceTable(ref, object.metadata.namespace);
    const current = objects.get(name);
    if (!current) throw notFound(ref.group, ref.resource, name);
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion)
      throw conflict(ref.group, ref.resource, name);
    const stored = owned ? object : cloneJson(object);
    stored.metadata.resourceVersion = String(++this.revision);
    objects.set(name, stored);
    this.record('MODIFIED', ref, stored, current);
    return cloneJson(stored);
  }

  /** Removes an object for good and returns it as the DELETED event carries it. */
  remove(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject {
    const objects = this.namespaceTable(ref, namespace);
    const current = objects.get(name);
    if (!current) throw notFound(ref.group, ref.resource, name);
    objects.delete(name);
    const removed = cloneJson(current);
    removed.metadata.resourceVersion = String(++this.revision);
    this.record('DELETED', ref, removed);
    return cloneJson(removed);
  }

  /**
   * Calls `listener` for every change in `scope` (all changes; one resource's; or one resource's
   * in one namespace) after `sinceRevision`: first, synchronously, those already in the history,
   * then the rest as they happen. Throws 410 Expired when that revision has left the history.
   */
  subscribe(scope: SubscriptionScope, sinceRevision: number, listener: Listener): () => void {
    const oldest = this.history[this.historyStart];
    if (
      oldest &&
      sinceRevision < oldest.resourceVersion - 1 &&
      this.history.length - this.historyStart >= HISTORY_LIMIT
    ) {
      throw gone(`too old resource version: ${sinceRevision} (${oldest.resourceVersion - 1})`);
    }
    const key = scopeKey(scope.resourceKey, scope.namespace);
    const subscription: Subscription = { listener, lastDelivered: sinceRevision };
    let set = this.subscriptions.get(key);
    if (!set) {
      set = new Set();
      this.subscriptions.set(key, set);
    }
    set.add(subscription);
    // Replay what happened after sinceRevision and was already delivered to others; changes
    // still pending follow in the next flush, so the order stays by revision.
    if (sinceRevision < this.revision) {
      const firstPending = this.pending[0]?.resourceVersion ?? Infinity;
      const events = key === '*' ? this.history : (this.historyByScope.get(key) ?? []);
      const start = Math.max(
        firstAfter(events, sinceRevision),
        key === '*' ? this.historyStart : 0,
      );
      for (let i = start; i < events.length; i++) {
        const event = events[i];
        if (!event || event.resourceVersion >= firstPending) break;
        deliver(subscription, event);
      }
    }
    return () => {
      set.delete(subscription);
      if (set.size === 0 && this.subscriptions.get(key) === set) this.subscriptions.delete(key);
    };
  }

  private namespaceTable(ref: ResourceRef, namespace: string | undefined): Map<string, KubeObject> {
    const key = resourceKeyOf(ref);
    let table = this.tables.get(key);
    if (!table) {
      table = new Map();
      this.tables.set(key, table);
    }
    const space = namespace ?? CLUSTER;
    let objects = table.get(space);
    if (!objects) {
      objects = new Map();
      table.set(space, objects);
    }
    return objects;
  }

  private record(
    type: WatchEventType,
    ref: ResourceRef,
    object: KubeObject,
    previous?: KubeObject,
  ): void {
    const resourceKey = resourceKeyOf(ref);
    const event: StoreEvent = {
      type,
      resourceKey,
      object,
      resourceVersion: this.revision,
      ...(previous ? { previous } : {}),
    };
    this.history.push(event);
    for (const key of this.scopeKeysOf(event)) {
      let events = this.historyByScope.get(key);
      if (!events) {
        events = [];
        this.historyByScope.set(key, events);
      }
      events.push(event);
    }
    if (this.history.length - this.historyStart > HISTORY_LIMIT) this.forgetOldest();
    this.pending.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  /** Drops the oldest event from the history and from its scopes' histories (where it is first). */
  private forgetOldest(): void {
    const oldest = this.history[this.historyStart];
    this.historyStart += 1;
    // Compact now and then instead of shifting the array on every change.
    if (this.historyStart > HISTORY_LIMIT) {
      this.history.splice(0, this.historyStart);
      this.historyStart = 0;
    }
    if (!oldest) return;
    for (const key of this.scopeKeysOf(oldest)) {
      const events = this.historyByScope.get(key);
      if (events?.[0] === oldest) events.shift();
      if (events?.length === 0) this.historyByScope.delete(key);
    }
  }

  private scopeKeysOf(event: StoreEvent): string[] {
    const namespace = event.object.metadata.namespace;
    return namespace === undefined
      ? [event.resourceKey]
      : [event.resourceKey, scopeKey(event.resourceKey, namespace)];
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const event of batch) {
      const keys = ['*', ...this.scopeKeysOf(event)];
      for (const key of keys) {
        const set = this.subscriptions.get(key);
        if (!set) continue;
        for (const subscription of [...set]) {
          if (set.has(subscription)) deliver(subscription, event);
        }
      }
    }
  }
}

/** Index of the first event after `revision` in a list ordered by revision (binary search). */
function firstAfter(events: StoreEvent[], revision: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((events[mid]?.resourceVersion ?? 0) <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function deliver(subscription: Subscription, event: StoreEvent): void {
  if (event.resourceVersion <= subscription.lastDelivered) return;
  subscription.lastDelivered = event.resourceVersion;
  subscription.listener(event);
}
