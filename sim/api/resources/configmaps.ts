/** core/v1 configmaps: keys checked as kube-apiserver checks them, `immutable` honoured. */
import type { StatusCause } from '../../errors.js';
import { isRecord, sameJson, type KubeObject } from '../../types.js';
import { STANDARD_VERBS, type ResourceDefinition } from './resource-definition.js';
import { checkObjectMeta, forbiddenField, invalidValue } from './validation.js';

const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
/** kube-apiserver refuses a ConfigMap whose data and binaryData together exceed 1 MiB. */
const MAX_BYTES = 1024 * 1024;

function validateConfigMap(object: KubeObject): StatusCause[] {
  const causes = checkObjectMeta(object.metadata, 'subdomain');
  let bytes = 0;
  const seen = new Set<string>();
  for (const field of ['data', 'binaryData'] as const) {
    const map = object[field];
    if (map === undefined || map === null) continue;
    if (!isRecord(map)) {
      causes.push(invalidValue(field, '', 'must be a map'));
      continue;
    }
    for (const [key, value] of Object.entries(map)) {
      if (!CONFIG_KEY.test(key) || key.length > 253) {
        causes.push(
          invalidValue(
            `${field}[${key}]`,
            key,
            "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or " +
              "'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')",
          ),
        );
      }
      if (seen.has(key))
        causes.push(invalidValue(`${field}[${key}]`, key, 'duplicate of key present in data'));
      seen.add(key);
      bytes += key.length + (typeof value === 'string' ? Buffer.byteLength(value) : 0);
    }
  }
  if (bytes > MAX_BYTES)
    causes.push({
      reason: 'FieldValueTooLong',
      message: 'Too long: must have at most 1048576 bytes',
      field: '',
    });
  return causes;
}

export const configMapsResource: ResourceDefinition = {
  group: '',
  version: 'v1',
  resource: 'configmaps',
  singular: 'configmap',
  kind: 'ConfigMap',
  listKind: 'ConfigMapList',
  namespaced: true,
  shortNames: ['cm'],
  verbs: STANDARD_VERBS,
  subresources: [],
  fieldLabels: [],
  validate: validateConfigMap,
  validateUpdate(next, previous) {
    const causes = validateConfigMap(next);
    if (previous.immutable === true) {
      if (next.immutable !== true)
        causes.push(forbiddenField('immutable', 'field is immutable when `immutable` is set'));
      if (!sameJson(next.data ?? null, previous.data ?? null))
        causes.push(forbiddenField('data', 'field is immutable when `immutable` is set'));
      if (!sameJson(next.binaryData ?? null, previous.binaryData ?? null))
        causes.push(forbiddenField('binaryData', 'field is immutable when `immutable` is set'));
    }
    return causes;
  },
};
