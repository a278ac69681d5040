import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createGradingQueue, type GradingQueue } from '../../src/queue/grading-queue.js';
import { createRedisConnection } from '../../src/queue/redis-connection.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { withAdminClient } from '../support/postgres-admin.js';
import {
  freePort,
  processTestTimeoutMs,
  startServiceProcess,
  waitFor,
  type ServiceProcess,
} from '../support/service-process.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { testRedisUrl } from '../support/test-services.js';
import { createTestTenantKey } from '../support/test-tenants.js';
import { TenantRepository } from '../../src/tenants/tenant-repository.js';

/**
 * The real API process with PostgreSQL and Redis behind proxies this test cuts and restores:
 * an outage is a 503 with Retry-After, never a crash, and the API serves again once it ends.
 */

jest.setTimeout(processTestTimeoutMs);

const retryAfterSeconds = '7';
let database: TestDatabase;
let postgresProxy: TcpProxy;
let redisProxy: TcpProxy;
let api: ServiceProcess;
let baseUrl: string;
let queue: GradingQueue;
let queueRedis: ReturnType<typeof createRedisConnection>;
const queueName = `api-outages-${randomUUID()}`;
let tenantId: string;
let authorization: { authorization: string };

const target = (url: string) => {
  const parsed = new URL(url);
  return { host: parsed.hostname, port: Number(parsed.port) };
};

beforeAll(async () => {
  database = await createTestDatabase();
  const tenant = await createTestTenantKey(new TenantRepository(database.prisma));
  tenantId = tenant.tenantId;
  authorization = { authorization: `Bearer ${tenant.key}` };
  postgresProxy = await startTcpProxy(target(database.databaseUrl));
  redisProxy = await startTcpProxy(target(testRedisUrl));
  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  api = startServiceProcess('src/http/main.ts', {
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: postgresProxy.urlFor(database.databaseUrl),
    REDIS_URL: redisProxy.urlFor(testRedisUrl),
    QUEUE_NAME: queueName,
    ASSESSMENTS_DIR: fixtureAssessmentsDirectory,
    DATABASE_CONNECT_TIMEOUT_MS: '1000',
    RETRY_AFTER_SECONDS: retryAfterSeconds,
    // One key sends 40 requests at once below: these tests are about outages, not its limits.
    RATE_LIMIT_CONCURRENT_PER_KEY: '100',
  });
  queueRedis = createRedisConnection({ url: testRedisUrl, role: 'producer' });
  queue = createGradingQueue({
    connection: queueRedis,
    name: queueName,
    attempts: 1,
    backoffMs: 1,
  });
  await waitUntilReady();
});

afterAll(async () => {
  await api.stop();
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  queueRedis.disconnect();
  await postgresProxy.close();
  await redisProxy.close();
  await database.drop();
});

afterEach(() => {
  postgresProxy.restore();
  redisProxy.restore();
});

async function waitUntilReady(): Promise<void> {
  await waitFor(async () => {
    const response = await fetch(`${baseUrl}/readyz`).catch(() => undefined);
    return response?.status === 200;
  }, 'the API to be ready');
}

function postAttempt(headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${baseUrl}/v1/attempts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...authorization, ...headers },
    body: JSON.stringify(attemptBody()),
  });
}

async function expectUnavailable(response: Response): Promise<void> {
  expect(response.status).toBe(503);
  expect(response.headers.get('retry-after')).toBe(retryAfterSeconds);
  const body = (await response.json()) as { error?: { code?: string } };
  // /readyz has its own body; every other route answers with the catalogue's code.
  if (body.error) expect(body.error.code).toBe('SERVICE_UNAVAILABLE');
}

function expectAlive(): void {
  expect(api.child.exitCode).toBeNull();
  expect(api.child.signalCode).toBeNull();
}

describe('PostgreSQL cut off from the API', () => {
  it('answers 503 with Retry-After while it is away, and serves again when it is back', async () => {
    const created = await postAttempt();
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };

    postgresProxy.cut();
    await expectUnavailable(
      await fetch(`${baseUrl}/v1/attempts/${id}`, { headers: authorization }),
    );
    await expectUnavailable(await postAttempt());
    await expectUnavailable(await fetch(`${baseUrl}/readyz`));
    expectAlive();
    // Cut while connections sat idle in the pool: their errors were heard, not fatal.
    expect(api.logLines().some((line) => line.msg === 'postgres connection lost')).toBe(true);

    postgresProxy.restore();
    await waitFor(
      async () =>
        (await fetch(`${baseUrl}/v1/attempts/${id}`, { headers: authorization })).status === 200,
      'the attempt to be readable again',
    );
    expect((await postAttempt()).status).toBe(202);
    expectAlive();
  });

  it('survives sessions killed by the server (57P01) in the middle of requests', async () => {
    const databaseName = new URL(database.databaseUrl).pathname.slice(1);
    const requests = Array.from({ length: 40 }, (_, index) =>
      index % 2 === 0
        ? postAttempt()
        : fetch(`${baseUrl}/v1/attempts/${randomUUID()}`, { headers: authorization }),
    );
    let settled = 0;
    requests.forEach((request) => void request.finally(() => settled++).catch(() => undefined));
    // Terminate the API's sessions again and again while its requests are running.
    let terminations = 0;
    while (settled < requests.length) {
      await withAdminClient((admin) =>
        admin.query(
          `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = $1 AND pid <> pg_backend_pid()`,
          [databaseName],
        ),
      );
      terminations++;
    }
    const statuses = (await Promise.all(requests)).map((response) => response.status);
    expect(terminations).toBeGreaterThan(0);
    // Every request got an answer the client can act on: success, not found, or try again.
    for (const status of statuses) expect([202, 404, 503]).toContain(status);
    expectAlive();
    await waitUntilReady();
  });
});

describe('Redis cut off from the API', () => {
  it('refuses new attempts with 503 and stores nothing, still serves reads, and recovers', async () => {
    const created = await postAttempt();
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    const storedBefore = await database.prisma.attempt.count();

    redisProxy.cut();
    await expectUnavailable(await postAttempt());
    expect(await database.prisma.attempt.count()).toBe(storedBefore);
    // Reading a result needs only PostgreSQL.
    expect((await fetch(`${baseUrl}/v1/attempts/${id}`, { headers: authorization })).status).toBe(
      200,
    );
    expectAlive();

    redisProxy.restore();
    await waitUntilReady();
    const afterOutage = await postAttempt();
    expect(afterOutage.status).toBe(202);
    const { id: queuedId } = (await afterOutage.json()) as { id: string };
    expect(await queue.getJob(queuedId)).toBeDefined();
  });

  it('keeps an attempt sent with an Idempotency-Key, and queues it when the client retries', async () => {
    const key = `outage-${randomUUID()}`;
    redisProxy.cut();
    await expectUnavailable(await postAttempt({ 'Idempotency-Key': key }));
    const kept = await database.prisma.attempt.findUniqueOrThrow({
      where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: key } },
    });
    expect(kept.status).toBe('queued');

    redisProxy.restore();
    await waitUntilReady();
    const retried = await postAttempt({ 'Idempotency-Key': key });
    expect(retried.status).toBe(202);
    expect(((await retried.json()) as { id: string }).id).toBe(kept.id);
    expect(await queue.getJob(kept.id)).toBeDefined();
  });
});
