import request from 'supertest';
import { pino } from 'pino';
import type { AssessmentCatalog } from '../../src/assessments/assessment-catalog.js';
import type { AttemptRepository } from '../../src/attempts/attempt-repository.js';
import { createApp } from '../../src/http/create-app.js';
import type { ResultsRepository } from '../../src/results/results-repository.js';
import { createTestLinkSigner } from '../support/test-links.js';
import { createRedisConnection } from '../../src/queue/redis-connection.js';
import { createPrincipalCache } from '../../src/tenants/authenticate-api-key.js';
import type { TenantRepository } from '../../src/tenants/tenant-repository.js';

describe('GET /readyz when Redis cannot be reached', () => {
  it('answers 503 naming the dependency that is down', async () => {
    // A port nothing listens on: the real client, failing for real.
    const redis = createRedisConnection({ url: 'redis://127.0.0.1:1', role: 'producer' });
    redis.on('error', () => undefined);
    const app = createApp({
      catalog: { list: () => [], get: () => undefined } as unknown as AssessmentCatalog,
      attempts: {} as AttemptRepository,
      // Readiness is public: no key is looked up, so no tenant store is needed.
      tenants: {} as TenantRepository,
      principalCache: createPrincipalCache({ ttlMs: 1_000 }),
      resultHistory: {} as ResultsRepository,
      links: createTestLinkSigner(),
      replay: async () => {
        throw new Error('no regrades here');
      },
      enqueue: async () => undefined,
      queueName: 'readiness-test',
      sealClusterAccess: () => new Uint8Array(),
      vetClusterAccess: async () => undefined,
      readiness: [{ name: 'redis', check: async () => void (await redis.ping()) }],
      logger: pino({ level: 'silent' }),
      bodyLimitBytes: 1024,
    });
    const response = await request(app).get('/readyz').expect(503);
    expect(response.body.status).toBe('unavailable');
    expect(response.body.checks.redis.status).toBe('unavailable');
    redis.disconnect();
  });
});
