import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Assessment } from '../../src/assessments/assessment.js';
import { parseAssessment } from '../../src/assessments/parse-assessment.js';

/** Loads `test/fixtures/assessments/<id>/assessment.yaml`, or a shipped lesson's real rubric. */
export function loadAssessment(id: string): Assessment {
  const relative =
    id === 'first-pod' || id === 'first-deployment'
      ? `../../assessments/${id}/assessment.yaml`
      : `../fixtures/assessments/${id}/assessment.yaml`;
  const file = fileURLToPath(new URL(relative, import.meta.url));
  return parseAssessment({ bytes: readFileSync(file), file, expectedId: id });
}

export const referenceManifest = readFileSync(
  fileURLToPath(new URL('../../assessments/first-pod/reference/my-pod.yaml', import.meta.url)),
  'utf8',
);
