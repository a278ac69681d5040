/** core/v1 namespaces: `default` and the system namespaces exist; more can be created. */
import type { KubeObject } from '../../types.js';
import { type ResourceDefinition } from './resource-definition.js';
import { checkObjectMeta } from './validation.js';

export const namespacesResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  resource: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: ['status'],
  fieldLabels: ['status.phase'],
  fieldsOf(object: KubeObject) {
    const status = object.status as { phase?: string } | undefined;
    return { 'status.phase': status?.phase ?? '' };
  },
  applyDefaults(object) {
    const labels = object.metadata.labels ?? {};
    labels['kubernetes.io/metadata.name'] = object.metadata.name ?? '';
    object.metadata.labels = labels;
    object.spec = { finalizers: ['kubernetes'] };
  },
  admit(object) {
    object.status = { phase: 'Active' };
  },
  validate(object) {
    return checkObjectMeta(object.metadata, 'label');
  },
};
