import request from 'supertest';
import { parseCorsOrigins } from '../../src/http/cors.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

const lms = 'https://lms.example.org';

describe('CORS', () => {
  describe('when no origin is configured', () => {
    let services: TestServices;
    beforeAll(async () => {
      services = await openTestServices();
    });
    afterAll(async () => {
      await services.close();
    });

    it('then no response carries a CORS header, for any origin', async () => {
      const response = await request(services.app).get('/healthz').set('Origin', lms).expect(200);
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
    });

    it('then a preflight is not granted', async () => {
      const response = await request(services.app)
        .options('/v1/attempts')
        .set('Origin', lms)
        .set('Access-Control-Request-Method', 'POST');
      expect(response.headers['access-control-allow-origin']).toBeUndefined();
      expect(response.headers['access-control-allow-methods']).toBeUndefined();
    });
  });

  describe('when one origin is configured', () => {
    let services: TestServices;
    beforeAll(async () => {
      services = await openTestServices({ corsOrigins: [lms] });
    });
    afterAll(async () => {
      await services.close();
    });

    it('then that origin gets its own origin back, and the Location header is exposed', async () => {
      const response = await request(services.app).get('/healthz').set('Origin', lms).expect(200);
      expect(response.headers['access-control-allow-origin']).toBe(lms);
      expect(response.headers['access-control-allow-credentials']).toBeUndefined();
      expect(response.headers['access-control-expose-headers']).toMatch(/Location/);
      expect(response.headers.vary).toMatch(/Origin/);
    });

    it('then its preflight is answered 204 with the methods and headers the API takes', async () => {
      const response = await request(services.app)
        .options('/v1/attempts')
        .set('Origin', lms)
        .set('Access-Control-Request-Method', 'POST')
        .set('Access-Control-Request-Headers', 'content-type, idempotency-key')
        .expect(204);
      expect(response.headers['access-control-allow-origin']).toBe(lms);
      expect(response.headers['access-control-allow-methods']).toBe('GET, POST');
      expect(response.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/);
    });

    it.each([
      'https://evil.example',
      'https://lms.example.org.evil.example',
      'http://lms.example.org',
      'https://lms.example.org:8443',
      'null',
    ])('then %s gets no CORS header, preflight or not', async (origin) => {
      const simple = await request(services.app).get('/healthz').set('Origin', origin);
      expect(simple.headers['access-control-allow-origin']).toBeUndefined();
      const preflight = await request(services.app)
        .options('/v1/attempts')
        .set('Origin', origin)
        .set('Access-Control-Request-Method', 'POST');
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-methods']).toBeUndefined();
      expect(preflight.headers.vary).toMatch(/Origin/);
    });

    it('then error responses to the allowed origin are readable too', async () => {
      const response = await services.api
        .post('/v1/attempts')
        .set('Origin', lms)
        .send({})
        .expect(400);
      expect(response.headers['access-control-allow-origin']).toBe(lms);
    });
  });
});

describe('parseCorsOrigins', () => {
  it('reads exact origins, trimmed, without duplicates; empty means none', () => {
    expect(parseCorsOrigins('')).toEqual([]);
    expect(parseCorsOrigins(` ${lms}, http://localhost:5173 ,${lms}`)).toEqual([
      lms,
      'http://localhost:5173',
    ]);
  });

  it.each([
    '*',
    'null',
    'lms.example.org',
    'https://lms.example.org/',
    'https://LMS.example.org',
    'https://lms.example.org/path',
    'ftp://lms.example.org',
  ])('refuses %p, which a browser would never send as an origin', (entry) => {
    expect(() => parseCorsOrigins(entry)).toThrow(/origin|not allowed/);
  });
});
