/**
 * The simulated etcd: every object of every resource, one cluster-wide resourceVersion counter,
 * and a bounded history of changes so that watches can resume from a resourceVersion.
 *
 * All operations are synchronous. Change notifications are delivered asynchronously (in a
 * microtask, in resourceVersion order) so that a controller reacting to a change never runs
 * inside the write that caused it.
 */
import { alreadyExists, conflict, gone, notFound } from '../errors.js';
import { cloneJson, type KubeObject } from '../types.js';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  /** `group/resource`, e.g. `/pods` or `apps/deployments`. */
  resourceKey: string;
  object: KubeObject;
  /** For MODIFIED: the object before the change (lets a filtered watch see objects leave its selector). */
  previous?: KubeObject;
  resourceVersion: number;
}

export interface ResourceRef {
  group: string;
  resource: string;
}

type Listener = (event: StoreEvent) => void;

interface Subscription {
  resourceKey: string | undefined;
  listener: Listener;
  lastDelivered: number;
}

const HISTORY_LIMIT = 5000;

export function resourceKeyOf(ref: ResourceRef): string {
  return `${ref.group}/${ref.resource}`;
}

function objectKey(namespace: string | undefined, name: string): string {
  return `${namespace ?? ''}/${name}`;
}

export class ObjectStore {
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  private revision = 100;
  private readonly history: StoreEvent[] = [];
  private readonly subscriptions = new Set<Subscription>();
  private pending: StoreEvent[] = [];
  private flushScheduled = false;

  /** The latest resourceVersion handed out (what a list returns as its resourceVersion). */
  get currentRevision(): number {
    return this.revision;
  }

  get(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject {
    const found = this.table(ref).get(objectKey(namespace, name));
    if (!found) throw notFound(ref.group, ref.resource, name);
    return cloneJson(found);
  }

  find(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject | undefined {
    const found = this.table(ref).get(objectKey(namespace, name));
    return found ? cloneJson(found) : undefined;
  }

  /** Objects sorted by namespace then name, like etcd's key order. */
  list(ref: ResourceRef, namespace?: string): KubeObject[] {
    const items = [...this.table(ref).entries()]
      .filter(([, obj]) => namespace === undefined || obj.metadata.namespace === namespace)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([, obj]) => cloneJson(obj));
    return items;
  }

  /** Stores a new object; `object.metadata.name` must be set. */
  create(ref: ResourceRef, object: KubeObject): KubeObject {
    const name = object.metadata.name ?? '';
    const table = this.table(ref);
    const key = objectKey(object.metadata.namespace, name);
    if (table.has(key)) throw alreadyExists(ref.group, ref.resource, name);
    const stored = cloneJson(object);
    stored.metadata.resourceVersion = String(++this.revision);
    table.set(key, stored);
    this.record('ADDED', ref, stored);
    return cloneJson(stored);
  }

  /**
   * Replaces an existing object. When `object.metadata.resourceVersion` is set it must match the
   * stored one (optimistic concurrency); otherwise 409 Conflict.
   */
  update(ref: ResourceRef, object: KubeObject): KubeObject {
    const name = object.metadata.name ?? '';
    const table = this.table(ref);
    const key = objectKey(object.metadata.namespace, name);
    const current = table.get(key);
    if (!current) throw notFound(ref.group, ref.resource, name);
    const expected = object.metadata.resourceVersion;
    if (expected && expected !== current.metadata.resourceVersion)
      throw conflict(ref.group, ref.resource, name);
    const stored = cloneJson(object);
    stored.metadata.resourceVersion = String(++this.revision);
    table.set(key, stored);
    this.record('MODIFIED', ref, stored, current);
    return cloneJson(stored);
  }

  /** Removes an object for good and returns it as the DELETED event carries it. */
  remove(ref: ResourceRef, namespace: string | undefined, name: string): KubeObject {
    const table = this.table(ref);
    const key = objectKey(namespace, name);
    const current = table.get(key);
    if (!current) throw notFound(ref.group, ref.resource, name);
    table.delete(key);
    const removed = cloneJson(current);
    removed.metadata.resourceVersion = String(++this.revision);
    this.record('DELETED', ref, removed);
    return cloneJson(removed);
  }

  /**
   * Calls `listener` for every change (of one resource, or of all when `resourceKey` is
   * undefined) after `sinceRevision`. Throws 410 Expired when that revision has left the history.
   */
  subscribe(
    resourceKey: string | undefined,
    sinceRevision: number,
    listener: Listener,
  ): () => void {
    const oldest = this.history[0];
    if (
      oldest &&
      sinceRevision < oldest.resourceVersion - 1 &&
      this.history.length >= HISTORY_LIMIT
    ) {
      throw gone(`too old resource version: ${sinceRevision} (${oldest.resourceVersion - 1})`);
    }
    const subscription: Subscription = { resourceKey, listener, lastDelivered: sinceRevision };
    this.subscriptions.add(subscription);
    // Replay, synchronously, what happened after sinceRevision and was already delivered to
    // others; changes still pending follow in the next flush, so the order stays by revision.
    for (const event of this.history) {
      if (
        event.resourceVersion > sinceRevision &&
        !this.pending.includes(event) &&
        matches(subscription, event)
      ) {
        deliver(subscription, event);
      }
    }
    return () => {
      this.subscriptions.delete(subscription);
    };
  }

  private table(ref: ResourceRef): Map<string, KubeObject> {
    const key = resourceKeyOf(ref);
    let table = this.tables.get(key);
    if (!table) {
      table = new Map();
      this.tables.set(key, table);
    }
    return table;
  }

  private record(
    type: WatchEventType,
    ref: ResourceRef,
    object: KubeObject,
    previous?: KubeObject,
  ): void {
    const event: StoreEvent = {
      type,
      resourceKey: resourceKeyOf(ref),
      object: cloneJson(object),
      resourceVersion: this.revision,
    };
    if (previous) event.previous = previous;
    this.history.push(event);
    if (this.history.length > HISTORY_LIMIT) this.history.shift();
    this.pending.push(event);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const batch = this.pending;
    this.pending = [];
    for (const event of batch) {
      for (const subscription of [...this.subscriptions]) {
        if (this.subscriptions.has(subscription) && matches(subscription, event))
          deliver(subscription, event);
      }
    }
  }
}

function matches(subscription: Subscription, event: StoreEvent): boolean {
  return subscription.resourceKey === undefined || subscription.resourceKey === event.resourceKey;
}

function deliver(subscription: Subscription, event: StoreEvent): void {
  if (event.resourceVersion <= subscription.lastDelivered) return;
  subscription.lastDelivered = event.resourceVersion;
  subscription.listener({
    ...event,
    object: cloneJson(event.object),
    ...(event.previous ? { previous: cloneJson(event.previous) } : {}),
  });
}
