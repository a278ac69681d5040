import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Assessment } from '../../src/assessments/assessment.js';
import { parseAssessment } from '../../src/assessments/parse-assessment.js';

/** Loads `test/fixtures/assessments/<id>/assessment.yaml` or, for `first-pod`, the real rubric. */
export function loadAssessment(id: string): Assessment {
  const relative =
    id === 'first-pod'
      ? '../../assessments/first-pod/assessment.yaml'
      : `../fixtures/assessments/${id}/assessment.yaml`;
  const file = fileURLToPath(new URL(relative, import.meta.url));
  return parseAssessment({ bytes: readFileSync(file), file, expectedId: id });
}

export const referenceManifest = readFileSync(
  fileURLToPath(new URL('../../assessments/first-pod/reference/my-pod.yaml', import.meta.url)),
  'utf8',
);
