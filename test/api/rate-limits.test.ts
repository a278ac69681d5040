import request from 'supertest';
import { createApiKey } from '../../src/tenants/create-api-key.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

let services: TestServices;

beforeAll(async () => {
  // A window long enough that no test's requests straddle two of them.
  services = await openTestServices({
    assessmentsDirectory: fixtureAssessmentsDirectory,
    rateLimits: { perKey: 3, perTenant: 5, windowMs: 60_000 },
  });
});

afterAll(async () => {
  await services.close();
});

describe('rate limits', () => {
  it('counts down RateLimit-Remaining, then answers 429 RATE_LIMITED with Retry-After, storing nothing', async () => {
    const tenant = await services.createTenantWithKey();
    const remaining: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      const response = await tenant.api.get('/v1/assessments').expect(200);
      expect(response.headers['ratelimit-limit']).toBe('3');
      remaining.push(response.headers['ratelimit-remaining'] as string);
    }
    expect(remaining).toEqual(['2', '1', '0']);

    const refused = await tenant.api.post('/v1/attempts').send(attemptBody()).expect(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    const retryAfter = Number(refused.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(refused.headers['ratelimit-remaining']).toBe('0');
    expect(Number(refused.headers['ratelimit-reset'])).toBe(retryAfter);
    expect(await services.prisma.attempt.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  it("limits a tenant's keys together, and one tenant's burst leaves other tenants alone", async () => {
    const tenant = await services.createTenantWithKey();
    const secondKey = await services.createTenantWithKey();
    // Two keys of one tenant: 3 each would be allowed per key, but only 5 together.
    const { key } = await createApiKey(
      { tenants: services.tenants },
      { tenantName: tenant.name, scopes: ['results:read'] },
    );
    const statuses: number[] = [];
    for (const authorization of [tenant.key, tenant.key, tenant.key, key, key, key]) {
      const response = await services.api
        .get('/v1/assessments')
        .set('Authorization', `Bearer ${authorization}`);
      statuses.push(response.status);
    }
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    await secondKey.api.get('/v1/assessments').expect(200);
  });

  it('keeps health checks out of the limits', async () => {
    for (let i = 0; i < 8; i += 1) {
      await request(services.app).get('/healthz').expect(200);
    }
  });
});
