import { formatPath } from '../../assessments/format-path.js';
import type { Mismatch, PathStep } from './mismatch.js';

/** A mismatch as stored in a check's details: a readable path, expected and actual. */
export function mismatchDetail(mismatch: Mismatch): Record<string, unknown> {
  return {
    mode: mismatch.mode,
    path: formatPath(mismatch.path.flatMap(toPathSegments)),
    expected: mismatch.expected,
    ...('actual' in mismatch ? { actual: mismatch.actual ?? null } : {}),
    ...('found' in mismatch ? { found: mismatch.found } : {}),
  };
}

function toPathSegments(step: PathStep): (string | number)[] {
  if (step.type === 'field') return [step.name];
  if (step.type === 'index') return [step.index];
  return [`${step.key}=${String(step.keyValue)}`];
}
