import type { ObservableKind } from './kubernetes/observable-kinds.js';

/**
 * What the grader may ask of a learner's cluster: read-only, one namespace, Kubernetes objects as
 * plain JSON (as the API server returns them). Implemented with @kubernetes/client-node in
 * src/cluster/; the grading domain depends only on this interface.
 *
 * Contract for implementations:
 * - "not there" is an answer: a 404 resolves to `undefined` (or an empty list);
 * - "could not look" is not: 401/403, timeouts, 5xx and network failures reject with a
 *   ClusterReadError, which the engine reports as outcome `error` (never `failed`).
 */
export interface ClusterReader {
  readPod(options: { namespace: string; name: string }): Promise<KubeObject | undefined>;
  listPods(options: {
    namespace: string;
    labelSelector?: string;
    fieldSelector?: string;
  }): Promise<KubeObject[]>;
  /** Core events, e.g. `fieldSelector: involvedObject.name=my-pod`. */
  listEvents(options: { namespace: string; fieldSelector?: string }): Promise<KubeObject[]>;
  listReplicaSets(options: { namespace: string; labelSelector?: string }): Promise<KubeObject[]>;
  listDeployments(options: { namespace: string; labelSelector?: string }): Promise<KubeObject[]>;
  /** Resolves to `undefined` when the Pod (or container) does not exist. */
  readPodLog(options: {
    namespace: string;
    name: string;
    container?: string;
    tailLines?: number;
    limitBytes?: number;
  }): Promise<string | undefined>;
  /**
   * Streams Pod changes to `onEvent` until `signal` aborts or the server ends the watch; resolves
   * then. Starts from `resourceVersion` when given, so nothing between a list and a watch is lost.
   */
  watchPods(options: PodWatchOptions, onEvent: (event: PodWatchEvent) => void): Promise<void>;
  /** Every object of a kind in a namespace, and the list's resourceVersion to watch from. */
  listObjects(options: {
    kind: ObservableKind;
    namespace: string;
    labelSelector?: string;
  }): Promise<KubeObjectList>;
  /** Like `watchPods`, for any observable kind. */
  watchObjects(options: ObjectWatchOptions, onEvent: (event: PodWatchEvent) => void): Promise<void>;
  /**
   * The requests made so far (method, path, status; never headers), when the reader keeps
   * them: the grader records the count and the list as the attempt's evidence.
   */
  readonly requests?: { summary(): ClusterRequestSummary };
}

/** A watch of Pods in a namespace: from `resourceVersion` when given, until `signal` aborts. */
export interface PodWatchOptions {
  namespace: string;
  labelSelector?: string;
  fieldSelector?: string;
  resourceVersion?: string;
  signal: AbortSignal;
}

/** A watch of any observable kind (no field selector: not every kind serves the same fields). */
export interface ObjectWatchOptions extends Omit<PodWatchOptions, 'fieldSelector'> {
  kind: ObservableKind;
}

export interface ClusterRequestSummary {
  count: number;
  requests: readonly { method: string; path: string; status: number | 'error'; ms: number }[];
}

/** A Kubernetes object as JSON. Check runners parse the fields they need; nothing is trusted. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata?: {
    name?: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    ownerReferences?: unknown[];
    deletionTimestamp?: string;
    [field: string]: unknown;
  };
  [field: string]: unknown;
}

export interface KubeObjectList {
  /** The list's resourceVersion: a watch from it misses nothing that happened after the list. */
  resourceVersion?: string | undefined;
  items: KubeObject[];
}

/** A change a watch delivered (for any kind; the name is from when only Pods were watched). */
export interface PodWatchEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: KubeObject;
}
