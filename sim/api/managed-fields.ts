/**
 * `metadata.managedFields`: which manager last set which fields. The simulation records one
 * entry per manager and subresource, with a FieldsV1 set computed from the fields written
 * (keyed list items as `k:{...}`, like kube-apiserver). Its values are approximate; its shape
 * is the real one.
 */
import { formatTime } from '../clock.js';
import { isRecord, type KubeObject } from '../types.js';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Update' | 'Apply';
  apiVersion: string;
  time: string;
  fieldsType: 'FieldsV1';
  fieldsV1: Record<string, unknown>;
  subresource?: string;
}

/** Fields of lists whose items are identified by a key, as in the strategic-merge schema. */
const LIST_KEYS: Record<string, readonly string[]> = {
  containers: ['name'],
  initContainers: ['name'],
  ephemeralContainers: ['name'],
  volumes: ['name'],
  env: ['name'],
  imagePullSecrets: ['name'],
  ports: ['containerPort', 'protocol'],
  volumeMounts: ['mountPath'],
  conditions: ['type'],
  containerStatuses: ['name'],
  ownerReferences: ['uid'],
};

const SKIPPED_META = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'managedFields',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'selfLink',
  'generateName',
]);

function fieldSet(value: unknown, listName: string | undefined): Record<string, unknown> {
  if (Array.isArray(value)) {
    const keys = listName ? LIST_KEYS[listName] : undefined;
    if (!keys) return {};
    const out: Record<string, unknown> = { '.': {} };
    for (const item of value) {
      if (!isRecord(item)) continue;
      const id: Record<string, unknown> = {};
      for (const k of keys) if (item[k] !== undefined) id[k] = item[k];
      out[`k:${JSON.stringify(id)}`] = { '.': {}, ...fieldsOfMap(item) };
    }
    return out;
  }
  if (isRecord(value)) {
    if (Object.keys(value).length === 0) return {};
    return { '.': {}, ...fieldsOfMap(value) };
  }
  return {};
}

function fieldsOfMap(obj: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(obj).sort()) {
    out[`f:${key}`] = fieldSet(obj[key], key);
  }
  return out;
}

/** FieldsV1 for the fields a manager wrote to the main resource (or to `status`). */
export function fieldsV1For(object: KubeObject, subresource?: 'status'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (subresource === 'status') {
    if (isRecord(object.status)) out['f:status'] = fieldsOfMap(object.status);
    return out;
  }
  const meta: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object.metadata)) {
    if (!SKIPPED_META.has(key) && value !== undefined) meta[key] = value;
  }
  if (Object.keys(meta).length > 0) out['f:metadata'] = fieldsOfMap(meta);
  for (const key of Object.keys(object).sort()) {
    if (['kind', 'apiVersion', 'metadata', 'status'].includes(key)) continue;
    const value = object[key];
    out[`f:${key}`] = isRecord(value) ? fieldsOfMap(value) : fieldSet(value, key);
  }
  return out;
}

/** Replaces this manager's entry (per subresource) and keeps everyone else's. */
export function recordManager(opts: {
  object: KubeObject;
  previous: ManagedFieldsEntry[];
  manager: string;
  at: Date;
  subresource?: 'status';
}): ManagedFieldsEntry[] {
  const entry: ManagedFieldsEntry = {
    manager: opts.manager,
    operation: 'Update',
    apiVersion: opts.object.apiVersion,
    time: formatTime(opts.at),
    fieldsType: 'FieldsV1',
    fieldsV1: fieldsV1For(opts.object, opts.subresource),
  };
  if (opts.subresource) entry.subresource = opts.subresource;
  const others = opts.previous.filter(
    (e) => !(e.manager === opts.manager && (e.subresource ?? '') === (opts.subresource ?? '')),
  );
  return [...others, entry];
}

export function managedFieldsOf(object: KubeObject): ManagedFieldsEntry[] {
  const raw = object.metadata.managedFields;
  return Array.isArray(raw) ? (raw.filter(isRecord) as unknown as ManagedFieldsEntry[]) : [];
}
