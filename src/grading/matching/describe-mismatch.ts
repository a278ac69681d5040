import type { ExpectedValue } from '../../assessments/format/expected-value.js';
import type { Mismatch, PathStep } from './mismatch.js';
import { isMapping } from './match-partial.js';

/**
 * Puts a mismatch in plain words for the learner, saying what was expected and what was found:
 * `expected containerPort 80 on container "web", found containerPort 8080`.
 */
export function describeMismatch(mismatch: Mismatch): string {
  const { field, context } = locate(mismatch.path);
  switch (mismatch.mode) {
    case 'not-a-mapping':
      return `the document is ${typeName(mismatch.actual)}, not a mapping of fields like apiVersion, kind and metadata`;
    case 'wrong-value':
      return `expected ${field} ${renderExpected(mismatch.expected)}${context}, found ${render(mismatch.actual)}`;
    case 'wrong-type':
      return (
        `expected ${field} ${renderExpected(mismatch.expected)} (${typeName(mismatch.expected)})${context}, ` +
        `found ${render(mismatch.actual)} (${typeName(mismatch.actual)})${quotingAdvice(mismatch.expected, mismatch.actual)}`
      );
    case 'unexpected-field':
      return `expected ${field}${context} to be absent, found ${render(mismatch.actual)}`;
    case 'missing-field':
      return describeMissingField(mismatch.path, mismatch.expected, mismatch.parent);
    case 'missing-element':
      return describeMissingElement(mismatch, field, context);
  }
}

function describeMissingElement(
  mismatch: Extract<Mismatch, { mode: 'missing-element' }>,
  field: string,
  context: string,
): string {
  const { noun, key, keyValue: wanted, found, list } = mismatch;
  if (key === undefined) {
    const summary =
      found.length === 0
        ? `${field || list}${context} is empty`
        : `none of the ${found.length} in ${field}${context} matches`;
    return `expected a ${noun} with ${renderExpected(mismatch.expected)}; ${summary}`;
  }
  const where = context === '' ? ` in ${field}` : context;
  const expectedText =
    key === 'name'
      ? `a ${noun} named ${render(wanted)}${where}`
      : `${key} ${render(wanted)}${where}`;
  if (found.length === 0) return `expected ${expectedText}, but there are no ${list}`;
  const foundText = found
    .map((value) => `${render(value)}${quotingAdvice(wanted, value)}`)
    .join(', ');
  if (key !== 'name') return `expected ${expectedText}, found ${key} ${foundText}`;
  return found.length === 1
    ? `expected ${expectedText}, found a ${noun} named ${foundText}`
    : `expected ${expectedText}, found ${noun}s named ${foundText}`;
}

/** Splits a path into the field name and, when inside a keyed list element, where that element is. */
function locate(path: PathStep[]): { field: string; context: string } {
  let lastElement = -1;
  path.forEach((step, index) => {
    if (step.type === 'element') lastElement = index;
  });
  const element = path[lastElement];
  const context =
    element?.type === 'element' ? ` on ${element.noun} ${render(element.keyValue)}` : '';
  return { field: formatSteps(path.slice(lastElement + 1)), context };
}

function formatSteps(steps: PathStep[]): string {
  return steps.reduce((text, step) => {
    if (step.type === 'index') return `${text}[${step.index}]`;
    if (step.type === 'element') return `${text}[${step.key}=${render(step.keyValue)}]`;
    return text === '' ? step.name : `${text}.${step.name}`;
  }, '');
}

function describeMissingField(path: PathStep[], expected: ExpectedValue, parent: unknown): string {
  const { field, context } = locate(path);
  let wanted: string;
  if (isMapping(expected) && '$present' in expected) wanted = `${field}${context} to be set`;
  else if (isMapping(expected) && !isMatcherValue(expected))
    wanted = `${field}${context} with ${renderEntries(expected)}`;
  else wanted = `${field} ${renderExpected(expected)}${context}`;
  const last = path[path.length - 1];
  const missingName = last?.type === 'field' ? last.name : field;
  return `expected ${wanted}, but ${nameOfParent(path.slice(0, -1))} has no ${missingName} (${describeContents(parent)})`;
}

function nameOfParent(steps: PathStep[]): string {
  const last = steps[steps.length - 1];
  if (last === undefined) return 'the document';
  if (last.type === 'element') return `${last.noun} ${render(last.keyValue)}`;
  const { field, context } = locate(steps);
  return `${field}${context}`;
}

function describeContents(parent: unknown): string {
  if (!isMapping(parent)) return `it is ${typeName(parent)}`;
  const keys = Object.keys(parent);
  if (keys.length === 0) return 'it is empty';
  const shown = keys
    .slice(0, 6)
    .map((key) => (isScalarValue(parent[key]) ? `${key}: ${render(parent[key])}` : key));
  const more = keys.length > shown.length ? `, and ${keys.length - shown.length} more` : '';
  return `it has ${shown.join(', ')}${more}`;
}

function renderEntries(mapping: Record<string, unknown>): string {
  return Object.keys(mapping)
    .map((key) => `${key}: ${render(mapping[key])}`)
    .join(', ');
}

function isMatcherValue(value: Record<string, unknown>): boolean {
  return Object.keys(value).some((key) => key.startsWith('$'));
}

/** A number or boolean written in quotes is a string to Kubernetes; say how to fix it. */
function quotingAdvice(expected: unknown, actual: unknown): string {
  const expectsUnquoted = typeof expected === 'number' || typeof expected === 'boolean';
  if (expectsUnquoted && typeof actual === 'string' && actual.trim() === String(expected)) {
    return `: a quoted ${typeof expected} is a string, write ${String(expected)} without quotes`;
  }
  return '';
}

function renderExpected(expected: ExpectedValue): string {
  if (isMapping(expected)) {
    if ('$pattern' in expected) return `matching /${String(expected.$pattern)}/`;
    if ('$oneOf' in expected && Array.isArray(expected.$oneOf))
      return `one of ${expected.$oneOf.map(render).join(', ')}`;
    if ('$present' in expected) return expected.$present ? 'to be set' : 'to be absent';
  }
  return render(expected);
}

/** Short, unambiguous rendering: strings quoted, so "80" and 80 read differently. */
export function render(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (typeof value === 'string') return JSON.stringify(value);
  if (isScalarValue(value)) return String(value);
  if (Array.isArray(value)) return truncate(`[${value.map(render).join(', ')}]`);
  if (isMapping(value)) {
    return truncate(
      `{ ${Object.keys(value)
        .map((key) => `${key}: ${render(value[key])}`)
        .join(', ')} }`,
    );
  }
  return String(value);
}

function truncate(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (isMapping(value)) return '$pattern' in value ? 'a string' : 'a mapping';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  return 'empty';
}

function isScalarValue(value: unknown): value is string | number | boolean | null {
  return value === null || ['string', 'number', 'boolean'].includes(typeof value);
}
