/** core/v1 pods: defaults, admission, validation and field labels (pod-create-201.json is the model). */
import type { StatusCause } from '../../errors.js';
import { cpuMillis } from '../../quantity.js';
import {
  cloneJson,
  isRecord,
  sameJson,
  type Container,
  type KubeObject,
  type Pod,
} from '../../types.js';
import { defaultPodSpec, validatePodSpec } from './pod-spec.js';
import { STANDARD_VERBS, type ResourceDefinition } from './resource-definition.js';
import { checkObjectMeta, forbiddenField } from './validation.js';

const SERVICE_ACCOUNT_MOUNT = '/var/run/secrets/kubernetes.io/serviceaccount';

/** BestEffort, Burstable or Guaranteed, from the containers' requests and limits. */
export function qosClassOf(containers: Container[]): string {
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const requests = c.resources?.requests ?? {};
    const limits = c.resources?.limits ?? {};
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true;
    for (const name of ['cpu', 'memory']) {
      const limit = limits[name];
      const request = requests[name] ?? limit;
      if (limit === undefined || request === undefined || cpuMillis(limit) !== cpuMillis(request))
        guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** What the ServiceAccount, DefaultTolerationSeconds and Priority admission plugins add. */
function admitPod(object: KubeObject, ctx: { randomSuffix(length: number): string }): void {
  const pod = object as Pod;
  const spec = pod.spec;
  spec.serviceAccountName ??= 'default';
  spec.serviceAccount = spec.serviceAccountName;
  if (spec.automountServiceAccountToken !== false) {
    const volumeName = `kube-api-access-${ctx.randomSuffix(5)}`;
    spec.volumes = [
      ...(spec.volumes ?? []),
      {
        name: volumeName,
        projected: {
          sources: [
            { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
            { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
            {
              downwardAPI: {
                items: [
                  {
                    path: 'namespace',
                    fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' },
                  },
                ],
              },
            },
          ],
          defaultMode: 420,
        },
      },
    ];
    for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
      c.volumeMounts = [
        ...(c.volumeMounts ?? []),
        { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT },
      ];
    }
  }
  const tolerations = spec.tolerations ?? [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key && t.effect === 'NoExecute')) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  spec.tolerations = tolerations;
  spec.priority ??= 0;
  spec.enableServiceLinks ??= true;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  pod.status = { phase: 'Pending', qosClass: qosClassOf(containers) };
}

function podFields(object: KubeObject): Record<string, string> {
  const pod = object as Pod;
  return {
    'spec.nodeName': pod.spec?.nodeName ?? '',
    'spec.restartPolicy': pod.spec?.restartPolicy ?? '',
    'spec.schedulerName': pod.spec?.schedulerName ?? '',
    'spec.serviceAccountName': pod.spec?.serviceAccountName ?? '',
    'status.phase': pod.status?.phase ?? '',
    'status.podIP': pod.status?.podIP ?? '',
    'status.nominatedNodeName': String(pod.status?.nominatedNodeName ?? ''),
  };
}

/**
 * A Pod's spec is immutable apart from container images, activeDeadlineSeconds and added
 * tolerations; this compares specs with those fields masked, as kube-apiserver does.
 */
function validatePodUpdate(next: KubeObject, previous: KubeObject): StatusCause[] {
  const mask = (spec: unknown): unknown => {
    if (!isRecord(spec)) return spec;
    const copy = cloneJson(spec);
    for (const list of ['containers', 'initContainers']) {
      const containers = copy[list];
      if (Array.isArray(containers)) for (const c of containers) if (isRecord(c)) delete c.image;
    }
    delete copy.activeDeadlineSeconds;
    delete copy.tolerations;
    return copy;
  };
  const causes = validatePodSpec('spec', next.spec);
  if (!sameJson(mask(next.spec), mask(previous.spec))) {
    causes.push(
      forbiddenField(
        'spec',
        'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
          '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
          '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
      ),
    );
  }
  return causes;
}

export const podsResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  resource: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: ['exec', 'status', 'log'],
  fieldLabels: [
    'spec.nodeName',
    'spec.restartPolicy',
    'spec.schedulerName',
    'spec.serviceAccountName',
    'status.phase',
    'status.podIP',
    'status.nominatedNodeName',
  ],
  fieldsOf: podFields,
  gracefulDelete: true,
  applyDefaults(object) {
    const spec = isRecord(object.spec) ? object.spec : {};
    object.spec = spec;
    defaultPodSpec(spec);
  },
  admit: admitPod,
  validate(object) {
    return [
      ...checkObjectMeta(object.metadata, 'subdomain'),
      ...validatePodSpec('spec', object.spec),
    ];
  },
  validateUpdate: validatePodUpdate,
};
