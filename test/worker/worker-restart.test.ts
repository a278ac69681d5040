import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';

let services: TestServices;

beforeEach(async () => {
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
});

afterEach(async () => {
  await services.close();
});

async function countGraded(ids: string[]): Promise<number> {
  return services.prisma.attempt.count({ where: { id: { in: ids }, status: 'graded' } });
}

describe('a worker stopped mid-queue', () => {
  it('lets its in-flight jobs finish, and a new worker grades the rest: each attempt exactly once', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i += 1) {
      const posted = await services.api
        .post('/v1/attempts')
        .send(attemptBody({ learnerId: `learner-${i}` }))
        .expect(202);
      ids.push(posted.body.id);
    }

    const first = services.startWorker({ concurrency: 2 });
    // Stop the first worker as soon as it has graded a few, while others are still queued.
    const deadline = Date.now() + 15_000;
    while ((await countGraded(ids)) < 3) {
      if (Date.now() > deadline) throw new Error('the first worker graded nothing');
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await first.close();
    const gradedByFirst = await countGraded(ids);
    expect(gradedByFirst).toBeLessThan(ids.length);
    // Nothing is left half-done: every attempt is either finished or still waiting in the queue.
    expect(
      await services.prisma.attempt.count({ where: { id: { in: ids }, status: 'running' } }),
    ).toBe(0);

    services.startWorker({ concurrency: 2 });
    for (const id of ids) await waitForFinishedAttempt(services.attempts, id);

    const rows = await services.prisma.attempt.findMany({ where: { id: { in: ids } } });
    expect(rows.every((row) => row.status === 'graded')).toBe(true);
    expect(rows.map((row) => row.gradingRuns)).toEqual(ids.map(() => 1));
    const checkRows = await services.prisma.checkResult.groupBy({
      by: ['attemptId'],
      where: { attemptId: { in: ids } },
      _count: true,
    });
    const perAttempt = new Set(checkRows.map((row) => row._count));
    expect(perAttempt.size).toBe(1);
  });
});

describe('a job delivered again after its attempt was graded', () => {
  it('does not grade the attempt a second time', async () => {
    const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    services.startWorker();
    await waitForFinishedAttempt(services.attempts, posted.body.id);
    const job = await services.queue.getJob(posted.body.id);
    await job?.remove();
    await services.queue.add(
      'grade-attempt',
      { attemptId: posted.body.id, schemaVersion: 1 },
      { jobId: posted.body.id },
    );
    const deadline = Date.now() + 10_000;
    while (((await services.queue.getJobCounts('completed')).completed ?? 0) < 1) {
      if (Date.now() > deadline) throw new Error('the replayed job never completed');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const row = await services.prisma.attempt.findUniqueOrThrow({ where: { id: posted.body.id } });
    expect(row.gradingRuns).toBe(1);
  });
});
