/**
 * The first submissions of an assessment version arrive together (a class starts the lesson at
 * once): the version's row is recorded by one atomic statement, so none of them may fail.
 */
import { openTestServices, type TestServices } from '../support/test-services.js';
import {
  attemptBody,
  fixtureAssessmentsDirectory,
  manifestOnlyAssessmentId,
} from '../support/first-pod-fixtures.js';

let services: TestServices;

beforeAll(async () => {
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
});

afterAll(async () => {
  await services.close();
});

it('answers 202 to 32 concurrent first POSTs on a fresh database and records the version once', async () => {
  expect(await services.prisma.assessment.count()).toBe(0);

  const responses = await Promise.all(
    Array.from({ length: 32 }, (_, index) =>
      services.api.post('/v1/attempts').send(attemptBody({ learnerId: `learner-${index}` })),
    ),
  );

  expect(responses.map((response) => response.status)).toEqual(Array(32).fill(202));
  expect(await services.prisma.attempt.count()).toBe(32);
  const versions = await services.prisma.assessment.findMany({
    select: { id: true, version: true },
  });
  expect(versions).toEqual([{ id: manifestOnlyAssessmentId, version: expect.any(String) }]);
  expect(await services.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(32);
});
