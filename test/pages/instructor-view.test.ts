import { randomUUID } from 'node:crypto';
import request from 'supertest';
import type { TestServices } from '../support/test-services.js';
import { openFixtureGradingServices, postAndAwaitGrading } from '../support/graded-attempts.js';
import {
  attemptBody,
  bothConceptsAnswer,
  manifestOnlyAssessmentId,
  noConceptAnswer,
  referenceManifest,
  schedulingOnlyAnswer,
} from '../support/first-pod-fixtures.js';

let services: TestServices;
const submitted: string[] = [];

/** The table row (up to its </tr>) that carries `attribute="value"`. */
function rowOf(page: string, attribute: string, value: string): string {
  const start = page.indexOf(`${attribute}="${value}"`);
  if (start < 0) throw new Error(`no ${attribute}="${value}" on the page`);
  return page.slice(start, page.indexOf('</tr>', start));
}

/** The page with every run of white space as one space, so layout changes do not matter. */
function squash(page: string): string {
  return page.replace(/\s+/g, ' ');
}

const wrongPort = referenceManifest.replace('containerPort: 80', 'containerPort: 8080');

async function submit(body: Record<string, unknown>, api = services.api): Promise<string> {
  const { id } = await postAndAwaitGrading(services, body, api);
  submitted.push(id);
  return id;
}

beforeAll(async () => {
  services = await openFixtureGradingServices();
  // learner-1 (k8s-101): a wrong port first, then everything right.
  await submit(
    attemptBody({ manifest: wrongPort, answers: { 'pending-causes': schedulingOnlyAnswer } }),
  );
  await submit(attemptBody({ answers: { 'pending-causes': bothConceptsAnswer } }));
  // learner-2 (k8s-202): the same wrong answer twice, written differently.
  await submit(
    attemptBody({
      learnerId: 'learner-2',
      courseId: 'k8s-202',
      manifest: wrongPort,
      answers: { 'pending-causes': noConceptAnswer },
    }),
  );
  await submit(
    attemptBody({
      learnerId: 'learner-2',
      courseId: 'k8s-202',
      answers: { 'pending-causes': `  ${noConceptAnswer.toUpperCase()} ` },
    }),
  );
  // learner-3 (k8s-101): one attempt the worker could not grade (its cluster was unreachable).
  const stuck = randomUUID();
  await services.attempts.insert({
    id: stuck,
    tenantId: services.tenant.tenantId,
    assessment: {
      id: manifestOnlyAssessmentId,
      version: '1.0.0',
      contentHash: 'c'.repeat(64),
      title: 'Your first Pod',
      source: `id: ${manifestOnlyAssessmentId}`,
    },
    queueName: `${services.queueName}-elsewhere`,
    learnerId: 'learner-3',
    courseId: 'k8s-101',
    manifest: referenceManifest,
    answers: {},
    clusterSecret: undefined,
    gradeWithoutCluster: false,
    idempotencyKey: undefined,
    requestHash: 'd'.repeat(64),
  });
  await services.attempts.markNotGradable(
    stuck,
    'The cluster API did not answer (connect ECONNREFUSED).',
    new Date(),
    'CLUSTER_UNREACHABLE',
  );
  // Another tenant's learner, who must never show up.
  const other = await services.createTenantWithKey({ name: 'other-school' });
  await submit(attemptBody({ learnerId: 'someone-else' }), other.api);
});

afterAll(async () => {
  await services.close();
});

async function instructorLink(body: Record<string, unknown>): Promise<string> {
  const response = await services.api.post('/v1/instructor-links').send(body).expect(201);
  expect(new Date(response.body.expiresAt).getTime()).toBeGreaterThan(Date.now());
  return response.body.url as string;
}

