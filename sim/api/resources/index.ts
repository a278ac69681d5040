/** The resources the simulated API serves, by group/version and by plural name. */
import { configMapsResource } from './configmaps.js';
import { eventsResource } from './events.js';
import { namespacesResource } from './namespaces.js';
import { nodesResource } from './nodes.js';
import { podsResource } from './pods.js';
import type { ResourceDefinition } from './resource-definition.js';
import { servicesResource } from './services.js';
import { deploymentsResource, replicaSetsResource } from './workloads.js';

export const RESOURCES: readonly ResourceDefinition[] = [
  podsResource,
  eventsResource,
  servicesResource,
  configMapsResource,
  nodesResource,
  namespacesResource,
  deploymentsResource,
  replicaSetsResource,
];

export function findResource(
  group: string,
  version: string,
  resource: string,
): ResourceDefinition | undefined {
  return RESOURCES.find(
    (r) => r.group === group && r.version === version && r.resource === resource,
  );
}

export function resourceForKind(apiVersion: string, kind: string): ResourceDefinition | undefined {
  return RESOURCES.find(
    (r) => (r.group ? `${r.group}/${r.version}` : r.version) === apiVersion && r.kind === kind,
  );
}

export {
  podsResource,
  eventsResource,
  servicesResource,
  configMapsResource,
  nodesResource,
  namespacesResource,
  deploymentsResource,
  replicaSetsResource,
};
