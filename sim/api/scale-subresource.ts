/**
 * The `scale` subresource of Deployments and ReplicaSets (`autoscaling/v1` Scale), what
 * `kubectl scale` reads and writes: GET, PUT of a Scale, and patches of a Scale (kubectl sends a
 * merge patch `{"spec":{"replicas":N}}`). Writing it changes the parent's `spec.replicas` and
 * nothing else, as kube-apiserver's scale storage does.
 */
import { badRequest, conflict, invalid } from '../errors.js';
import { isRecord, type KubeObject } from '../types.js';
import { applyPatch, type PatchType } from './patch.js';
import type { Registry } from './registry.js';
import type { ResourceDefinition } from './resources/resource-definition.js';

interface LabelSelectorShape {
  matchLabels?: Record<string, string>;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
}

/** A selector as the string Scale's status carries (`app=web,tier in (a,b)`). */
export function selectorString(selector: LabelSelectorShape | undefined): string {
  const parts = Object.entries(selector?.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector?.matchExpressions ?? []) {
    const values = [...(e.values ?? [])].sort().join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${values})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${values})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.sort().join(',');
}

export function scaleOf(object: KubeObject): Record<string, unknown> {
  const spec = (object.spec ?? {}) as { replicas?: number; selector?: LabelSelectorShape };
  const status = (object.status ?? {}) as { replicas?: number };
  const { name, namespace, uid, resourceVersion, creationTimestamp } = object.metadata;
  return {
    kind: 'Scale',
    apiVersion: 'autoscaling/v1',
    metadata: { name, namespace, uid, resourceVersion, creationTimestamp },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, selector: selectorString(spec.selector) },
  };
}

export type ScaleWrite =
  { kind: 'update'; body: unknown } | { kind: 'patch'; type: PatchType; patch: unknown };

export function writeScale(
  registry: Registry,
  target: { def: ResourceDefinition; namespace: string | undefined; name: string },
  write: ScaleWrite,
  options: { manager: string; dryRun: boolean },
): Record<string, unknown> {
  const { def, namespace, name } = target;
  const current = registry.get(def, namespace, name);
  const scale =
    write.kind === 'update' ? write.body : applyPatch(write.type, scaleOf(current), write.patch);
  if (!isRecord(scale) || !isRecord(scale.spec)) throw badRequest('the body is not a Scale');
  const meta = isRecord(scale.metadata) ? scale.metadata : {};
  if (
    typeof meta.resourceVersion === 'string' &&
    meta.resourceVersion !== '' &&
    meta.resourceVersion !== current.metadata.resourceVersion
  ) {
    throw conflict(def.group, def.resource, name);
  }
  const replicas = scale.spec.replicas ?? 0;
  if (typeof replicas !== 'number' || !Number.isInteger(replicas) || replicas < 0) {
    throw invalid('autoscaling', 'Scale', name, [
      {
        reason: 'FieldValueInvalid',
        message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        field: 'spec.replicas',
      },
    ]);
  }
  const next = registry.patch(
    def,
    namespace,
    name,
    'merge',
    { spec: { replicas } },
    {
      manager: options.manager,
      dryRun: options.dryRun,
    },
  );
  return scaleOf(next);
}
