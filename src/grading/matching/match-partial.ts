import type { ExpectedValue, ValueMatcher } from '../../assessments/format/expected-value.js';
import { listKeyFor, elementNoun } from './list-keys.js';
import type { Mismatch, PathStep } from './mismatch.js';
import { isQuantityPath, sameQuantity } from './quantity-value.js';

export interface MatchPartialOptions {
  expected: { [key: string]: ExpectedValue };
  actual: unknown;
  /** Per-check overrides of the list element keys (`{ ports: name }`). */
  listKeys?: Readonly<Record<string, string>>;
}

/**
 * Compares an object with a partial expectation; returns every mismatch (none means it matches).
 * Scalars must be equal in type and value: 80 is not "80" and not 8080, except resource
 * quantities under `resources.requests` / `resources.limits`, which compare by value (`cpu: 1000`
 * matches "1k", "0.5" matches "500m", "1Gi" matches "1073741824"). Mappings need only the
 * expected keys. Lists are matched element by element: by key for known lists (containers by
 * name), else any element may match; lists of scalars must be equal in order.
 * Only own properties are read, so keys like `__proto__` in a manifest are plain data.
 */
export function matchPartial({ expected, actual, listKeys = {} }: MatchPartialOptions): Mismatch[] {
  if (!isMapping(actual)) return [{ mode: 'not-a-mapping', path: [], expected, actual }];
  return matchMapping(expected, actual, [], listKeys);
}

function matchValue(
  expected: ExpectedValue,
  actual: unknown,
  path: PathStep[],
  parent: unknown,
  listKeys: Readonly<Record<string, string>>,
): Mismatch[] {
  if (isMatcher(expected)) return matchMatcher(expected, actual, path, parent);
  if (actual === undefined) return [{ mode: 'missing-field', path, expected, parent }];
  if (Array.isArray(expected)) return matchList(expected, actual, path, listKeys);
  if (isMapping(expected)) {
    if (!isMapping(actual)) return [{ mode: 'wrong-type', path, expected, actual }];
    return matchMapping(expected, actual, path, listKeys);
  }
  if (actual === expected) return [];
  // Resource quantities compare by value: the API server writes `cpu: 1000` back as "1k".
  if (isQuantityPath(path) && sameQuantity(expected, actual)) return [];
  if (expected === null || actual === null || typeof actual === typeof expected) {
    return [{ mode: 'wrong-value', path, expected, actual }];
  }
  return [{ mode: 'wrong-type', path, expected, actual }];
}

function matchMapping(
  expected: { [key: string]: ExpectedValue },
  actual: Record<string, unknown>,
  path: PathStep[],
  listKeys: Readonly<Record<string, string>>,
): Mismatch[] {
  return Object.keys(expected).flatMap((key) => {
    const expectedChild = expected[key] as ExpectedValue;
    const actualChild = Object.hasOwn(actual, key) ? actual[key] : undefined;
    return matchValue(
      expectedChild,
      actualChild,
      [...path, { type: 'field', name: key }],
      actual,
      listKeys,
    );
  });
}

function matchMatcher(
  matcher: ValueMatcher,
  actual: unknown,
  path: PathStep[],
  parent: unknown,
): Mismatch[] {
  const present = actual !== undefined && actual !== null;
  if ('$present' in matcher) {
    if (matcher.$present && !present)
      return [{ mode: 'missing-field', path, expected: matcher, parent }];
    if (!matcher.$present && present)
      return [{ mode: 'unexpected-field', path, expected: matcher, actual }];
    return [];
  }
  if (actual === undefined) return [{ mode: 'missing-field', path, expected: matcher, parent }];
  if ('$pattern' in matcher) {
    if (typeof actual !== 'string')
      return [{ mode: 'wrong-type', path, expected: matcher, actual }];
    return new RegExp(matcher.$pattern, 'u').test(actual)
      ? []
      : [{ mode: 'wrong-value', path, expected: matcher, actual }];
  }
  return matcher.$oneOf.some((option) => option === actual)
    ? []
    : [{ mode: 'wrong-value', path, expected: matcher, actual }];
}

