import request from 'supertest';
import { revokeApiKey } from '../../src/tenants/revoke-api-key.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { openTestServices, type TestServices, type TestTenant } from '../support/test-services.js';

let services: TestServices;
let tenantA: TestTenant;
let tenantB: TestTenant;

beforeAll(async () => {
  // No worker: these tests are about who may store and read attempts, not about grading.
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
  tenantA = await services.createTenantWithKey({ name: 'tenant-a' });
  tenantB = await services.createTenantWithKey({ name: 'tenant-b' });
});

afterAll(async () => {
  await services.close();
});

describe('authentication', () => {
  it('answers 401 UNAUTHENTICATED without a key, with a malformed header, and with an unknown key', async () => {
    const unknownKey = `kg_${'0'.repeat(12)}_${'A'.repeat(43)}`;
    // Same prefix as a real key, wrong secret: the hash comparison must refuse it.
    const forgedKey = tenantA.key.slice(0, 16) + 'B'.repeat(43);
    for (const authorization of [
      undefined,
      'Basic dXNlcjpwYXNz',
      'Bearer',
      `Bearer ${unknownKey}`,
      `Bearer ${forgedKey}`,
      tenantA.key,
    ]) {
      let call = request(services.app).get('/v1/attempts/7f1d1c1e-6e5b-4d4f-9d9a-0c2b8f7a1e11');
      if (authorization !== undefined) call = call.set('Authorization', authorization);
      const response = await call;
      expect({ authorization, status: response.status, code: response.body.error?.code }).toEqual({
        authorization,
        status: 401,
        code: 'UNAUTHENTICATED',
      });
      expect(response.headers['www-authenticate']).toBe('Bearer');
    }
  });

  it('refuses a revoked key with 401, and stores nothing it sent', async () => {
    const tenant = await services.createTenantWithKey();
    await revokeApiKey({ tenants: services.tenants }, { idOrPrefix: tenant.keyId });
    const response = await tenant.api.post('/v1/attempts').send(attemptBody()).expect(401);
    expect(response.body.error.code).toBe('UNAUTHENTICATED');
    expect(await services.prisma.attempt.count({ where: { tenantId: tenant.tenantId } })).toBe(0);
  });

  it('accepts the scheme in any case, as RFC 7235 says', async () => {
    await request(services.app)
      .get('/v1/assessments')
      .set('Authorization', `bearer ${tenantA.key}`)
      .expect(200);
  });

  it('leaves health, readiness and the OpenAPI document public', async () => {
    await request(services.app).get('/healthz').expect(200);
    await request(services.app).get('/readyz').expect(200);
  });

  it('records when a key was last used', async () => {
    const tenant = await services.createTenantWithKey();
    await tenant.api.get('/v1/assessments').expect(200);
    // The timestamp is written after the answer, off the request's path: wait for it.
    let lastUsedAt: Date | null | undefined;
    while (!lastUsedAt) {
      const row = await services.prisma.apiKey.findUnique({ where: { id: tenant.keyId } });
      lastUsedAt = row?.lastUsedAt;
      if (!lastUsedAt) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(lastUsedAt.getTime()).toBeGreaterThan(Date.now() - 60_000);
  });
});

describe('scopes', () => {
  it('answers 403 FORBIDDEN_SCOPE when the key lacks the route scope, naming the scope', async () => {
    const readOnly = await services.createTenantWithKey({ scopes: ['results:read'] });
    const refused = await readOnly.api.post('/v1/attempts').send(attemptBody()).expect(403);
    expect(refused.body.error).toEqual(
      expect.objectContaining({
        code: 'FORBIDDEN_SCOPE',
        details: { requiredScope: 'attempts:write' },
      }),
    );
    const writeOnly = await services.createTenantWithKey({ scopes: ['attempts:write'] });
    const posted = await writeOnly.api.post('/v1/attempts').send(attemptBody()).expect(202);
    const read = await writeOnly.api.get(`/v1/attempts/${posted.body.id}`).expect(403);
    expect(read.body.error.details).toEqual({ requiredScope: 'results:read' });
  });
});

describe('tenant isolation', () => {
  it("answers 404 for another tenant's attempt, exactly as for an id that does not exist", async () => {
    const posted = await tenantB.api.post('/v1/attempts').send(attemptBody()).expect(202);
    await tenantB.api.get(`/v1/attempts/${posted.body.id}`).expect(200);
    const fromA = await tenantA.api.get(`/v1/attempts/${posted.body.id}`).expect(404);
    const missing = await tenantA.api
      .get('/v1/attempts/7f1d1c1e-6e5b-4d4f-9d9a-0c2b8f7a1e11')
      .expect(404);
    expect(fromA.body.error.code).toBe('ATTEMPT_NOT_FOUND');
    expect(Object.keys(fromA.body.error)).toEqual(Object.keys(missing.body.error));
  });

  it('stores each attempt under the tenant of the key that sent it', async () => {
    const posted = await tenantA.api.post('/v1/attempts').send(attemptBody()).expect(202);
    const row = await services.prisma.attempt.findUnique({ where: { id: posted.body.id } });
    expect(row?.tenantId).toBe(tenantA.tenantId);
  });

  it("does not let one tenant's Idempotency-Key collide with another's", async () => {
    const key = 'shared-idempotency-key-1';
    const fromA = await tenantA.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody({ learnerId: 'learner-of-a' }))
      .expect(202);
    // B sends a different body with the same key: for B it is a new key, not a reuse.
    const fromB = await tenantB.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody({ learnerId: 'learner-of-b' }))
      .expect(202);
    expect(fromB.body.id).not.toBe(fromA.body.id);
    const replayA = await tenantA.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody({ learnerId: 'learner-of-a' }))
      .expect(202);
    expect(replayA.body.id).toBe(fromA.body.id);
  });
});

describe('ten concurrent identical submissions with one key and one Idempotency-Key', () => {
  it('make exactly one attempt, and every answer names it', async () => {
    const tenant = await services.createTenantWithKey();
    const body = attemptBody({ learnerId: 'concurrent-learner' });
    const responses = await Promise.all(
      Array.from({ length: 10 }, () =>
        request(services.app)
          .post('/v1/attempts')
          .set('Authorization', `Bearer ${tenant.key}`)
          .set('Idempotency-Key', 'ten-at-once')
          .send(body),
      ),
    );
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(202));
    expect(new Set(responses.map((response) => response.body.id)).size).toBe(1);
    expect(await services.prisma.attempt.count({ where: { tenantId: tenant.tenantId } })).toBe(1);
    // One attempt, so one grading job.
    expect(await services.queue.getJob(responses[0]!.body.id)).toBeDefined();
  });
});
