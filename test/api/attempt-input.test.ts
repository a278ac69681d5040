/**
 * What POST /v1/attempts refuses before anything is stored, and grading without a cluster when
 * the request asks for it. Runs against the real lesson (first-pod: manifest, cluster and quiz
 * checks) with a worker, and no cluster.
 */
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';
import { bothConceptsAnswer, referenceManifest } from '../support/first-pod-fixtures.js';
import { atServer } from '../security/hostile-inputs.js';

let services: TestServices;

beforeAll(async () => {
  services = await openTestServices();
  services.startWorker();
});

afterAll(async () => {
  await services.close();
});

function lessonBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    assessmentId: 'first-pod',
    learnerId: 'learner-input',
    manifest: referenceManifest,
    answers: { 'pending-causes': bothConceptsAnswer },
    gradeWithoutCluster: true,
    ...overrides,
  };
}

async function expectNothingStored() {
  expect(await services.prisma.attempt.count()).toBe(0);
  expect(await services.queue.getJobCountByTypes('waiting', 'prioritized', 'delayed')).toBe(0);
}

describe('text that PostgreSQL cannot store, or that is not Unicode', () => {
  it.each([
    [
      'a NUL in the manifest',
      { manifest: `${referenceManifest}\u0000` },
      'manifest',
      'NUL_CHARACTER',
    ],
    [
      'a NUL in an answer',
      { answers: { 'pending-causes': 'a\u0000b' } },
      'answers.pending-causes',
      'NUL_CHARACTER',
    ],
    [
      'a lone surrogate in an answer key',
      { answers: { 'pending\ud800': 'x' } },
      'answers.pending\ufffd',
      'LONE_SURROGATE',
    ],
    [
      'a NUL in an answer list',
      { answers: { 'pending-causes': ['a', '\u0000'] } },
      'answers.pending-causes.1',
      'NUL_CHARACTER',
    ],
    ['a NUL in the learner id', { learnerId: 'l\u0000' }, 'learnerId', 'NUL_CHARACTER'],
    [
      'a lone low surrogate in the course id',
      { courseId: '\udc00k8s' },
      'courseId',
      'LONE_SURROGATE',
    ],
    [
      'a lone high surrogate in the assessment id',
      { assessmentId: 'first-pod\ud83d' },
      'assessmentId',
      'LONE_SURROGATE',
    ],
    [
      'a NUL in the kubeconfig',
      {
        gradeWithoutCluster: undefined,
        cluster: { kubeconfig: `${atServer('https://127.0.0.1:9')}\u0000` },
      },
      'cluster.kubeconfig',
      'NUL_CHARACTER',
    ],
  ])(
    '%s: 422 INPUT_INVALID_TEXT with its path, nothing stored',
    async (_name, overrides, path, reason) => {
      const response = await services.api.post('/v1/attempts').send(lessonBody(overrides));
      expect(response.status).toBe(422);
      expect(response.body.error).toEqual(
        expect.objectContaining({ code: 'INPUT_INVALID_TEXT', details: { path, reason } }),
      );
      await expectNothingStored();
    },
  );

  it('accepts a well-formed surrogate pair (an emoji) in the same places', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .send(lessonBody({ answers: { 'pending-causes': 'ErrImagePull \ud83d\ude00' } }));
    expect(response.status).toBe(202);
    const attempt = await waitForFinishedAttempt(services.attempts, response.body.id);
    expect(attempt.answers).toEqual({ 'pending-causes': 'ErrImagePull \ud83d\ude00' });
    await services.prisma.attempt.deleteMany({});
  });
});

describe('answers to questions the assessment does not have', () => {
  it('answers 422 ANSWER_INVALID naming the id, and stores nothing', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .send(lessonBody({ answers: { 'pending-causes': 'x', 'core-api-version': 'v1' } }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('ANSWER_INVALID');
    expect(response.body.error.details).toEqual({
      questionId: 'core-api-version',
      reason: 'UNKNOWN_QUESTION',
    });
    expect(response.body.error.message).toContain('"core-api-version"');
    await expectNothingStored();
  });
});

describe('a lesson with cluster checks and no cluster', () => {
  it('is refused with 422 CLUSTER_REQUIRED listing the cluster checks, nothing stored', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .send(lessonBody({ gradeWithoutCluster: undefined }));
    expect(response.status).toBe(422);
    expect(response.body.error.code).toBe('CLUSTER_REQUIRED');
    expect(response.body.error.details).toEqual({
      assessmentId: 'first-pod',
      clusterChecks: expect.arrayContaining(['pod-running', 'pod-deleted-not-recreated']),
    });
    await expectNothingStored();

    const refusedFalse = await services.api
      .post('/v1/attempts')
      .send(lessonBody({ gradeWithoutCluster: false }));
    expect(refusedFalse.body.error?.code).toBe('CLUSTER_REQUIRED');
    await expectNothingStored();
  });

  it('with gradeWithoutCluster: true is graded, cluster checks skipped at 0 points, and the view says so', async () => {
    const posted = await services.api.post('/v1/attempts').send(lessonBody()).expect(202);
    await waitForFinishedAttempt(services.attempts, posted.body.id);
    const view = (await services.api.get(`/v1/attempts/${posted.body.id}`).expect(200)).body as {
      status: string;
      gradeWithoutCluster: boolean;
      score: number;
      maxScore: number;
      passed: boolean;
      notGradableReason: string | null;
      checks: Array<{
        id: string;
        outcome: string;
        points: number;
        maxPoints: number;
        message: string;
      }>;
    };
    const assessment = services.catalog.get('first-pod')!;
    const clusterCheckIds = assessment.checks
      .filter((check) => check.kind !== 'manifest')
      .map((check) => check.id);
    const skipped = view.checks.filter((check) => check.outcome === 'skipped');

    expect(view.status).toBe('graded');
    expect(view.notGradableReason).toBeNull();
    expect(view.gradeWithoutCluster).toBe(true);
    expect(skipped.map((check) => check.id)).toEqual(clusterCheckIds);
    for (const check of skipped) {
      expect(check.points).toBe(0);
      expect(check.message).toMatch(/without a cluster/);
    }
    // Every manifest check and the quiz were graded as usual: full marks on those.
    const notSkipped = view.checks.filter((check) => check.outcome !== 'skipped');
    expect(notSkipped.every((check) => check.outcome === 'passed')).toBe(true);
    const skippedPoints = skipped.reduce((sum, check) => sum + check.maxPoints, 0);
    expect(view.maxScore).toBe(assessment.maxScore);
    expect(view.score).toBe(assessment.maxScore - skippedPoints);
    expect(view.passed).toBe(view.score >= assessment.passingScore * assessment.maxScore);
    // Graded in one run: a skipped check is not a fault to retry.
    const stored = await services.attempts.find(posted.body.id);
    expect(stored?.gradingRuns).toBe(1);
  });

  it('refuses gradeWithoutCluster together with a cluster', async () => {
    const response = await services.api
      .post('/v1/attempts')
      .send(lessonBody({ cluster: { kubeconfig: atServer('https://127.0.0.1:9') } }));
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('VALIDATION_FAILED');
    expect(response.body.error.details.issues).toEqual([
      expect.objectContaining({ path: 'gradeWithoutCluster' }),
    ]);
  });
});
