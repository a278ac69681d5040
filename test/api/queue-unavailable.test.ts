import request from 'supertest';
import { pino } from 'pino';
import { loadAssessmentCatalog } from '../../src/assessments/assessment-catalog.js';
import { AttemptRepository } from '../../src/attempts/attempt-repository.js';
import { createApp } from '../../src/http/create-app.js';
import { ResultsRepository } from '../../src/results/results-repository.js';
import { createTestLinkSigner } from '../support/test-links.js';
import { createGradingQueue, enqueueGrading } from '../../src/queue/grading-queue.js';
import { createRedisConnection } from '../../src/queue/redis-connection.js';
import { createPrincipalCache } from '../../src/tenants/authenticate-api-key.js';
import { TenantRepository } from '../../src/tenants/tenant-repository.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';
import { createTestTenantKey } from '../support/test-tenants.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

describe('POST /v1/attempts when Redis is down', () => {
  it('answers 503 SERVICE_UNAVAILABLE and keeps no half-stored attempt', async () => {
    // A port nothing listens on: the real BullMQ producer failing for real, fast.
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', role: 'producer' });
    redis.on('error', () => undefined);
    const queue = createGradingQueue({
      connection: redis,
      name: 'unreachable',
      attempts: 1,
      backoffMs: 10,
    });
    queue.on('error', () => undefined);
    const tenants = new TenantRepository(database.prisma);
    const { key } = await createTestTenantKey(tenants);
    const app = createApp({
      catalog: await loadAssessmentCatalog({ directory: fixtureAssessmentsDirectory }),
      attempts: new AttemptRepository(database.prisma, database.pool),
      tenants,
      principalCache: createPrincipalCache({ ttlMs: 1_000 }),
      resultHistory: new ResultsRepository(database.prisma),
      links: createTestLinkSigner(),
      replay: async () => {
        throw new Error('no regrades here');
      },
      enqueue: (attemptId) => enqueueGrading(queue, attemptId, { timeoutMs: 300 }),
      queueName: queue.name,
      sealClusterAccess: () => new Uint8Array(),
      vetClusterAccess: async () => undefined,
      readiness: [],
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 256 * 1024,
    });

    const response = await request(app)
      .post('/v1/attempts')
      .set('Authorization', `Bearer ${key}`)
      .send(attemptBody())
      .expect(503);
    expect(response.body.error.code).toBe('SERVICE_UNAVAILABLE');
    expect(await database.prisma.attempt.count()).toBe(0);
    await queue.close();
    redis.disconnect();
  });
});
