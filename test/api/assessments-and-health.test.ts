import request from 'supertest';
import { openTestServices, type TestServices } from '../support/test-services.js';

let services: TestServices;

beforeAll(async () => {
  services = await openTestServices();
});

afterAll(async () => {
  await services.close();
});

describe('GET /v1/assessments', () => {
  it('lists first-pod with its version and maximum score', async () => {
    const response = await services.api.get('/v1/assessments').expect(200);
    const firstPod = response.body.items.find((item: { id: string }) => item.id === 'first-pod');
    expect(firstPod).toEqual(
      expect.objectContaining({
        version: expect.any(String),
        title: expect.any(String),
        maxScore: expect.any(Number),
      }),
    );
  });

  it('gives the public definition without answer keys', async () => {
    const response = await services.api.get('/v1/assessments/first-pod').expect(200);
    expect(response.body.checks.length).toBeGreaterThanOrEqual(7);
    for (const check of response.body.checks) {
      expect(check).toEqual(
        expect.objectContaining({
          id: expect.any(String),
          title: expect.any(String),
          points: expect.any(Number),
        }),
      );
    }
    expect(response.body.quiz[0]).toEqual(
      expect.objectContaining({
        id: expect.any(String),
        prompt: expect.any(String),
        type: 'free-text',
      }),
    );
    const text = JSON.stringify(response.body);
    for (const secret of ['ImagePullBackOff', 'Insufficient', 'synonyms', 'concepts', '"expect"']) {
      expect(text).not.toContain(secret);
    }
  });

  it('answers 404 ASSESSMENT_NOT_FOUND for an unknown id', async () => {
    const response = await services.api.get('/v1/assessments/nope').expect(404);
    expect(response.body.error.code).toBe('ASSESSMENT_NOT_FOUND');
  });
});

describe('health', () => {
  it('is live and ready when PostgreSQL and Redis answer', async () => {
    await request(services.app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(services.app).get('/readyz').expect(200);
    expect(ready.body.checks).toEqual({ postgres: { status: 'ok' }, redis: { status: 'ok' } });
  });

  it('sets security headers and no x-powered-by', async () => {
    const response = await request(services.app).get('/healthz');
    expect(response.headers['x-powered-by']).toBeUndefined();
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});
