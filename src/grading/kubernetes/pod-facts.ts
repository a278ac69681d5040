import { z } from 'zod';
import type { KubeObject } from '../cluster-reader.js';

/**
 * The fields of a Pod the grader reasons about, parsed from the API server's JSON. Each field is
 * parsed on its own and falls back to "unknown" (undefined, empty), so one odd field in a
 * learner's cluster never hides the others.
 */
export interface PodFacts {
  name: string | undefined;
  uid: string | undefined;
  resourceVersion: string | undefined;
  labels: Record<string, string>;
  ownerReferences: OwnerReference[];
  deletionTimestamp: string | undefined;
  creationTimestamp: string | undefined;
  phase: string | undefined;
  podIP: string | undefined;
  nodeName: string | undefined;
  containers: ContainerSpecFacts[];
  containerStatuses: ContainerStatusFacts[];
  /** Run to completion, in order, before the containers start; their images are pulled too. */
  initContainers: ContainerSpecFacts[];
  initContainerStatuses: ContainerStatusFacts[];
  conditions: { type: string; status: string; reason?: string; message?: string }[];
}

export interface OwnerReference {
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface ContainerSpecFacts {
  name: string;
  image: string | undefined;
  requests: Record<string, string>;
}

export interface ContainerStatusFacts {
  name: string;
  waitingReason: string | undefined;
  waitingMessage: string | undefined;
  running: boolean;
  terminatedReason: string | undefined;
  restartCount: number;
}

const text = z.string().optional().catch(undefined);
const stringMap = z.record(z.string(), z.string()).catch({});
const ownerReference = z.looseObject({
  kind: z.string(),
  name: z.string(),
  uid: z.string().optional(),
  controller: z.boolean().optional(),
});
const container = z.looseObject({
  name: z.string(),
  image: text,
  resources: z.looseObject({ requests: stringMap.optional() }).optional().catch(undefined),
});
const containerStatus = z.looseObject({
  name: z.string(),
  restartCount: z.number().catch(0).default(0),
  state: z
    .looseObject({
      waiting: z.looseObject({ reason: text, message: text }).optional(),
      running: z.looseObject({}).optional(),
      terminated: z.looseObject({ reason: text }).optional(),
    })
    .optional()
    .catch(undefined),
});
const condition = z.looseObject({
  type: z.string(),
  status: z.string(),
  reason: z.string().optional(),
  message: z.string().optional(),
});

/** Elements that do not parse are left out; the rest of the list still counts. */
function listOf<T extends z.ZodType>(element: T, value: unknown): z.infer<T>[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = element.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

function field(source: unknown, key: string): unknown {
  return typeof source === 'object' && source !== null && Object.hasOwn(source, key)
    ? (source as Record<string, unknown>)[key]
    : undefined;
}

function textField(source: unknown, key: string): string | undefined {
  const value = field(source, key);
  return typeof value === 'string' ? value : undefined;
}

export function readPodFacts(pod: KubeObject): PodFacts {
  const metadata = field(pod, 'metadata');
  const spec = field(pod, 'spec');
  const status = field(pod, 'status');
  return {
    name: textField(metadata, 'name'),
    uid: textField(metadata, 'uid'),
    resourceVersion: textField(metadata, 'resourceVersion'),
    labels: stringMap.parse(field(metadata, 'labels') ?? {}),
    ownerReferences: listOf(ownerReference, field(metadata, 'ownerReferences')),
    deletionTimestamp: textField(metadata, 'deletionTimestamp'),
    creationTimestamp: textField(metadata, 'creationTimestamp'),
    phase: textField(status, 'phase'),
    podIP: textField(status, 'podIP'),
    nodeName: textField(spec, 'nodeName'),
    containers: readContainers(field(spec, 'containers')),
    containerStatuses: readContainerStatuses(field(status, 'containerStatuses')),
    initContainers: readContainers(field(spec, 'initContainers')),
    initContainerStatuses: readContainerStatuses(field(status, 'initContainerStatuses')),
    conditions: listOf(condition, field(status, 'conditions')),
  };
}

function readContainers(value: unknown): ContainerSpecFacts[] {
  return listOf(container, value).map((item) => ({
    name: item.name,
    image: item.image,
    requests: item.resources?.requests ?? {},
  }));
}

function readContainerStatuses(value: unknown): ContainerStatusFacts[] {
  return listOf(containerStatus, value).map((item) => ({
    name: item.name,
    waitingReason: item.state?.waiting?.reason,
    waitingMessage: item.state?.waiting?.message,
    running: item.state?.running !== undefined,
    terminatedReason: item.state?.terminated?.reason,
    restartCount: item.restartCount,
  }));
}

/** The object without `managedFields`: noise in evidence, and large. */
export function withoutManagedFields(object: KubeObject): KubeObject {
  if (object.metadata === undefined || !('managedFields' in object.metadata)) return object;
  const { managedFields: _dropped, ...metadata } = object.metadata;
  return { ...object, metadata };
}
