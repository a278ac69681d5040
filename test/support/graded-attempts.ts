import { fixtureAssessmentsDirectory } from './first-pod-fixtures.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type AuthenticatedApi,
  type TestServices,
} from './test-services.js';

/** What POST /v1/attempts answers (202): the attempt's id and the learner's feedback link. */
export interface PostedAttempt {
  id: string;
  feedbackUrl: string;
}

/**
 * Services over the first-pod fixture assessments (the manifest checks and quiz, no cluster
 * checks: no cluster is needed) with a worker grading what is posted.
 */
export async function openFixtureGradingServices(): Promise<TestServices> {
  const services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
  services.startWorker();
  return services;
}

/**
 * Posts an attempt (as the default tenant, or as the tenant whose `api` is given) and waits
 * until the worker has finished it, graded or not gradable.
 */
export async function postAndAwaitGrading(
  services: Pick<TestServices, 'api' | 'attempts'>,
  body: Record<string, unknown>,
  api: AuthenticatedApi = services.api,
): Promise<PostedAttempt> {
  const posted = await api.post('/v1/attempts').send(body).expect(202);
  await waitForFinishedAttempt(services.attempts, posted.body.id);
  return posted.body as PostedAttempt;
}
