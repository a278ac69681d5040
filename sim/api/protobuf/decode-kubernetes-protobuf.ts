/**
 * Decodes a `application/vnd.kubernetes.protobuf` request body (what kubectl's typed clients
 * send, e.g. `kubectl create deployment`) into the JSON object the same request would carry as
 * JSON: the 4-byte magic `k8s\0`, a `runtime.Unknown` envelope naming apiVersion and kind, and
 * the object's own protobuf bytes inside it.
 *
 * Go's generated marshallers write every non-pointer field, zero or not, so zero scalars
 * (`""`, `false`, `0`) are dropped here as JSON's `omitempty` would, except for the pointer
 * fields where zero means something (`replicas: 0`).
 */
import protobuf from 'protobufjs';
import { badRequest, ApiError } from '../../errors.js';
import { isRecord } from '../../types.js';
import { KUBERNETES_SUBSET_PROTO } from './kubernetes-subset-proto.js';

const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
const root = protobuf.parse(KUBERNETES_SUBSET_PROTO, { keepCase: true }).root;
const envelope = root.lookupType('k8s.Unknown');

/** `apiVersion kind` → message type. */
const MESSAGE_OF_KIND: Record<string, string> = {
  'v1 Pod': 'k8s.Pod',
  'v1 Service': 'k8s.Service',
  'v1 ConfigMap': 'k8s.ConfigMap',
  'apps/v1 Deployment': 'k8s.Deployment',
  'apps/v1 ReplicaSet': 'k8s.ReplicaSet',
  'autoscaling/v1 Scale': 'k8s.Scale',
};

/** Fields that are pointers in Go: present with zero means zero, not "unset". */
const ZERO_MEANINGFUL = new Set([
  'replicas',
  'revisionHistoryLimit',
  'progressDeadlineSeconds',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'deletionGracePeriodSeconds',
  'tolerationSeconds',
  'priority',
  'enableServiceLinks',
  'immutable',
  'allocateLoadBalancerNodePorts',
]);

/** Message types with a JSON form of their own. */
const TIME_FIELDS = new Set(['creationTimestamp', 'deletionTimestamp']);

function toJson(value: unknown, field: string): unknown {
  if (Array.isArray(value)) return value.map((item) => toJson(item, field));
  if (!isRecord(value)) return value;
  if (TIME_FIELDS.has(field)) {
    const seconds = Number(value.seconds ?? 0);
    return seconds === 0 ? undefined : new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
  }
  if (field === 'maxSurge' || field === 'maxUnavailable' || field === 'targetPort')
    return Number(value.type ?? 0) === 1 ? value.strVal : value.intVal;
  if (field === 'binaryData') {
    return Object.fromEntries(
      Object.entries(value).map(([k, b]) => [k, Buffer.isBuffer(b) ? b.toString('base64') : b]),
    );
  }
  if (field === 'limits' || field === 'requests') {
    return Object.fromEntries(
      Object.entries(value).map(([k, q]) => [k, isRecord(q) ? q.string : q]),
    );
  }
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    // Label and annotation maps keep their keys and values as they are.
    if (
      key === 'labels' ||
      key === 'annotations' ||
      key === 'matchLabels' ||
      key === 'nodeSelector' ||
      key === 'data' ||
      // A Service's selector is a plain map; a workload's is a LabelSelector message.
      (key === 'selector' &&
        isRecord(inner) &&
        Object.values(inner).every((v) => typeof v === 'string'))
    ) {
      out[key] = inner;
      continue;
    }
    const converted = toJson(inner, key);
    if (converted === undefined) continue;
    if (!ZERO_MEANINGFUL.has(key) && (converted === '' || converted === false || converted === 0))
      continue;
    out[key] = converted;
  }
  return out;
}

export function isKubernetesProtobuf(contentType: string): boolean {
  return contentType.split(';')[0]?.trim().toLowerCase() === 'application/vnd.kubernetes.protobuf';
}

export function decodeKubernetesProtobuf(body: Buffer): Record<string, unknown> {
  if (body.length < MAGIC.length || !body.subarray(0, MAGIC.length).equals(MAGIC)) {
    throw badRequest('provided input did not have a Kubernetes protobuf prefix');
  }
  let unknown: Record<string, unknown>;
  try {
    unknown = envelope.toObject(envelope.decode(body.subarray(MAGIC.length)), {
      longs: Number,
      bytes: Buffer,
    });
  } catch (error) {
    throw badRequest(`unable to decode the protobuf envelope: ${(error as Error).message}`);
  }
  const typeMeta = isRecord(unknown.typeMeta) ? unknown.typeMeta : {};
  const apiVersion = typeof typeMeta.apiVersion === 'string' ? typeMeta.apiVersion : '';
  const kind = typeof typeMeta.kind === 'string' ? typeMeta.kind : '';
  const typeName = MESSAGE_OF_KIND[`${apiVersion} ${kind}`];
  if (!typeName) {
    throw new ApiError(
      415,
      'UnsupportedMediaType',
      `the simulated cluster decodes protobuf only for ${Object.keys(MESSAGE_OF_KIND).join(', ')}; send ${apiVersion} ${kind} as application/json`,
    );
  }
  const type = root.lookupType(typeName);
  const raw = Buffer.isBuffer(unknown.raw) ? unknown.raw : Buffer.alloc(0);
  let object: Record<string, unknown>;
  try {
    object = type.toObject(type.decode(raw), { longs: Number }) as Record<string, unknown>;
  } catch (error) {
    throw badRequest(`unable to decode ${kind} from protobuf: ${(error as Error).message}`);
  }
  return { apiVersion, kind, ...(toJson(object, '') as Record<string, unknown>) };
}
