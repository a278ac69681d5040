import type { ExpectedObject, ExpectedValue } from '../../assessments/format/expected-value.js';
import type { DocumentSelector } from '../../assessments/format/manifest-check.js';
import { selectDocument } from '../manifest/select-document.js';
import type { SubmittedManifest } from '../manifest/submitted-manifest.js';
import { isMapping } from '../matching/match-partial.js';

export type ManifestExpectation =
  | { found: true; expected: ExpectedObject; paths: string[] }
  | { found: false; explanation: string };

/**
 * The fields of the learner's own document that the cluster object must carry (e.g.
 * `metadata.labels` and `spec.containers`), as an expectation for partial matching. Paths the
 * document does not have are left out: the manifest checks judge what is missing.
 */
export function expectationFromManifest(options: {
  manifest: SubmittedManifest;
  select: DocumentSelector;
  paths: readonly string[];
}): ManifestExpectation {
  const { manifest, select, paths } = options;
  if (manifest.status === 'rejected') {
    return {
      found: false,
      explanation: `the manifest could not be read (${manifest.error.message})`,
    };
  }
  const selection = selectDocument(manifest.documents, select, true);
  if (!selection.found) return { found: false, explanation: selection.explanation };

  const expected: Record<string, ExpectedValue> = {};
  const used: string[] = [];
  for (const path of paths) {
    const steps = path.split('.');
    const value = valueAt(selection.document, steps);
    if (value === undefined) continue;
    // Keys starting with "$" would read as matchers ($present...) and could match anything.
    if (hasDollarKey(value)) {
      return {
        found: false,
        explanation: `the manifest has a field name starting with "$" under ${path}, which Kubernetes does not accept`,
      };
    }
    setAt(expected, steps, value as ExpectedValue);
    used.push(path);
  }
  return { found: true, expected, paths: used };
}

function valueAt(document: unknown, steps: readonly string[]): unknown {
  let current = document;
  for (const step of steps) {
    if (!isMapping(current) || !Object.hasOwn(current, step)) return undefined;
    current = current[step];
  }
  return current;
}

function setAt(
  target: Record<string, ExpectedValue>,
  steps: readonly string[],
  value: ExpectedValue,
): void {
  let current = target;
  steps.forEach((step, index) => {
    if (index === steps.length - 1) {
      current[step] = value;
      return;
    }
    const next = current[step];
    const child: Record<string, ExpectedValue> = isMapping(next)
      ? (next as Record<string, ExpectedValue>)
      : {};
    current[step] = child;
    current = child;
  });
}

function hasDollarKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(hasDollarKey);
  if (!isMapping(value)) return false;
  return Object.keys(value).some((key) => key.startsWith('$') || hasDollarKey(value[key]));
}
