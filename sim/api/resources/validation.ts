/**
 * Field validation with kube-apiserver's messages (k8s.io/apimachinery validation), so a 422
 * from the simulated cluster reads like a real one.
 */
import type { StatusCause } from '../../errors.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export function required(field: string, detail?: string): StatusCause {
  return {
    reason: 'FieldValueRequired',
    message: detail ? `Required value: ${detail}` : 'Required value',
    field,
  };
}

export function invalidValue(field: string, value: unknown, detail: string): StatusCause {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return { reason: 'FieldValueInvalid', message: `Invalid value: ${shown}: ${detail}`, field };
}

export function duplicate(field: string, value: unknown): StatusCause {
  return {
    reason: 'FieldValueDuplicate',
    message: `Duplicate value: ${JSON.stringify(value)}`,
    field,
  };
}

export function notSupported(field: string, value: unknown, supported: string[]): StatusCause {
  const list = supported.map((s) => JSON.stringify(s)).join(', ');
  return {
    reason: 'FieldValueNotSupported',
    message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${list}`,
    field,
  };
}

export function forbiddenField(field: string, detail: string): StatusCause {
  return { reason: 'FieldValueForbidden', message: `Forbidden: ${detail}`, field };
}

export function checkSubdomain(field: string, value: string): StatusCause[] {
  if (value.length > 253)
    return [invalidValue(field, value, 'must be no more than 253 characters')];
  if (DNS1123_SUBDOMAIN.test(value)) return [];
  return [
    invalidValue(
      field,
      value,
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must " +
        "start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ),
  ];
}

export function checkLabel(field: string, value: string): StatusCause[] {
  if (value.length > 63) return [invalidValue(field, value, 'must be no more than 63 characters')];
  if (DNS1123_LABEL.test(value)) return [];
  return [
    invalidValue(
      field,
      value,
      "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and " +
        "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is " +
        "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
    ),
  ];
}

/** metadata.name (or generateName), labels and annotations of any object. */
export function checkObjectMeta(
  meta: { name?: string; generateName?: string; labels?: unknown; annotations?: unknown },
  nameRule: 'subdomain' | 'label',
): StatusCause[] {
  const causes: StatusCause[] = [];
  if (!meta.name && !meta.generateName) {
    causes.push(required('metadata.name', 'name or generateName is required'));
  } else if (meta.name) {
    causes.push(
      ...(nameRule === 'subdomain' ? checkSubdomain : checkLabel)('metadata.name', meta.name),
    );
  }
  causes.push(...checkLabels('metadata.labels', meta.labels));
  return causes;
}

export function checkLabels(field: string, labels: unknown): StatusCause[] {
  if (labels === undefined || labels === null) return [];
  if (typeof labels !== 'object' || Array.isArray(labels))
    return [invalidValue(field, '', 'must be a map')];
  const causes: StatusCause[] = [];
  for (const [key, value] of Object.entries(labels as Record<string, unknown>)) {
    const name = key.includes('/') ? key.slice(key.indexOf('/') + 1) : key;
    if (!LABEL_NAME.test(name) || name.length > 63) {
      causes.push(
        invalidValue(
          field,
          key,
          "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an " +
            "alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
            "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
      );
    }
    if (typeof value !== 'string' || !LABEL_VALUE.test(value) || value.length > 63) {
      causes.push(
        invalidValue(
          field,
          value,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must " +
            "start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used " +
            "for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
        ),
      );
    }
  }
  return causes;
}
