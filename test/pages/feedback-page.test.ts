import request from 'supertest';
import { createLinkSigner } from '../../src/links/signed-links.js';
import type { TestServices } from '../support/test-services.js';
import { openFixtureGradingServices, postAndAwaitGrading } from '../support/graded-attempts.js';
import { attemptBody, schedulingOnlyAnswer } from '../support/first-pod-fixtures.js';

let services: TestServices;

beforeAll(async () => {
  services = await openFixtureGradingServices();
});

afterAll(async () => {
  await services.close();
});

async function gradedAttempt(body = attemptBody()) {
  return postAndAwaitGrading(services, body);
}

describe('the learner feedback page', () => {
  it('is linked from POST and GET with a signed link, and shows score, checks, hints and the quiz', async () => {
    const wrongPort = attemptBody({
      manifest: (attemptBody().manifest as string).replace(
        'containerPort: 80',
        'containerPort: 8080',
      ),
      answers: { 'pending-causes': schedulingOnlyAnswer },
    });
    const posted = await gradedAttempt(wrongPort);
    expect(posted.feedbackUrl).toMatch(/^\/feedback\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const read = await services.api.get(`/v1/attempts/${posted.id}`).expect(200);
    expect(read.body.feedbackUrl).toMatch(/^\/feedback\//);

    const page = await request(services.app).get(posted.feedbackUrl).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const html = page.text;
    expect(html).toContain('<main id="main"');
    expect(html).toMatch(/<h1>Your first Pod<\/h1>/);
    expect(html).toMatch(/data-check="container-port-80"\s+data-outcome="failed"/);
    expect(html).toContain('nginx listens on port 80');
    expect(html).toContain('Hint:');
    // The quiz with its prompt, the learner's answer and the feedback for a partial answer.
    expect(html).toContain('what are the two most likely causes?');
    expect(html).toContain('Your answer:');
    expect(html).toContain('One of the two usual causes is there');
    expect(html).toContain('What to do next');
    // A finished attempt has nothing to follow: no script, no refresh.
    expect(html).not.toContain('/assets/feedback.js');
    expect(html).not.toContain('http-equiv="refresh"');
  });

  it('escapes what learners wrote', async () => {
    const posted = await gradedAttempt(
      attemptBody({ answers: { 'pending-causes': '<script>alert(1)</script> ErrImagePull' } }),
    );
    const page = await request(services.app).get(posted.feedbackUrl).expect(200);
    expect(page.text).not.toContain('<script>alert(1)</script>');
    expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('refuses a tampered, expired or foreign-key link with a page saying so, and no attempt data', async () => {
    const posted = await gradedAttempt();
    const token = posted.feedbackUrl.split('/').pop()!;
    const [header, payload, signature] = token.split('.');
    const tampered = `${header}.${payload}.${signature!.slice(0, -2)}${signature!.endsWith('AA') ? 'BB' : 'AA'}`;
    const refused = await request(services.app).get(`/feedback/${tampered}`).expect(403);
    expect(refused.text).toContain('This link is not valid');
    expect(refused.text).not.toContain(posted.id);

    const otherKey = createLinkSigner({
      key: Buffer.alloc(32, 1),
      feedbackTtlSeconds: 60,
      instructorTtlSeconds: 60,
    });
    const foreign = await otherKey.feedbackToken(posted.id);
    await request(services.app).get(`/feedback/${foreign.token}`).expect(403);

    const old = await services.links.feedbackToken(posted.id, new Date(Date.now() - 2 * 3600_000));
    const expired = await request(services.app).get(`/feedback/${old.token}`).expect(403);
    expect(expired.text).toContain('This link has expired');

    // An instructor link is not a feedback link, even though both are signed by the API.
    const instructor = await services.links.instructorToken({
      tenantId: 't',
      assessmentId: 'manifest-only-pod',
      instructor: 'teacher',
    });
    await request(services.app).get(`/feedback/${instructor.token}`).expect(403);
  });

  it('serves its stylesheet and script from the API itself', async () => {
    const css = await request(services.app).get('/assets/kubegrade.css').expect(200);
    expect(css.headers['content-type']).toMatch(/^text\/css/);
    const script = await request(services.app).get('/assets/feedback.js').expect(200);
    expect(script.headers['content-type']).toMatch(/^text\/javascript/);
    expect(script.text).toContain('EventSource');
  });

  it('streams a finished attempt once over Server-Sent Events, then says done', async () => {
    const posted = await gradedAttempt();
    const events = await request(services.app).get(`${posted.feedbackUrl}/events`).expect(200);
    expect(events.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(events.text).toContain('event: update');
    expect(events.text).toContain('"status":"graded"');
    expect(events.text).toContain('event: done');
  });
});
