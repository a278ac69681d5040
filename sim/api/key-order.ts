/**
 * kube-apiserver serialises Go structs, so an object's keys always come out in struct-field
 * order no matter how the client wrote them. The simulated API re-orders stored objects the
 * same way so that its JSON reads like the recorded responses.
 */
import { isRecord } from '../types.js';

const META = [
  'name',
  'generateName',
  'namespace',
  'selfLink',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];
const CONTAINER = [
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'ports',
  'envFrom',
  'env',
  'resources',
  'resizePolicy',
  'volumeMounts',
  'volumeDevices',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
];
const POD_SPEC = [
  'volumes',
  'initContainers',
  'containers',
  'ephemeralContainers',
  'restartPolicy',
  'terminationGracePeriodSeconds',
  'activeDeadlineSeconds',
  'dnsPolicy',
  'nodeSelector',
  'serviceAccountName',
  'serviceAccount',
  'automountServiceAccountToken',
  'nodeName',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'shareProcessNamespace',
  'securityContext',
  'imagePullSecrets',
  'hostname',
  'subdomain',
  'affinity',
  'schedulerName',
  'tolerations',
  'hostAliases',
  'priorityClassName',
  'priority',
  'dnsConfig',
  'readinessGates',
  'runtimeClassName',
  'enableServiceLinks',
  'preemptionPolicy',
  'overhead',
  'topologySpreadConstraints',
  'setHostnameAsFQDN',
  'os',
  'hostUsers',
  'schedulingGates',
  'resourceClaims',
];
const POD_STATUS = [
  'phase',
  'conditions',
  'message',
  'reason',
  'nominatedNodeName',
  'hostIP',
  'podIP',
  'podIPs',
  'startTime',
  'initContainerStatuses',
  'containerStatuses',
  'qosClass',
  'ephemeralContainerStatuses',
];
const CONTAINER_STATUS = [
  'name',
  'state',
  'lastState',
  'ready',
  'restartCount',
  'image',
  'imageID',
  'containerID',
  'started',
];
const CONDITION = [
  'type',
  'status',
  'lastProbeTime',
  'lastUpdateTime',
  'lastTransitionTime',
  'reason',
  'message',
];
const TOP = ['kind', 'apiVersion', 'metadata', 'spec', 'status'];
const EVENT_TOP = [
  'kind',
  'apiVersion',
  'metadata',
  'involvedObject',
  'reason',
  'message',
  'source',
  'firstTimestamp',
  'lastTimestamp',
  'count',
  'type',
  'eventTime',
  'series',
  'action',
  'related',
  'reportingComponent',
  'reportingInstance',
];
const DEPLOYMENT_SPEC = [
  'replicas',
  'selector',
  'template',
  'strategy',
  'minReadySeconds',
  'revisionHistoryLimit',
  'paused',
  'progressDeadlineSeconds',
];
const SERVICE_SPEC = [
  'ports',
  'selector',
  'clusterIP',
  'clusterIPs',
  'type',
  'externalIPs',
  'sessionAffinity',
  'loadBalancerIP',
  'loadBalancerSourceRanges',
  'externalName',
  'externalTrafficPolicy',
  'healthCheckNodePort',
  'publishNotReadyAddresses',
  'sessionAffinityConfig',
  'ipFamilies',
  'ipFamilyPolicy',
  'allocateLoadBalancerNodePorts',
  'loadBalancerClass',
  'internalTrafficPolicy',
];
const SERVICE_PORT = ['name', 'protocol', 'appProtocol', 'port', 'targetPort', 'nodePort'];
const CONFIGMAP_TOP = ['kind', 'apiVersion', 'metadata', 'immutable', 'data', 'binaryData'];
const REPLICASET_SPEC = ['replicas', 'minReadySeconds', 'selector', 'template'];
const DEPLOYMENT_STATUS = [
  'observedGeneration',
  'replicas',
  'updatedReplicas',
  'readyReplicas',
  'availableReplicas',
  'unavailableReplicas',
  'conditions',
  'collisionCount',
];
const REPLICASET_STATUS = [
  'replicas',
  'fullyLabeledReplicas',
  'readyReplicas',
  'availableReplicas',
  'observedGeneration',
  'conditions',
];

/** Returns a copy of `obj` whose listed keys come first, in order; other keys keep their order after. */
export function orderKeys(
  obj: Record<string, unknown>,
  order: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of order) if (key in obj) out[key] = obj[key];
  for (const [key, value] of Object.entries(obj)) if (!(key in out)) out[key] = value;
  return out;
}

function orderIn(parent: Record<string, unknown>, key: string, order: readonly string[]): void {
  const value = parent[key];
  if (isRecord(value)) parent[key] = orderKeys(value, order);
}

function orderEach(parent: Record<string, unknown>, key: string, order: readonly string[]): void {
  const value = parent[key];
  if (Array.isArray(value))
    parent[key] = value.map((v: unknown) => (isRecord(v) ? orderKeys(v, order) : v));
}

function orderPodSpec(parent: Record<string, unknown>, key: string): void {
  orderIn(parent, key, POD_SPEC);
  const spec = parent[key];
  if (!isRecord(spec)) return;
  orderEach(spec, 'containers', CONTAINER);
  orderEach(spec, 'initContainers', CONTAINER);
}

function orderTemplate(spec: Record<string, unknown>): void {
  const template = spec.template;
  if (!isRecord(template)) return;
  orderIn(template, 'metadata', META);
  orderPodSpec(template, 'spec');
}

/** Puts the object's keys in kube-apiserver's order for its kind. */
export function canonicalObject<T extends Record<string, unknown>>(kind: string, obj: T): T {
  const top = kind === 'Event' ? EVENT_TOP : kind === 'ConfigMap' ? CONFIGMAP_TOP : TOP;
  const out = orderKeys(obj, top);
  orderIn(out, 'metadata', META);
  if (kind === 'Pod') {
    orderPodSpec(out, 'spec');
    orderIn(out, 'status', POD_STATUS);
    const status = out.status;
    if (isRecord(status)) {
      orderEach(status, 'conditions', CONDITION);
      orderEach(status, 'containerStatuses', CONTAINER_STATUS);
      orderEach(status, 'initContainerStatuses', CONTAINER_STATUS);
    }
  } else if (kind === 'Service') {
    orderIn(out, 'spec', SERVICE_SPEC);
    if (isRecord(out.spec)) orderEach(out.spec, 'ports', SERVICE_PORT);
  } else if (kind === 'Deployment' || kind === 'ReplicaSet') {
    orderIn(out, 'spec', kind === 'Deployment' ? DEPLOYMENT_SPEC : REPLICASET_SPEC);
    orderIn(out, 'status', kind === 'Deployment' ? DEPLOYMENT_STATUS : REPLICASET_STATUS);
    if (isRecord(out.spec)) orderTemplate(out.spec);
    if (isRecord(out.status)) orderEach(out.status, 'conditions', CONDITION);
  }
  return out as T;
}
