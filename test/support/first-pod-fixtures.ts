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

/**
 * The first-pod manifest checks and quiz without its cluster checks: what the API and worker
 * tests grade, since they give the grader no cluster. Open the services with
 * `assessmentsDirectory: fixtureAssessmentsDirectory` to have it in the catalog.
 */
export const manifestOnlyAssessmentId = 'manifest-only-pod';
export const fixtureAssessmentsDirectory = fileURLToPath(
  new URL('../fixtures/assessments', import.meta.url),
);

export function attemptBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assessmentId: manifestOnlyAssessmentId,
    learnerId: 'learner-1',
    courseId: 'k8s-101',
    manifest: referenceManifest,
    answers: {},
    ...overrides,
  };
}
