/** apps/v1 deployments and replicasets: defaults and validation of the spec and its pod template. */
import type { StatusCause } from '../../errors.js';
import { labelSelectorMatcher } from '../../store/selectors.js';
import { isRecord, type KubeObject, type LabelSelector, type PodSpec } from '../../types.js';
import { defaultPodSpec, validatePodSpec } from './pod-spec.js';
import { STANDARD_VERBS, type ResourceDefinition } from './resource-definition.js';
import { checkLabels, checkObjectMeta, invalidValue, required } from './validation.js';

function specOf(object: KubeObject): Record<string, unknown> {
  if (!isRecord(object.spec)) object.spec = {};
  return object.spec as Record<string, unknown>;
}

function defaultTemplate(spec: Record<string, unknown>): void {
  const template = isRecord(spec.template) ? spec.template : {};
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  // Go's zero time serialises as null, which is why recorded templates carry this field.
  metadata.creationTimestamp ??= null;
  template.metadata = metadata;
  const podSpec = (isRecord(template.spec) ? template.spec : {}) as PodSpec;
  defaultPodSpec(podSpec);
  template.spec = podSpec;
  spec.template = template;
}

function validateWorkload(object: KubeObject): StatusCause[] {
  const causes = checkObjectMeta(object.metadata, 'subdomain');
  const spec = specOf(object);
  const replicas = spec.replicas;
  if (replicas !== undefined && (!Number.isInteger(replicas) || (replicas as number) < 0)) {
    causes.push(invalidValue('spec.replicas', replicas, 'must be greater than or equal to 0'));
  }
  const selector = spec.selector as LabelSelector | undefined;
  const template = isRecord(spec.template) ? spec.template : {};
  const templateMeta = isRecord(template.metadata) ? template.metadata : {};
  const labels = (isRecord(templateMeta.labels) ? templateMeta.labels : {}) as Record<
    string,
    string
  >;
  const hasSelector =
    selector !== undefined &&
    selector !== null &&
    (Object.keys(selector.matchLabels ?? {}).length > 0 ||
      (selector.matchExpressions ?? []).length > 0);
  if (!hasSelector) {
    causes.push(required('spec.selector'));
  } else if (!labelSelectorMatcher(selector)(labels)) {
    const shown = `map[string]string{${Object.entries(labels)
      .map(([k, v]) => `"${k}":"${v}"`)
      .join(', ')}}`;
    causes.push(
      invalidValue(
        'spec.template.metadata.labels',
        shown,
        '`selector` does not match template `labels`',
      ),
    );
  }
  causes.push(...checkLabels('spec.template.metadata.labels', templateMeta.labels));
  causes.push(...validatePodSpec('spec.template.spec', template.spec));
  return causes;
}

export const deploymentsResource: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  resource: 'deployments',
  singular: 'deployment',
  kind: 'Deployment',
  listKind: 'DeploymentList',
  namespaced: true,
  shortNames: ['deploy'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: ['scale', 'status'],
  fieldLabels: [],
  tracksGeneration: true,
  applyDefaults(object) {
    const spec = specOf(object);
    spec.replicas ??= 1;
    defaultTemplate(spec);
    // As SetDefaults_Deployment: an empty strategy (what `kubectl create deployment` sends)
    // becomes a RollingUpdate of 25%/25%.
    const strategy = (spec.strategy ?? {}) as {
      type?: string;
      rollingUpdate?: Record<string, unknown>;
    };
    strategy.type ??= 'RollingUpdate';
    if (strategy.type === 'RollingUpdate') {
      strategy.rollingUpdate ??= {};
      strategy.rollingUpdate.maxUnavailable ??= '25%';
      strategy.rollingUpdate.maxSurge ??= '25%';
    }
    spec.strategy = strategy;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
  },
  admit(object) {
    object.status = {};
  },
  validate: validateWorkload,
  validateUpdate: (next) => validateWorkload(next),
};

export const replicaSetsResource: ResourceDefinition = {
  group: 'apps',
  version: 'v1',
  resource: 'replicasets',
  singular: 'replicaset',
  kind: 'ReplicaSet',
  listKind: 'ReplicaSetList',
  namespaced: true,
  shortNames: ['rs'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: ['scale', 'status'],
  fieldLabels: [],
  tracksGeneration: true,
  applyDefaults(object) {
    const spec = specOf(object);
    spec.replicas ??= 1;
    defaultTemplate(spec);
  },
  admit(object) {
    object.status = { replicas: 0 };
  },
  validate: validateWorkload,
  validateUpdate: (next) => validateWorkload(next),
};
