import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo, Server } from 'node:net';
import request from 'supertest';
import { awaitCondition } from '../support/await-condition.js';
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

describe('requests in progress', () => {
  let limited: TestServices;
  beforeAll(async () => {
    // Window limits out of reach, so that only the number in progress can refuse.
    limited = await openTestServices({
      assessmentsDirectory: fixtureAssessmentsDirectory,
      rateLimits: { perKey: 1_000, perTenant: 1_000, windowMs: 60_000, concurrentPerKey: 2 },
    });
  });
  afterAll(async () => {
    await limited.close();
  });

  it('answers 429 at once to a key with too many requests in progress, and lets it in again when one ends', async () => {
    const tenant = await limited.createTenantWithKey();
    const server: Server = limited.app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const { port } = server.address() as AddressInfo;
    let postsReceived = 0;
    server.on('request', (incoming: IncomingMessage) => {
      if (incoming.method === 'POST') postsReceived += 1;
    });
    // The key's principal is then cached: a held request is counted as soon as it arrives.
    await tenant.api.get('/v1/assessments').expect(200);
    // Two submissions whose bodies are still on their way: in progress until they are sent.
    const held: Array<{ call: ClientRequest; answered: Promise<IncomingMessage> }> = [];
    const body = JSON.stringify(attemptBody());
    try {
      for (let i = 0; i < 2; i += 1) {
        const call = httpRequest({
          port,
          host: '127.0.0.1',
          method: 'POST',
          path: '/v1/attempts',
          headers: {
            authorization: `Bearer ${tenant.key}`,
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
          },
        });
        const answered = new Promise<IncomingMessage>((resolve) => call.once('response', resolve));
        // Destroying the held one at the end is a hang-up on purpose.
        call.on('error', () => undefined);
        call.write(body.slice(0, 10));
        held.push({ call, answered });
      }
      // Both are past authentication (its cache is warm) once the server has them.
      await awaitCondition('both held submissions on the server', () =>
        postsReceived === 2 ? true : undefined,
      );
      const refused = await tenant.api.get('/v1/assessments').expect(429);
      expect(refused.body.error).toMatchObject({
        code: 'RATE_LIMITED',
        details: { concurrentLimit: 2 },
      });
      expect(refused.headers['retry-after']).toBe('1');

      const [first] = held;
      first!.call.end(body.slice(10));
      expect((await first!.answered).statusCode).toBe(202);
      await awaitCondition('a request let in after one ended', async () => {
        const response = await tenant.api.get('/v1/assessments');
        return response.status === 200 ? true : undefined;
      });
    } finally {
      for (const { call } of held) call.destroy();
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
