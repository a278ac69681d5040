import type { ResourceDefinition } from './resources/resource-definition.js';

/** The namespace an object is stored under: cluster-scoped resources ignore the request's. */
export function storeScope(
  def: ResourceDefinition,
  namespace: string | undefined,
): string | undefined {
  return def.namespaced ? namespace : undefined;
}
