/**
 * Label and field selectors with the syntax kube-apiserver accepts in `labelSelector` and
 * `fieldSelector` query parameters.
 */
import { badRequest } from '../errors.js';
import type { LabelSelector } from '../types.js';

type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/** Splits on commas that are not inside parentheses (`a in (x,y),b=c`). */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  parts.push(current);
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

function parseRequirement(term: string): Requirement {
  const setMatch = /^([A-Za-z0-9_.\-/]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(term);
  if (setMatch) {
    const [, key = '', op, rawValues = ''] = setMatch;
    const values = rawValues
      .split(',')
      .map((v) => v.trim())
      .filter((v) => v.length > 0);
    return { op: op === 'in' ? 'in' : 'notin', key, values };
  }
  const cmp = /^([A-Za-z0-9_.\-/]+)\s*(==|=|!=)\s*([A-Za-z0-9_.-]*)$/.exec(term);
  if (cmp) {
    const [, key = '', op, value = ''] = cmp;
    return { op: op === '!=' ? 'neq' : 'eq', key, value };
  }
  const exists = /^(!?)([A-Za-z0-9_.\-/]+)$/.exec(term);
  if (exists) {
    const [, bang, key = ''] = exists;
    return { op: bang ? 'notexists' : 'exists', key };
  }
  throw badRequest(`unable to parse requirement: ${JSON.stringify(term)}`);
}

function matchRequirement(req: Requirement, labels: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = labels[req.key];
  switch (req.op) {
    case 'eq':
      return has && value === req.value;
    case 'neq':
      return !has || value !== req.value;
    case 'in':
      return has && value !== undefined && req.values.includes(value);
    case 'notin':
      return !has || (value !== undefined && !req.values.includes(value));
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

/** Parses a `labelSelector` query value; an empty selector matches everything. */
export function parseLabelSelector(text: string | undefined): LabelMatcher {
  const requirements = splitTopLevel(text ?? '').map(parseRequirement);
  return (labels) => requirements.every((r) => matchRequirement(r, labels ?? {}));
}

/** Builds a matcher from a structured selector (`spec.selector` of a ReplicaSet or Deployment). */
export function labelSelectorMatcher(selector: LabelSelector | undefined): LabelMatcher {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
    requirements.push({ op: 'eq', key, value });
  }
  for (const expr of selector?.matchExpressions ?? []) {
    const values = expr.values ?? [];
    if (expr.operator === 'In') requirements.push({ op: 'in', key: expr.key, values });
    else if (expr.operator === 'NotIn') requirements.push({ op: 'notin', key: expr.key, values });
    else if (expr.operator === 'Exists') requirements.push({ op: 'exists', key: expr.key });
    else if (expr.operator === 'DoesNotExist')
      requirements.push({ op: 'notexists', key: expr.key });
  }
  return (labels) => requirements.every((r) => matchRequirement(r, labels ?? {}));
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/**
 * Parses a `fieldSelector` query value. `supported` lists the field labels the resource allows;
 * any other field is rejected the way kube-apiserver rejects it.
 */
export function parseFieldSelector(
  text: string | undefined,
  supported: readonly string[],
): FieldRequirement[] {
  const terms = (text ?? '')
    .split(',')
    .map((t) => t.trim())
    .filter((t) => t.length > 0);
  return terms.map((term) => {
    const match = /^([^=!]+?)\s*(==|=|!=)\s*(.*)$/.exec(term);
    if (!match) throw badRequest(`invalid selector: '${text ?? ''}'; can't understand '${term}'`);
    const [, field = '', op, value = ''] = match;
    if (!supported.includes(field)) throw badRequest(`field label not supported: ${field}`);
    return { field, value, negate: op === '!=' };
  });
}

export function matchFields(
  requirements: FieldRequirement[],
  fields: Record<string, string>,
): boolean {
  return requirements.every((r) => ((fields[r.field] ?? '') === r.value) !== r.negate);
}
