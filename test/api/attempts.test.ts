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
let quizQuestionId: string;

beforeAll(async () => {
  // The first-pod manifest checks and quiz without its cluster checks: no cluster here.
  services = await openFixtureGradingServices();
  const definition = await services.api
    .get(`/v1/assessments/${manifestOnlyAssessmentId}`)
    .expect(200);
  quizQuestionId = definition.body.quiz[0].id;
});

afterAll(async () => {
  await services.close();
});

async function submitAndWait(body: Record<string, unknown>) {
  const posted = await postAndAwaitGrading(services, body);
  const read = await services.api.get(`/v1/attempts/${posted.id}`).expect(200);
  return read.body;
}

function pointsLost(result: { checks: Array<{ id: string; points: number; maxPoints: number }> }) {
  return result.checks.filter((check) => check.points < check.maxPoints).map((check) => check.id);
}

describe('POST /v1/attempts then GET /v1/attempts/:id', () => {
  it('answers 202 with the id and a Location to read it at', async () => {
    const response = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    expect(response.body.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers.location).toBe(`/v1/attempts/${response.body.id}`);
  });

  it('grades the reference manifest and a full quiz answer with full marks, every check passed', async () => {
    const result = await submitAndWait(
      attemptBody({ answers: { [quizQuestionId]: bothConceptsAnswer } }),
    );
    expect(result.status).toBe('graded');
    expect(result.checks.length).toBeGreaterThanOrEqual(7);
    for (const check of result.checks) {
      expect(check).toEqual(
        expect.objectContaining({
          outcome: 'passed',
          points: check.maxPoints,
          message: expect.any(String),
        }),
      );
    }
    const checkPoints = result.checks.reduce(
      (sum: number, c: { maxPoints: number }) => sum + c.maxPoints,
      0,
    );
    const quizPoints = result.quiz.reduce(
      (sum: number, q: { maxPoints: number }) => sum + q.maxPoints,
      0,
    );
    expect(result.maxScore).toBe(checkPoints + quizPoints);
    expect(result.score).toBe(result.maxScore);
    expect(result.passed).toBe(true);
  });

  it('takes exactly the port check points for containerPort 8080', async () => {
    const reference = await submitAndWait(attemptBody());
    const result = await submitAndWait(
      attemptBody({
        manifest: referenceManifest.replace('containerPort: 80', 'containerPort: 8080'),
      }),
    );
    expect(pointsLost(result)).toHaveLength(1);
    const portCheck = result.checks.find(
      (check: { points: number; maxPoints: number }) => check.points < check.maxPoints,
    );
    expect(portCheck.outcome).toBe('failed');
    expect(portCheck.message).toContain('8080');
    expect(result.score).toBe(reference.score - portCheck.maxPoints);
  });

  it('takes exactly the label check points when the app=web label is missing', async () => {
    const reference = await submitAndWait(attemptBody());
    const withoutLabel = referenceManifest.replace(/\n\s+labels:\n\s+app: web/, '');
    expect(withoutLabel).not.toContain('app: web');
    const result = await submitAndWait(attemptBody({ manifest: withoutLabel }));
    const lost = result.checks.filter(
      (check: { points: number; maxPoints: number }) => check.points < check.maxPoints,
    );
    expect(lost).toHaveLength(1);
    expect(lost[0].message).toMatch(/app/);
    expect(result.score).toBe(reference.score - lost[0].maxPoints);
  });

  it('says 404 for an attempt id that does not exist, and for one that is not a uuid', async () => {
    const missing = await services.api
      .get('/v1/attempts/7f1d1c1e-6e5b-4d4f-9d9a-0c2b8f7a1e11')
      .expect(404);
    expect(missing.body.error.code).toBe('ATTEMPT_NOT_FOUND');
    await services.api.get('/v1/attempts/not-a-uuid').expect(404);
  });

  it('answers a poller that sends the ETag back 304 until the attempt changes', async () => {
    const posted = await postAndAwaitGrading(services, attemptBody());
    const poll = (etag?: string) => {
      const get = services.api.get(`/v1/attempts/${posted.id}`);
      return etag === undefined ? get : get.set('If-None-Match', etag);
    };
    let etag = (await poll().expect(200)).headers.etag as string;
    let again = await poll(etag);
    // The feedback link is reissued every few minutes: a poll may fall just after a new one.
    if (again.status === 200) {
      etag = again.headers.etag as string;
      again = await poll(etag);
    }
    expect(again.status).toBe(304);
    expect(again.text).toBe('');

    // A regrade or an override changes what the attempt says: the poller gets it whole.
    await services.prisma.attempt.update({ where: { id: posted.id }, data: { passed: false } });
    const changed = await poll(etag).expect(200);
    expect(changed.body.passed).toBe(false);
    expect(changed.headers.etag).not.toBe(etag);
  });
});

