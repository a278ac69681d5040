/**
 * A minimal OpenAPI v3 surface. kubectl (1.27+) reads `/openapi/v3` to learn whether the server
 * validates fields itself (the `fieldValidation` query parameter on each PATCH operation); when
 * it does, `kubectl apply` needs no client-side schema. The documents list the PATCH operations
 * with that parameter and no schemas; `/openapi/v2` stays 404. Strategic merge is left out of
 * the PATCH content types on purpose, so kubectl computes apply patches from its built-in types
 * instead of from schemas this document does not carry.
 */
import { RESOURCES } from './resources/index.js';
import type { ResourceDefinition } from './resources/resource-definition.js';

function groupVersionPath(def: ResourceDefinition): string {
  return def.group ? `apis/${def.group}/${def.version}` : `api/${def.version}`;
}

const HASH = 'KUBEGRADESIM0001';

export function openApiV3Root(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const def of RESOURCES) {
    const gv = groupVersionPath(def);
    paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${HASH}` };
  }
  return { paths };
}

function itemPath(def: ResourceDefinition): string {
  const prefix = `/${groupVersionPath(def)}`;
  return def.namespaced
    ? `${prefix}/namespaces/{namespace}/${def.resource}/{name}`
    : `${prefix}/${def.resource}/{name}`;
}

/** The document for `api/v1` or `apis/<group>/<version>`; undefined when not served. */
export function openApiV3GroupVersion(gvPath: string): Record<string, unknown> | undefined {
  const served = RESOURCES.filter((def) => groupVersionPath(def) === gvPath);
  if (served.length === 0) return undefined;
  const paths: Record<string, unknown> = {};
  for (const def of served) {
    paths[itemPath(def)] = {
      patch: {
        operationId: `patch${def.namespaced ? 'Namespaced' : ''}${def.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': {
          group: def.group,
          version: def.version,
          kind: def.kind,
        },
        parameters: [
          { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldManager', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } },
          { name: 'force', in: 'query', schema: { type: 'boolean', uniqueItems: true } },
        ],
        requestBody: {
          content: {
            'application/json-patch+json': { schema: { type: 'object' } },
            'application/merge-patch+json': { schema: { type: 'object' } },
            'application/apply-patch+yaml': { schema: { type: 'object' } },
          },
          required: true,
        },
        responses: { '200': { description: 'OK' } },
      },
    };
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.26.0' },
    paths,
    components: { schemas: {} },
  };
}
