/**
 * core/v1 services: the defaults kube-apiserver 1.26 fills in (SetDefaults_Service and the
 * service REST storage's allocators): `type: ClusterIP`, `sessionAffinity: None`, each port's
 * `protocol: TCP` and `targetPort` (the port itself), `internalTrafficPolicy: Cluster`, a
 * cluster IP with `clusterIPs`, `ipFamilies: [IPv4]` and `ipFamilyPolicy: SingleStack` (a
 * single-stack IPv4 cluster), node ports for NodePort and LoadBalancer Services, and
 * `status.loadBalancer: {}`. Nothing routes traffic: a Service is an object to look at.
 */
import { randomInt } from 'node:crypto';
import type { StatusCause } from '../../errors.js';
import { isRecord, type KubeObject } from '../../types.js';
import { STANDARD_VERBS, type ResourceDefinition } from './resource-definition.js';
import {
  checkLabels,
  checkLabel,
  checkObjectMeta,
  forbiddenField,
  invalidValue,
  notSupported,
  required,
} from './validation.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

interface ServicePort {
  name?: string;
  protocol?: string;
  port?: unknown;
  targetPort?: unknown;
  nodePort?: number;
  [key: string]: unknown;
}

function specOf(object: KubeObject): Record<string, unknown> {
  if (!isRecord(object.spec)) object.spec = {};
  return object.spec as Record<string, unknown>;
}

function portsOf(spec: Record<string, unknown>): ServicePort[] {
  return Array.isArray(spec.ports) ? (spec.ports as ServicePort[]).filter(isRecord) : [];
}

function usesClusterIP(type: unknown): boolean {
  return type !== 'ExternalName';
}

function usesNodePorts(type: unknown): boolean {
  return type === 'NodePort' || type === 'LoadBalancer';
}

/**
 * A free-looking address from the default service range 10.96.0.0/12, above the band kept for
 * static addresses (kubernetes at .1, kube-dns at .10), as the 1.26 allocator picks: at random.
 */
function allocateClusterIP(): string {
  const offset = 256 + randomInt(0x100000 - 512);
  return `10.${96 + (offset >> 16)}.${(offset >> 8) & 0xff}.${offset & 0xff}`;
}

function allocateNodePort(): number {
  return 30000 + randomInt(2768);
}

function applyServiceDefaults(object: KubeObject): void {
  const spec = specOf(object);
  spec.type ??= 'ClusterIP';
  if (usesClusterIP(spec.type)) spec.sessionAffinity ??= 'None';
  for (const port of portsOf(spec)) {
    port.protocol ??= 'TCP';
    if (port.targetPort === undefined || port.targetPort === 0 || port.targetPort === '')
      port.targetPort = port.port;
  }
  if (usesNodePorts(spec.type)) spec.externalTrafficPolicy ??= 'Cluster';
  if (usesClusterIP(spec.type)) spec.internalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
}

/** What the REST storage allocates on create: addresses, node ports and the empty status. */
function admitService(object: KubeObject): void {
  const spec = specOf(object);
  if (usesClusterIP(spec.type)) {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = allocateClusterIP();
    spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
  }
  if (usesNodePorts(spec.type)) {
    for (const port of portsOf(spec)) port.nodePort ??= allocateNodePort();
  }
  object.status = { loadBalancer: {} };
}

function validateService(object: KubeObject): StatusCause[] {
  const causes = checkObjectMeta(object.metadata, 'label');
  const spec = specOf(object);
  if (!SERVICE_TYPES.includes(String(spec.type))) {
    causes.push(notSupported('spec.type', spec.type, SERVICE_TYPES));
    return causes;
  }
  if (spec.type === 'ExternalName') {
    if (typeof spec.externalName !== 'string' || spec.externalName === '')
      causes.push(required('spec.externalName'));
  }
  const ports = portsOf(spec);
  const headless = spec.clusterIP === 'None';
  if (ports.length === 0 && spec.type !== 'ExternalName' && !headless)
    causes.push(required('spec.ports'));
  ports.forEach((port, index) => {
    const at = `spec.ports[${index}]`;
    if (ports.length > 1 && (port.name === undefined || port.name === '')) {
      causes.push(required(`${at}.name`));
    } else if (port.name) {
      causes.push(...checkLabel(`${at}.name`, port.name));
    }
    if (!Number.isInteger(port.port) || (port.port as number) < 1 || (port.port as number) > 65535)
      causes.push(invalidValue(`${at}.port`, port.port, 'must be between 1 and 65535, inclusive'));
    if (!PROTOCOLS.includes(String(port.protocol)))
      causes.push(notSupported(`${at}.protocol`, port.protocol, PROTOCOLS));
    if (typeof port.targetPort === 'number' && (port.targetPort < 1 || port.targetPort > 65535)) {
      causes.push(
        invalidValue(`${at}.targetPort`, port.targetPort, 'must be between 1 and 65535, inclusive'),
      );
    }
    if (port.nodePort !== undefined && !usesNodePorts(spec.type)) {
      causes.push(forbiddenField(`${at}.nodePort`, "may not be used when `type` is 'ClusterIP'"));
    }
  });
  causes.push(...checkLabels('spec.selector', spec.selector));
  return causes;
}

function carryAllocations(next: KubeObject, previous: KubeObject): void {
  // kube-apiserver keeps the allocated addresses when an update leaves them out (a PUT of the
  // manifest as written, without the clusterIP it was given).
  const spec = specOf(next);
  const before = specOf(previous);
  if (usesClusterIP(spec.type ?? 'ClusterIP') && usesClusterIP(before.type)) {
    if (spec.clusterIP === undefined || spec.clusterIP === '') spec.clusterIP = before.clusterIP;
    spec.clusterIPs ??= before.clusterIPs;
    spec.ipFamilies ??= before.ipFamilies;
    spec.ipFamilyPolicy ??= before.ipFamilyPolicy;
  }
}

function validateServiceUpdate(next: KubeObject, previous: KubeObject): StatusCause[] {
  const causes = validateService(next);
  const spec = specOf(next);
  const before = specOf(previous);
  if (usesClusterIP(spec.type) && usesClusterIP(before.type) && spec.clusterIP !== before.clusterIP)
    causes.push(invalidValue('spec.clusterIPs[0]', spec.clusterIP, 'may not change once set'));
  return causes;
}

export const servicesResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  resource: 'services',
  singular: 'service',
  kind: 'Service',
  listKind: 'ServiceList',
  namespaced: true,
  shortNames: ['svc'],
  categories: ['all'],
  verbs: STANDARD_VERBS,
  subresources: ['status'],
  fieldLabels: [],
  applyDefaults: applyServiceDefaults,
  admit: admitService,
  prepareUpdate: carryAllocations,
  validate: validateService,
  validateUpdate: validateServiceUpdate,
};
