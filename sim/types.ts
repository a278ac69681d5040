/**
 * The slices of Kubernetes object shapes that the simulated cluster reads and writes.
 * Objects are stored as plain JSON; these types name the fields the simulation relies on and
 * leave every other field as it came from the client.
 */

export type JsonValue =
  null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string | null;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export interface ResourceRequirements {
  limits?: Record<string, string>;
  requests?: Record<string, string>;
  [key: string]: unknown;
}

export interface ContainerPort {
  containerPort?: number;
  protocol?: string;
  [key: string]: unknown;
}

export interface Container {
  name?: string;
  image?: string;
  command?: string[];
  args?: string[];
  ports?: ContainerPort[];
  resources?: ResourceRequirements;
  volumeMounts?: Array<Record<string, unknown>>;
  imagePullPolicy?: string;
  [key: string]: unknown;
}

export interface Toleration {
  key?: string;
  operator?: string;
  effect?: string;
  value?: string;
  tolerationSeconds?: number;
}

export interface PodSpec {
  volumes?: Array<Record<string, unknown>>;
  initContainers?: Container[];
  containers?: Container[];
  restartPolicy?: string;
  terminationGracePeriodSeconds?: number;
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  schedulerName?: string;
  serviceAccountName?: string;
  tolerations?: Toleration[];
  [key: string]: unknown;
}

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime: string | null;
  lastTransitionTime: string;
  reason?: string;
  message?: string;
}

export interface ContainerState {
  waiting?: { reason: string; message?: string };
  running?: { startedAt: string };
  terminated?: {
    exitCode: number;
    reason: string;
    startedAt: string;
    finishedAt: string;
    containerID?: string;
  };
}

export interface ContainerStatus {
  name: string;
  state: ContainerState;
  lastState: ContainerState;
  ready: boolean;
  restartCount: number;
  image: string;
  imageID: string;
  containerID?: string;
  started: boolean;
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  message?: string;
  reason?: string;
  hostIP?: string;
  podIP?: string;
  podIPs?: Array<{ ip: string }>;
  startTime?: string;
  containerStatuses?: ContainerStatus[];
  qosClass?: string;
  [key: string]: unknown;
}

export interface Pod extends KubeObject {
  spec: PodSpec;
  status: PodStatus;
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

export interface PodTemplateSpec {
  metadata?: ObjectMeta;
  spec?: PodSpec;
}

export interface ReplicaSet extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
    [key: string]: unknown;
  };
  status: Record<string, unknown>;
}

export interface Deployment extends KubeObject {
  spec: {
    replicas?: number;
    selector?: LabelSelector;
    template?: PodTemplateSpec;
    strategy?: Record<string, unknown>;
    [key: string]: unknown;
  };
  status: Record<string, unknown>;
}

export interface Node extends KubeObject {
  spec: {
    taints?: Array<{ key: string; value?: string; effect: string }>;
    unschedulable?: boolean;
  };
  status: {
    capacity: Record<string, string>;
    allocatable: Record<string, string>;
    addresses: Array<{ type: string; address: string }>;
    [key: string]: unknown;
  };
}

export interface CoreEvent extends KubeObject {
  involvedObject: {
    kind: string;
    namespace?: string;
    name: string;
    uid: string;
    apiVersion: string;
    resourceVersion?: string;
    fieldPath?: string;
  };
  reason: string;
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  count?: number;
  type: 'Normal' | 'Warning';
  eventTime: string | null;
  reportingComponent: string;
  reportingInstance: string;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep copy of a JSON value; the store hands out copies so callers can never alias stored state.
 * Plain objects and arrays are copied by hand (several times faster than structuredClone, which
 * serialises and deserialises, and copying is most of what the simulated cluster does); anything
 * else that is not a primitive goes through structuredClone.
 */
export function cloneJson<T>(value: T): T {
  return copyValue(value) as T;
}

function copyValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyValue(value[i]);
    return out;
  }
  const prototype = Object.getPrototypeOf(value) as unknown;
  if (prototype !== Object.prototype && prototype !== null) return structuredClone(value);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copyValue((value as Record<string, unknown>)[key]);
  return out;
}

/**
 * Deep equality of JSON values, ignoring key order (clients may send keys in any order) and keys
 * whose value is undefined (JSON has no such keys): what comparing their JSON texts with sorted
 * keys says, without serialising either side.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  return sameValue(a, b, false);
}

function sameValue(a: unknown, b: unknown, inArray: boolean): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) {
    // JSON.stringify writes NaN and infinities as null, and undefined array items too.
    const text = (value: unknown): unknown =>
      (value === undefined && inArray) || (typeof value === 'number' && !Number.isFinite(value))
        ? null
        : value;
    return text(a) === text(b);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameValue(a[i], b[i], true)) return false;
    return true;
  }
  const left = a as Record<string, unknown>;
  const right = b as Record<string, unknown>;
  let defined = 0;
  for (const key in left) {
    const value = left[key];
    if (value === undefined) continue;
    defined++;
    const other = right[key];
    if (other === undefined || !sameValue(value, other, false)) return false;
  }
  for (const key in right) if (right[key] !== undefined) defined--;
  return defined === 0;
}
