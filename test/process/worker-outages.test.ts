import { jest } from '@jest/globals';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import {
  processTestTimeoutMs,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '../support/service-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import {
  openTestServices,
  testRedisUrl,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

/**
 * The real worker process with PostgreSQL and Redis behind proxies this test cuts. Attempts are
 * submitted through the API (in this process, straight to PostgreSQL and Redis), so they wait
 * for the worker while it is cut off; the worker must stay up and grade them once it is not.
 */

jest.setTimeout(processTestTimeoutMs);

let services: TestServices;
let postgresProxy: TcpProxy;
let redisProxy: TcpProxy;
let worker: ServiceProcess;

const target = (url: string) => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
};

beforeAll(async () => {
  // Jobs take their retry policy from the producer: two tries, so an outage that spent tries
  // would end the attempt not gradable.
  services = await openTestServices({
    jobAttempts: 2,
    backoffMs: 500,
    assessmentsDirectory: fixtureAssessmentsDirectory,
  });
  postgresProxy = await startTcpProxy(target(services.databaseUrl));
  redisProxy = await startTcpProxy(target(testRedisUrl));
  worker = startServiceProcess('worker/main.ts', {
    DATABASE_URL: postgresProxy.urlFor(services.databaseUrl),
    REDIS_URL: redisProxy.urlFor(testRedisUrl),
    QUEUE_NAME: services.queueName,
    ASSESSMENTS_DIR: fixtureAssessmentsDirectory,
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    WORKER_CONCURRENCY: '2',
    OUTAGE_RETRY_MS: '200',
  });
  await worker.waitForLog('worker started');
});

afterEach(() => {
  postgresProxy.restore();
  redisProxy.restore();
});

afterAll(async () => {
  await worker.stop();
  await postgresProxy.close();
  await redisProxy.close();
  await services.close();
});

async function submit(): Promise<string> {
  const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
  return posted.body.id as string;
}

function expectAlive(): void {
  expect(worker.child.exitCode).toBeNull();
  expect(worker.child.signalCode).toBeNull();
}

describe('a worker cut off from Redis', () => {
  it('stays up, and grades what was queued meanwhile once Redis is back', async () => {
    redisProxy.cut();
    await worker.waitForLog('redis unavailable');
    const id = await submit();
    expectAlive();

    redisProxy.restore();
    await worker.waitForLog('redis connection restored');
    const attempt = await waitForFinishedAttempt(services.attempts, id, 90_000);
    expect(attempt.status).toBe('graded');
    expectAlive();
  });
});

describe('a worker cut off from PostgreSQL', () => {
  it("stays up, waits without spending the attempt's tries, and grades it once PostgreSQL is back", async () => {
    postgresProxy.cut();
    const id = await submit();
    // The job was taken and met the outage more times than the attempt has tries: each time it
    // waits, and none counts against the attempt.
    const waits = () =>
      worker
        .logLines()
        .filter(
          (line) =>
            line.attemptId === id &&
            line.msg === 'PostgreSQL or Redis is unavailable; grading waits without spending a try',
        ).length;
    await waitFor(() => waits() >= 3, 'three waits for PostgreSQL');
    expectAlive();

    postgresProxy.restore();
    const attempt = await waitForFinishedAttempt(services.attempts, id, 90_000);
    expect(attempt.status).toBe('graded');
    expect(attempt.score).not.toBeNull();
    const failures = worker
      .logLines()
      .filter(
        (line) => line.msg === 'grading job failed' || line.msg === 'attempt could not be graded',
      );
    expect(failures).toEqual([]);
    expectAlive();
  });
});
