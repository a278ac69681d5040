/**
 * PodSpec defaulting and validation, shared by Pods and by the pod templates of Deployments and
 * ReplicaSets (kube-apiserver runs the same code for both).
 */
import type { StatusCause } from '../../errors.js';
import { isQuantity, parseQuantity } from '../../quantity.js';
import { canonicalQuantity } from '../../quantity-canonical.js';
import { isRecord, type Container, type PodSpec } from '../../types.js';
import { checkLabel, duplicate, invalidValue, notSupported, required } from './validation.js';

/** `Always` for `:latest` or untagged images, otherwise `IfNotPresent` (as the API server defaults it). */
export function defaultPullPolicy(image: string | undefined): string {
  if (!image || image.includes('@')) return 'IfNotPresent';
  const lastSegment = image.slice(image.lastIndexOf('/') + 1);
  const colon = lastSegment.indexOf(':');
  if (colon === -1) return 'Always';
  return lastSegment.slice(colon + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

/** kube-apiserver stores quantities in canonical form (`1000` → "1k"); invalid ones are left for validation. */
function canonicaliseQuantities(values: Record<string, unknown>): void {
  for (const [name, value] of Object.entries(values)) {
    const canonical = canonicalQuantity(value);
    if (canonical !== undefined) values[name] = canonical;
  }
}

function defaultContainer(container: Container): void {
  for (const port of container.ports ?? []) {
    if (isRecord(port) && port.protocol === undefined) port.protocol = 'TCP';
  }
  const resources = isRecord(container.resources) ? container.resources : {};
  // A limit without a request defaults the request to the limit.
  if (isRecord(resources.limits)) {
    const requests = isRecord(resources.requests) ? resources.requests : {};
    for (const [name, value] of Object.entries(resources.limits)) {
      if (requests[name] === undefined) requests[name] = value;
    }
    resources.requests = requests;
  }
  for (const values of [resources.limits, resources.requests]) {
    if (isRecord(values)) canonicaliseQuantities(values);
  }
  container.resources = resources;
  container.terminationMessagePath ??= '/dev/termination-log';
  container.terminationMessagePolicy ??= 'File';
  container.imagePullPolicy ??= defaultPullPolicy(container.image);
}

/** Defaults kube-apiserver fills in on every PodSpec (pods and templates alike). */
export function defaultPodSpec(spec: PodSpec): void {
  for (const c of spec.initContainers ?? []) if (isRecord(c)) defaultContainer(c);
  for (const c of spec.containers ?? []) if (isRecord(c)) defaultContainer(c);
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
}

function checkResources(field: string, resources: unknown): StatusCause[] {
  if (!isRecord(resources)) return [];
  const causes: StatusCause[] = [];
  const limits = isRecord(resources.limits) ? resources.limits : {};
  const requests = isRecord(resources.requests) ? resources.requests : {};
  for (const [kind, values] of [
    ['limits', limits],
    ['requests', requests],
  ] as const) {
    for (const [name, value] of Object.entries(values)) {
      if (!isQuantity(value)) {
        causes.push(
          invalidValue(`${field}.${kind}[${name}]`, String(value), 'must be a valid quantity'),
        );
      }
    }
  }
  for (const [name, request] of Object.entries(requests)) {
    const limit = limits[name];
    if (limit === undefined || !isQuantity(request) || !isQuantity(limit)) continue;
    if ((parseQuantity(String(request)) ?? 0) > (parseQuantity(String(limit)) ?? 0)) {
      causes.push(
        invalidValue(
          `${field}.requests`,
          String(request),
          `must be less than or equal to ${name} limit of ${String(limit)}`,
        ),
      );
    }
  }
  return causes;
}

function checkContainers(
  field: string,
  containers: unknown,
  requireOne: boolean,
  seen: Set<string>,
): StatusCause[] {
  if (
    containers === undefined ||
    containers === null ||
    (Array.isArray(containers) && containers.length === 0)
  ) {
    return requireOne ? [required(field)] : [];
  }
  if (!Array.isArray(containers)) return [invalidValue(field, '', 'must be a list')];
  const causes: StatusCause[] = [];
  containers.forEach((raw: unknown, index) => {
    const at = `${field}[${index}]`;
    if (!isRecord(raw)) {
      causes.push(invalidValue(at, '', 'must be an object'));
      return;
    }
    const c = raw as Container;
    if (!c.name) causes.push(required(`${at}.name`));
    else if (seen.has(c.name)) causes.push(duplicate(`${at}.name`, c.name));
    else causes.push(...checkLabel(`${at}.name`, c.name));
    if (c.name) seen.add(c.name);
    if (!c.image || (typeof c.image === 'string' && c.image.trim() === ''))
      causes.push(required(`${at}.image`));
    (c.ports ?? []).forEach((port, p) => {
      const portField = `${at}.ports[${p}]`;
      if (port.containerPort === undefined) causes.push(required(`${portField}.containerPort`));
      else if (
        !Number.isInteger(port.containerPort) ||
        port.containerPort < 1 ||
        port.containerPort > 65535
      ) {
        causes.push(
          invalidValue(
            `${portField}.containerPort`,
            port.containerPort,
            'must be between 1 and 65535, inclusive',
          ),
        );
      }
      if (port.protocol !== undefined && !['SCTP', 'TCP', 'UDP'].includes(port.protocol)) {
        causes.push(notSupported(`${portField}.protocol`, port.protocol, ['SCTP', 'TCP', 'UDP']));
      }
    });
    if (
      c.imagePullPolicy !== undefined &&
      !['Always', 'IfNotPresent', 'Never'].includes(c.imagePullPolicy)
    ) {
      causes.push(
        notSupported(`${at}.imagePullPolicy`, c.imagePullPolicy, [
          'Always',
          'IfNotPresent',
          'Never',
        ]),
      );
    }
    causes.push(...checkResources(`${at}.resources`, c.resources));
  });
  return causes;
}

/** Validates a PodSpec found at `field` (`spec` for a Pod, `spec.template.spec` for a template). */
export function validatePodSpec(field: string, spec: unknown): StatusCause[] {
  if (!isRecord(spec)) return [required(`${field}.containers`)];
  const seen = new Set<string>();
  const causes = [
    ...checkContainers(`${field}.initContainers`, spec.initContainers, false, seen),
    ...checkContainers(`${field}.containers`, spec.containers, true, seen),
  ];
  const restart = spec.restartPolicy;
  if (restart !== undefined && !['Always', 'OnFailure', 'Never'].includes(String(restart))) {
    causes.push(notSupported(`${field}.restartPolicy`, restart, ['Always', 'OnFailure', 'Never']));
  }
  return causes;
}
