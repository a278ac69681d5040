import request from 'supertest';
import { loggableUrl } from '../../src/http/request-logging.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

let services: TestServices;

beforeAll(async () => {
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
});

afterAll(async () => {
  await services.close();
});

function requestLines(): Array<Record<string, unknown>> {
  return services.logLines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.responseTime !== undefined);
}

/** The line is written when the response has finished, just after the client has it. */
async function lineFor(requestId: string): Promise<Record<string, unknown>> {
  for (;;) {
    const line = requestLines().find((entry) => (entry.req as { id?: string })?.id === requestId);
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('the request log', () => {
  it('writes one line per request with its id, tenant, route pattern, status and duration', async () => {
    const posted = await services.api
      .post('/v1/attempts')
      .set('X-Request-Id', 'lms-trace-42')
      .send(attemptBody())
      .expect(202);
    expect(posted.headers['x-request-id']).toBe('lms-trace-42');
    const read = await services.api.get(`/v1/attempts/${posted.body.id}`).expect(200);
    const generated = read.headers['x-request-id'] as string;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);

    expect(await lineFor('lms-trace-42')).toEqual(
      expect.objectContaining({
        tenant: services.tenant.tenantId,
        route: '/v1/attempts/',
        res: { statusCode: 202 },
        responseTime: expect.any(Number),
      }),
    );
    expect(await lineFor(generated)).toEqual(
      expect.objectContaining({ route: '/v1/attempts/:id', res: { statusCode: 200 } }),
    );
    expect(
      requestLines().filter((line) => (line.req as { id: string }).id === generated),
    ).toHaveLength(1);
  });

  it('never logs the token of a signed page link, which would open the page', async () => {
    const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    const feedbackUrl: string = posted.body.feedbackUrl;
    const token = feedbackUrl.split('/feedback/')[1]!;
    await request(services.app)
      .get(`/feedback/${token}`)
      .set('X-Request-Id', 'page-link-2')
      .expect(200);
    expect((await lineFor('page-link-2')).req).toEqual(
      expect.objectContaining({ url: '/feedback/[redacted]' }),
    );
    // The same holds for the page's live updates and for instructor links.
    expect(loggableUrl(`/feedback/${token}/events`)).toBe('/feedback/[redacted]/events');
    expect(loggableUrl('/instructor/abc.def.ghi?course=k8s')).toBe(
      '/instructor/[redacted]?course=k8s',
    );
    expect(services.logLines.join('').includes(token)).toBe(false);
  });

  it('does not take a request id that could forge log lines', async () => {
    const response = await request(services.app)
      .get('/healthz')
      .set('X-Request-Id', `${'x'.repeat(200)} {"level":60}`);
    expect(response.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs a refused request without a tenant, and never an API key, whatever the answer', async () => {
    const forged = `${services.tenant.key.slice(0, 16)}${'Z'.repeat(43)}`;
    await request(services.app)
      .get('/v1/assessments')
      .set('Authorization', `Bearer ${forged}`)
      .set('X-Request-Id', 'refused-1')
      .set('X-Api-Key', services.tenant.key)
      .expect(401);
    expect(await lineFor('refused-1')).toEqual(
      expect.objectContaining({ tenant: null, res: { statusCode: 401 } }),
    );
    await services.api.get('/v1/assessments').set('X-Request-Id', 'accepted-1').expect(200);
    await lineFor('accepted-1');
    // The part after the public prefix is the secret: it must appear nowhere.
    const secrets = [services.tenant.key.slice(16), forged.slice(16)];
    const everything = services.logLines.join('');
    expect(secrets.filter((secret) => everything.includes(secret))).toEqual([]);
    // And the logger still hides one that a careless call site hands it.
    services.logger.info({ headers: { authorization: `Bearer ${services.tenant.key}` } }, 'oops');
    services.logger.info({ apiKey: services.tenant.key }, 'oops');
    expect(services.logLines.join('').includes(services.tenant.key.slice(16))).toBe(false);
  });
});
