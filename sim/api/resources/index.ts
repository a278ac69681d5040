/** The resources the simulated API serves, by group/version and by plural name. */
import { eventsResource } from './events.js';
import { namespacesResource } from './namespaces.js';
import { nodesResource } from './nodes.js';
import { podsResource } from './pods.js';
import type { ResourceDefinition } from './resource-definition.js';
import { deploymentsResource, replicaSetsResource } from './workloads.js';

export const RESOURCES: readonly ResourceDefinition[] = [
  podsResource,
  eventsResource,
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
  nodesResource,
  namespacesResource,
  deploymentsResource,
  replicaSetsResource,
};
