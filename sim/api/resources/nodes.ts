/** core/v1 nodes: cluster-scoped; the simulated nodes are seeded at start. */
import type { KubeObject } from '../../types.js';
import { STANDARD_VERBS, type ResourceDefinition } from './resource-definition.js';
import { checkObjectMeta } from './validation.js';

export const nodesResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  resource: 'nodes',
  singular: 'node',
  kind: 'Node',
  listKind: 'NodeList',
  namespaced: false,
  shortNames: ['no'],
  verbs: STANDARD_VERBS,
  subresources: ['status'],
  fieldLabels: ['spec.unschedulable'],
  fieldsOf(object: KubeObject) {
    const spec = object.spec as { unschedulable?: boolean } | undefined;
    return { 'spec.unschedulable': String(spec?.unschedulable ?? false) };
  },
  validate(object) {
    return checkObjectMeta(object.metadata, 'subdomain');
  },
};