function matchList(
  expected: ExpectedValue[],
  actual: unknown,
  path: PathStep[],
  listKeys: Readonly<Record<string, string>>,
): Mismatch[] {
  if (!Array.isArray(actual)) return [{ mode: 'wrong-type', path, expected, actual }];
  const field = lastFieldName(path);
  const expectsMappings = expected.every((element) => isMapping(element) && !isMatcher(element));
  if (!expectsMappings) return matchScalarList(expected, actual, path, listKeys);

  const listKey = field === undefined ? undefined : listKeyFor(field, listKeys);
  return (expected as { [key: string]: ExpectedValue }[]).flatMap((expectedElement) => {
    if (listKey !== undefined && isScalar(expectedElement[listKey.key])) {
      return matchKeyedElement(expectedElement, actual, path, field ?? '', listKey, listKeys);
    }
    return matchAnyElement(expectedElement, actual, path, field ?? '', listKeys);
  });
}

function matchKeyedElement(
  expected: { [key: string]: ExpectedValue },
  actual: unknown[],
  path: PathStep[],
  list: string,
  listKey: { key: string; noun: string },
  listKeys: Readonly<Record<string, string>>,
): Mismatch[] {
  const keyValue = expected[listKey.key];
  const element = actual.find(
    (candidate) =>
      isMapping(candidate) &&
      Object.hasOwn(candidate, listKey.key) &&
      candidate[listKey.key] === keyValue,
  );
  if (element === undefined) {
    const found = actual.map((candidate) =>
      isMapping(candidate) && Object.hasOwn(candidate, listKey.key)
        ? candidate[listKey.key]
        : undefined,
    );
    const present = found.filter((value) => value !== undefined);
    return [
      {
        mode: 'missing-element',
        path,
        expected,
        list,
        noun: listKey.noun,
        key: listKey.key,
        keyValue,
        found: present,
      },
    ];
  }
  const step: PathStep = { type: 'element', list, noun: listKey.noun, key: listKey.key, keyValue };
  return matchMapping(expected, element as Record<string, unknown>, [...path, step], listKeys);
}

/** Without a key, any element may satisfy the expectation; report the closest one's differences. */
function matchAnyElement(
  expected: { [key: string]: ExpectedValue },
  actual: unknown[],
  path: PathStep[],
  list: string,
  listKeys: Readonly<Record<string, string>>,
): Mismatch[] {
  let closest: Mismatch[] | undefined;
  for (const [index, candidate] of actual.entries()) {
    const mismatches = matchValue(
      expected,
      candidate,
      [...path, { type: 'index', index }],
      actual,
      listKeys,
    );
    if (mismatches.length === 0) return [];
    if (closest === undefined || mismatches.length < closest.length) closest = mismatches;
  }
  if (actual.length === 1 && closest !== undefined) return closest;
  return [
    { mode: 'missing-element', path, expected, list, noun: elementNoun(list), found: actual },
  ];
}

function matchScalarList(
  expected: ExpectedValue[],
  actual: unknown[],
  path: PathStep[],
  listKeys: Readonly<Record<string, string>>,
): Mismatch[] {
  if (expected.length !== actual.length) return [{ mode: 'wrong-value', path, expected, actual }];
  return expected.flatMap((element, index) =>
    matchValue(element, actual[index], [...path, { type: 'index', index }], actual, listKeys),
  );
}

function lastFieldName(path: PathStep[]): string | undefined {
  const last = path[path.length - 1];
  return last?.type === 'field' ? last.name : undefined;
}

export function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isMatcher(value: unknown): value is ValueMatcher {
  return isMapping(value) && Object.keys(value).some((key) => key.startsWith('$'));
}

function isScalar(value: unknown): value is string | number | boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}
