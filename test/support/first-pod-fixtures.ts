import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The lesson's reference manifest, as the learner is meant to write it. */
export const referenceManifest = readFileSync(
  fileURLToPath(new URL('../../assessments/first-pod/reference/my-pod.yaml', import.meta.url)),
  'utf8',
);

export const bothConceptsAnswer =
  'Either the scheduler cannot place it (FailedScheduling: Insufficient cpu on every node), ' +
  'or the image cannot be pulled - the events show ErrImagePull and then ImagePullBackOff.';
export const schedulingOnlyAnswer = 'No node has enough memory, so it cannot be scheduled.';
export const noConceptAnswer = 'The container is probably still starting, just wait a bit longer.';

export function attemptBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assessmentId: 'first-pod',
    learnerId: 'learner-1',
    courseId: 'k8s-101',
    manifest: referenceManifest,
    answers: {},
    ...overrides,
  };
}