describe('the instructor view', () => {
  it('is opened by a signed link issued to a results:read key, never by the key itself', async () => {
    const url = await instructorLink({
      assessmentId: manifestOnlyAssessmentId,
      instructor: 'ms-k',
    });
    expect(url).toMatch(/^\/instructor\/[\w-]+\.[\w-]+\.[\w-]+$/);
    const page = await request(services.app).get(url).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.text).not.toContain(services.tenant.key);
    expect(page.text).not.toContain('<script');

    const submitter = await services.createTenantWithKey({ scopes: ['attempts:write'] });
    const refused = await submitter.api
      .post('/v1/instructor-links')
      .send({ assessmentId: manifestOnlyAssessmentId, instructor: 'ms-k' })
      .expect(403);
    expect(refused.body.error.code).toBe('FORBIDDEN_SCOPE');
    const unknown = await services.api
      .post('/v1/instructor-links')
      .send({ assessmentId: 'no-such-lesson', instructor: 'ms-k' })
      .expect(404);
    expect(unknown.body.error.code).toBe('ASSESSMENT_NOT_FOUND');

    // A learner's feedback link does not open it, nor does a tampered one.
    const feedback = await services.links.feedbackToken(submitted[0] as string);
    await request(services.app).get(`/instructor/${feedback.token}`).expect(403);
    const expired = await services.links.instructorToken(
      {
        tenantId: services.tenant.tenantId,
        assessmentId: manifestOnlyAssessmentId,
        instructor: 'x',
      },
      new Date(Date.now() - 9 * 3600_000),
    );
    const old = await request(services.app).get(`/instructor/${expired.token}`).expect(403);
    expect(old.text).toContain('This link has expired');
  });

  it("shows the tenant's results: best and latest per learner, pass rate per check, quiz and not gradable", async () => {
    const url = await instructorLink({
      assessmentId: manifestOnlyAssessmentId,
      instructor: 'ms-k',
    });
    const page = (await request(services.app).get(url).expect(200)).text;

    expect(page).toMatch(/data-figure="attempts">5</);
    expect(page).toMatch(/data-figure="learners">3</);
    expect(page).not.toContain('someone-else');

    // Pass rate per check, as the stored results of the four graded attempts say.
    const graded = await Promise.all(
      submitted.slice(0, 4).map(async (id) => (await services.attempts.find(id))!),
    );
    const checkIds = graded[0]!.checks.map((check) => check.id);
    for (const checkId of checkIds) {
      const outcomes = graded.map((a) => a.checks.find((c) => c.id === checkId)!.outcome);
      const passed = outcomes.filter((outcome) => outcome === 'passed').length;
      const decided = outcomes.filter((outcome) => outcome === 'passed' || outcome === 'failed');
      const rate = Math.round((passed / decided.length) * 100);
      expect(page).toContain(`<li data-check="${checkId}" data-pass-rate="${rate}">`);
      expect(rowOf(page, '<tr data-check', checkId)).toContain(`<td>${rate}%</td>`);
    }
    expect(page).toContain('data-check="container-port-80" data-pass-rate="50"');

    // Quiz: how many answers named each concept, and the commonest answers short of full points.
    const text = squash(page);
    expect(text).toContain(
      'The Pod cannot be scheduled because no node has enough CPU or memory: 2 of 4 answers (50%)',
    );
    expect(text).toContain(`<q>${noConceptAnswer.toLowerCase()}</q> — 2 times`);
    expect(text).toContain(`<q>${schedulingOnlyAnswer.toLowerCase()}</q> — 1 time`);
    expect(text).not.toContain(bothConceptsAnswer.toLowerCase());

    // One of five finished attempts could not be graded, and why.
    expect(text).toContain('data-figure="not-gradable"> 1 of 5 finished (20%)');
    const reason = rowOf(page, 'data-code', 'CLUSTER_UNREACHABLE');
    expect(reason).toContain('<td>1</td>');
    expect(reason).toContain('connect ECONNREFUSED');

    // learner-1: best is the later, full-marks attempt; learner-3 has none graded.
    const first = await services.attempts.find(submitted[1] as string);
    const learner1 = rowOf(page, 'data-learner', 'learner-1');
    expect(learner1).toContain(`data-best="${Number(first!.score)}"`);
    expect(learner1).toContain(`data-latest="${submitted[1]}"`);
    expect(learner1).toMatch(/<td>2<\/td>/);
    // Each attempt links to the learner's own feedback page.
    const feedbackUrl = /data-latest="[^"]+"><strong[^]*?href="(\/feedback\/[^"]+)"/.exec(
      learner1,
    )?.[1];
    expect(feedbackUrl).toBeDefined();
    const feedback = await request(services.app).get(feedbackUrl!).expect(200);
    expect(feedback.text).toContain('Attempt by learner-1');
    const learner3 = rowOf(page, 'data-learner', 'learner-3');
    expect(learner3).toContain('none graded');
    expect(learner3).toContain('not gradable');
  });

  it('narrows by course, dates and rubric version with a GET form, and a course link stays in its course', async () => {
    const url = await instructorLink({
      assessmentId: manifestOnlyAssessmentId,
      instructor: 'ms-k',
    });
    const all = (await request(services.app).get(url).expect(200)).text;
    expect(all).toContain('<form class="filters" method="get"');
    expect(all).toContain('<option value="k8s-202"');
    expect(all).toContain('<option value="1.0.0"');

    const course = (await request(services.app).get(`${url}?course=k8s-202`).expect(200)).text;
    expect(course).toMatch(/data-figure="learners">1</);
    expect(course).toContain('data-learner="learner-2"');
    expect(course).not.toContain('data-learner="learner-1"');
    expect(course).toContain('<option value="k8s-202" selected');

    const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
    const future = (await request(services.app).get(`${url}?from=${tomorrow}`).expect(200)).text;
    expect(future).toMatch(/data-figure="attempts">0</);
    const today = new Date().toISOString().slice(0, 10);
    const upToToday = (await request(services.app).get(`${url}?to=${today}`).expect(200)).text;
    expect(upToToday).toMatch(/data-figure="attempts">5</);
    const otherVersion = (await request(services.app).get(`${url}?version=9.9.9`).expect(200)).text;
    expect(otherVersion).toMatch(/data-figure="attempts">0</);
    // A malformed date is ignored rather than an error: it came from a browser form.
    const malformed = (await request(services.app).get(`${url}?from=yesterday`).expect(200)).text;
    expect(malformed).toMatch(/data-figure="attempts">5</);

    const courseUrl = await instructorLink({
      assessmentId: manifestOnlyAssessmentId,
      courseId: 'k8s-101',
      instructor: 'mr-t',
    });
    const scoped = (await request(services.app).get(`${courseUrl}?course=k8s-202`).expect(200))
      .text;
    expect(scoped).toContain('Course: <strong>k8s-101</strong>');
    expect(scoped).toContain('data-learner="learner-1"');
    expect(scoped).not.toContain('data-learner="learner-2"');
  });
});
