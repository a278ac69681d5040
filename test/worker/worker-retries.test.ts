import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';

let services: TestServices;

afterEach(async () => {
  await services.close();
});

async function waitForFailedJob(jobId: string) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const job = await services.queue.getJob(jobId);
    if (job && (await job.getState()) === 'failed') return job;
    if (Date.now() > deadline) throw new Error(`job ${jobId} did not fail`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('grading retries', () => {
  it('retries a job that runs out of time, then marks the attempt not gradable with the reason', async () => {
    services = await openTestServices({
      jobAttempts: 3,
      backoffMs: 10,
      assessmentsDirectory: fixtureAssessmentsDirectory,
    });
    const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    services.startWorker({ jobTimeoutMs: 1 });
    const attempt = await waitForFinishedAttempt(services.attempts, posted.body.id);
    expect(attempt.status).toBe('not_gradable');
    expect(attempt.notGradableReason).toMatch(/timed out/);
    expect(attempt.score).toBeNull();
    const job = await services.queue.getJob(posted.body.id);
    expect(job?.attemptsMade).toBe(3);
  });

  it('never retries a malformed job', async () => {
    services = await openTestServices({
      jobAttempts: 3,
      backoffMs: 10,
      assessmentsDirectory: fixtureAssessmentsDirectory,
    });
    await services.queue.add(
      'grade-attempt',
      { attemptId: 'not-a-uuid', schemaVersion: 1 },
      { jobId: 'bad-job' },
    );
    services.startWorker();
    const job = await waitForFailedJob('bad-job');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(/malformed/);
    expect(services.logLines.some((line) => line.includes('malformed grading job'))).toBe(true);
  });
});