describe('the quiz', () => {
  async function quizResult(answer: string) {
    const result = await submitAndWait(attemptBody({ answers: { [quizQuestionId]: answer } }));
    return result.quiz.find((q: { questionId: string }) => q.questionId === quizQuestionId);
  }

  it('gives full points when both causes are named, and stores the matched concepts', async () => {
    const quiz = await quizResult(bothConceptsAnswer);
    expect(quiz.points).toBe(quiz.maxPoints);
    expect(quiz.matchedConcepts).toHaveLength(2);
    // The rubric's words for a correct answer, then what the grader found.
    expect(quiz.feedback).toMatch(
      /^Both usual suspects named; the Events section tells you which one it is\. Your answer covers every expected point: /,
    );
    const stored = await services.prisma.quizAnswer.findMany({
      where: { questionId: quizQuestionId },
    });
    expect(
      stored.some((row) => row.matchedConcepts.length === 2 && row.answer === bothConceptsAnswer),
    ).toBe(true);
  });

  it('gives half the points for one cause', async () => {
    const quiz = await quizResult(schedulingOnlyAnswer);
    expect(quiz.points).toBe(quiz.maxPoints / 2);
    expect(quiz.matchedConcepts).toHaveLength(1);
    expect(quiz.feedback).toMatch(
      /^One of the two usual causes is there; .* 1 more expected point is missing\.$/,
    );
  });

  it('gives nothing when neither cause is named', async () => {
    const quiz = await quizResult(noConceptAnswer);
    expect(quiz.points).toBe(0);
    expect(quiz.matchedConcepts).toEqual([]);
    expect(quiz.feedback).toMatch(
      /^A Pending Pod is stuck either before it gets a node or before its image is on that node\. /,
    );
  });

  it("carries the rubric's feedback for the choices made", async () => {
    const result = await submitAndWait({
      assessmentId: 'choice-quiz',
      learnerId: 'learner-choices',
      manifest: referenceManifest,
      answers: { 'core-api-version': 'v1', 'pending-reasons': ['no-capacity', 'crash'] },
    });
    const feedbackOf = (id: string) =>
      result.quiz.find((entry: { questionId: string }) => entry.questionId === id)?.feedback;
    expect(feedbackOf('core-api-version')).toBe('Correct.');
    expect(feedbackOf('pending-reasons')).toBe(
      'Think about what happens before the container starts. 1 of 2 correct choices picked, 1 wrong choice picked.',
    );
    // Nothing chosen for the third question: the grader says so.
    expect(feedbackOf('pod-shares')).toBe('No choice was made.');
  });
});

describe('bad input', () => {
  it('refuses YAML that does not parse with 422, a stable code and the line', async () => {
    const broken = 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: my-pod\n   labels: [oops\n';
    const response = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ manifest: broken }))
      .expect(422);
    expect(response.body.error.code).toBe('MANIFEST_INVALID_YAML');
    expect(response.body.error.details.line).toEqual(expect.any(Number));
    expect(response.body.error.details.line).toBeGreaterThanOrEqual(4);
    expect(response.body.error.message).toEqual(expect.any(String));
  });

  it('answers 404 ASSESSMENT_NOT_FOUND for an unknown assessment', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ assessmentId: 'no-such-lesson' }))
      .expect(404);
    expect(response.body.error.code).toBe('ASSESSMENT_NOT_FOUND');
  });

  it('answers 413 BODY_TOO_LARGE for a body over the limit', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ manifest: 'x'.repeat(300 * 1024) }))
      .expect(413);
    expect(response.body.error.code).toBe('BODY_TOO_LARGE');
  });

  it('answers 415 UNSUPPORTED_MEDIA_TYPE for a body that is not JSON', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .set('Content-Type', 'text/plain')
      .send(`assessmentId=${manifestOnlyAssessmentId}`)
      .expect(415);
    expect(response.body.error.code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('answers 400 BODY_NOT_JSON for malformed JSON and 400 VALIDATION_FAILED naming missing fields', async () => {
    const malformed = await services.api
      .post('/v1/attempts')
      .set('Content-Type', 'application/json')
      .send('{"assessmentId": ')
      .expect(400);
    expect(malformed.body.error.code).toBe('BODY_NOT_JSON');
    const missing = await services.api
      .post('/v1/attempts')
      .send({ assessmentId: manifestOnlyAssessmentId })
      .expect(400);
    expect(missing.body.error.code).toBe('VALIDATION_FAILED');
    const paths = missing.body.error.details.issues.map((issue: { path: string }) => issue.path);
    expect(paths).toEqual(expect.arrayContaining(['learnerId', 'manifest']));
  });

  it('stores nothing when an attempt is refused', async () => {
    const before = await services.prisma.attempt.count();
    await services.api
      .post('/v1/attempts')
      .send(attemptBody({ manifest: 'a: [' }))
      .expect(422);
    await services.api
      .post('/v1/attempts')
      .send(attemptBody({ assessmentId: 'nope' }))
      .expect(404);
    expect(await services.prisma.attempt.count()).toBe(before);
  });

  it('answers unknown routes with 404 ROUTE_NOT_FOUND in the error shape', async () => {
    const response = await services.api.get('/v1/nothing-here').expect(404);
    expect(response.body).toEqual({
      error: { code: 'ROUTE_NOT_FOUND', message: expect.any(String), details: {} },
    });
  });
});

describe('Idempotency-Key', () => {
  it('returns the first attempt again for a repeated request and stores it once', async () => {
    const key = `key-${Date.now()}`;
    const first = await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody())
      .expect(202);
    const second = await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody())
      .expect(202);
    expect(second.body.id).toBe(first.body.id);
    expect(await services.prisma.attempt.count({ where: { idempotencyKey: key } })).toBe(1);
  });

  it('refuses the same key with a different body', async () => {
    const key = `key-other-${Date.now()}`;
    await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody())
      .expect(202);
    const reused = await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', key)
      .send(attemptBody({ learnerId: 'someone-else' }))
      .expect(422);
    expect(reused.body.error.code).toBe('IDEMPOTENCY_KEY_REUSED');
  });
});
