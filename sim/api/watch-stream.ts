/**
 * Watch: a chunked JSON stream of `{"type":...,"object":...}` lines, one per change, with
 * kube-apiserver's resourceVersion rules:
 * - no resourceVersion, or "0": synthetic ADDED events for the current state, then changes;
 * - resourceVersion N: every change after N, or an ERROR event with a 410 Status when N has
 *   left the history;
 * - `timeoutSeconds` ends the stream cleanly; objects leaving a selector arrive as DELETED.
 */
import type { ServerResponse } from 'node:http';
import { ApiError, badRequest } from '../errors.js';
import type { ObjectStore, StoreEvent } from '../store/object-store.js';
import { resourceKeyOf } from '../store/object-store.js';
import type { KubeObject } from '../types.js';
import type { Registry } from './registry.js';
import type { ResourceDefinition } from './resources/resource-definition.js';

export interface WatchRequest {
  def: ResourceDefinition;
  namespace: string | undefined;
  query: URLSearchParams;
  /** Fault injection: end the stream after this many wall-clock ms. */
  closeAfterMs?: number;
  /** How objects are written (as themselves, or as one-row Tables). */
  encode?: (object: KubeObject) => unknown;
}

export interface WatchDependencies {
  store: ObjectStore;
  registry: Registry;
  /** Lets the server end open watches when it stops. */
  track(close: () => void): () => void;
}

function writeEvent(res: ServerResponse, type: string, object: unknown): void {
  res.write(`${JSON.stringify({ type, object })}\n`);
}

export function startWatch(
  deps: WatchDependencies,
  request: WatchRequest,
  res: ServerResponse,
): void {
  const { def, namespace, query } = request;
  const encode = request.encode ?? ((object: KubeObject) => object);
  const emit = (type: string, object: KubeObject): void => writeEvent(res, type, encode(object));
  const matches = deps.registry.selector(def, {
    labelSelector: query.get('labelSelector') ?? undefined,
    fieldSelector: query.get('fieldSelector') ?? undefined,
  });
  const inScope = (object: KubeObject): boolean =>
    (namespace === undefined || object.metadata.namespace === namespace) && matches(object);

  const rvParam = query.get('resourceVersion') ?? '';
  if (rvParam !== '' && !/^\d+$/.test(rvParam)) {
    throw badRequest(
      `resourceVersion: Invalid value: "${rvParam}": strconv.ParseUint: parsing "${rvParam}": invalid syntax`,
    );
  }
  const timeoutSeconds = Number(query.get('timeoutSeconds') ?? '0');

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();

  let since: number;
  if (rvParam === '' || rvParam === '0') {
    since = deps.store.currentRevision;
    const initial = deps.registry.list(def, namespace, {
      labelSelector: query.get('labelSelector') ?? undefined,
      fieldSelector: query.get('fieldSelector') ?? undefined,
    });
    for (const object of initial) emit('ADDED', object);
  } else {
    since = Number(rvParam);
  }

  let closed = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe = (): void => {};
  let untrack = (): void => {};
  const close = (): void => {
    if (closed) return;
    closed = true;
    unsubscribe();
    untrack();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };

  const onEvent = (event: StoreEvent): void => {
    if (closed) return;
    const now = inScope(event.object);
    if (event.type === 'MODIFIED') {
      const before = event.previous ? inScope(event.previous) : now;
      if (before && now) emit('MODIFIED', event.object);
      else if (before && !now) emit('DELETED', event.object);
      else if (!before && now) emit('ADDED', event.object);
    } else if (now) {
      emit(event.type, event.object);
    }
  };

  try {
    unsubscribe = deps.store.subscribe(
      { resourceKey: resourceKeyOf(def), ...(namespace !== undefined ? { namespace } : {}) },
      since,
      onEvent,
    );
  } catch (error) {
    if (error instanceof ApiError) {
      writeEvent(res, 'ERROR', error.toStatus());
      close();
      return;
    }
    throw error;
  }
  untrack = deps.track(close);
  res.on('close', close);
  if (timeoutSeconds > 0) timers.push(setTimeout(close, timeoutSeconds * 1000));
  if (request.closeAfterMs !== undefined) timers.push(setTimeout(close, request.closeAfterMs));
}
