import { randomUUID } from 'node:crypto';
import { storedAssessmentVersion } from '../../src/attempts/attempt-repository.js';
import type { TestServices } from './test-services.js';

/**
 * Stores a first-pod attempt straight through the repository, as the API's submission would,
 * for tests about what happens to stored attempts (grading writes, credential lifetimes). The
 * fields a test does not name are fixed and unremarkable.
 */
export async function storeFirstPodAttempt(
  services: TestServices,
  fields: {
    manifest?: string;
    answers?: Record<string, string>;
    courseId?: string | undefined;
    clusterSecret?: Uint8Array | undefined;
    lti?: { lineItemUrl: string; userId: string | undefined };
  } = {},
): Promise<string> {
  const id = randomUUID();
  const assessment = services.catalog.get('first-pod')!;
  await services.attempts.insert({
    id,
    tenantId: services.tenant.tenantId,
    assessment: storedAssessmentVersion(assessment),
    queueName: services.queueName,
    learnerId: 'learner-1',
    courseId: 'courseId' in fields ? fields.courseId : 'course-1',
    manifest: fields.manifest ?? 'kind: Pod',
    answers: fields.answers ?? {},
    clusterSecret: fields.clusterSecret,
    gradeWithoutCluster: false,
    idempotencyKey: undefined,
    requestHash: 'a'.repeat(64),
    ...(fields.lti ? { lti: fields.lti } : {}),
  });
  return id;
}
