import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { awaitCondition } from '../support/await-condition.js';
import { startFakeLmsPlatform, type FakeLmsPlatform } from '../support/fake-lms-platform.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

let services: TestServices;
let apiServer: Server;
let lms: FakeLmsPlatform;

beforeAll(async () => {
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
  apiServer = services.app.listen(0, '127.0.0.1');
  await new Promise((resolve) => apiServer.once('listening', resolve));
  const port = (apiServer.address() as AddressInfo).port;
  // The platform reads the tool's keys from the API itself, as a real LMS would.
  lms = await startFakeLmsPlatform({
    toolJwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
  });
  services.startIntegrationWorkers();
});

afterAll(async () => {
  await services.close();
  await lms.close();
  apiServer.closeAllConnections();
  await new Promise((resolve) => apiServer.close(resolve));
});

describe('LTI 1.3 grade passback', () => {
  it('publishes the tool JWKS without authentication and without private parts', async () => {
    const jwks = await request(services.app).get('/.well-known/jwks.json').expect(200);
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({
      kty: 'RSA',
      alg: 'RS256',
      use: 'sig',
      kid: expect.any(String),
    });
    expect(jwks.body.keys[0]).not.toHaveProperty('d');
  });

  it('posts Pending on acceptance, then exactly one FullyGraded per graded attempt and Failed for a not-gradable one', async () => {
    await services.api
      .put('/v1/lti/platform')
      .send({
        issuer: lms.issuer,
        clientId: lms.clientId,
        deploymentId: 'deployment-1',
        tokenEndpoint: lms.tokenEndpoint,
        platformJwksUrl: lms.jwksUrl,
      })
      .expect(200);
    const lineItemUrl = lms.lineItemUrl('lesson-1');
    const graded = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ learnerId: 'learner-a', lti: { lineItemUrl, userId: 'lti-user-a' } }))
      .expect(202);
    const failing = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ learnerId: 'lti-user-b', lti: { lineItemUrl } }))
      .expect(202);
    await awaitCondition('both Pending scores', () =>
      lms.acceptedScores('lesson-1').length === 2 ? true : undefined,
    );
    for (const score of lms.acceptedScores('lesson-1')) {
      expect(score).toMatchObject({ gradingProgress: 'Pending', activityProgress: 'Submitted' });
      expect(score).not.toHaveProperty('scoreGiven');
    }
    // The userId falls back to the learnerId when the attempt names none.
    expect(
      lms
        .acceptedScores('lesson-1')
        .map((score) => score.userId)
        .sort(),
    ).toEqual(['lti-user-a', 'lti-user-b']);

    // The LMS has a bad minute: the next two posts get 503 and are retried with back-off.
    lms.failNextScorePosts(2);
    expect(
      await services.attempts.markNotGradable(failing.body.id, 'cluster unreachable', new Date()),
    ).toBe(true);
    services.startWorker();
    const result = await awaitCondition('the final scores', () => {
      const scores = lms.acceptedScores('lesson-1');
      const final = scores.filter((score) => score.gradingProgress !== 'Pending');
      return final.length === 2 ? scores : undefined;
    });
    const attempt = await services.attempts.find(graded.body.id);
    const fullyGraded = result.filter((score) => score.gradingProgress === 'FullyGraded');
    expect(fullyGraded).toEqual([
      {
        userId: 'lti-user-a',
        scoreGiven: attempt?.score,
        scoreMaximum: attempt?.maxScore,
        activityProgress: 'Completed',
        gradingProgress: 'FullyGraded',
        timestamp: expect.stringMatching(/\.\d{3}Z$/),
      },
    ]);
    const failed = result.filter((score) => score.gradingProgress === 'Failed');
    expect(failed).toHaveLength(1);
    expect(failed[0]).toMatchObject({ userId: 'lti-user-b', activityProgress: 'Submitted' });
    expect(failed[0]).not.toHaveProperty('scoreGiven');
    for (const user of ['lti-user-a', 'lti-user-b']) {
      const times = result
        .filter((score) => score.userId === user)
        .map((score) => Date.parse(score.timestamp));
      expect(times[1]).toBeGreaterThan(times[0]!);
    }
    expect(lms.scoreRequests.filter((entry) => entry.status === 409)).toEqual([]);
    expect(lms.scoreRequests.filter((entry) => entry.status === 503)).toHaveLength(2);
    // One token served every post: it is cached until it expires.
    expect(lms.tokenRequests).toEqual([{ status: 200 }]);

    const log = await awaitCondition('the passback log', async () => {
      const read = await services.api.get('/v1/lti/score-posts').expect(200);
      const posts = read.body.data as Array<{ status: string; tries: number; id: string }>;
      return posts.length === 4 && posts.every((post) => post.status === 'sent')
        ? posts
        : undefined;
    });
    expect(log.reduce((sum, post) => sum + post.tries, 0)).toBe(6);
    const retried = log.find((post) => post.tries > 1)!;
    const detail = await services.api.get(`/v1/lti/score-posts/${retried.id}`).expect(200);
    expect(detail.body.log[0]).toMatchObject({
      statusCode: 503,
      succeeded: false,
      error: 'platform answered 503',
    });
  });

  it('keeps the registration to its tenant and refuses a token endpoint the guard refuses', async () => {
    const other = await services.createTenantWithKey();
    const missing = await other.api.get('/v1/lti/platform').expect(404);
    expect(missing.body.error.code).toBe('LTI_PLATFORM_NOT_REGISTERED');
    expect((await other.api.get('/v1/lti/score-posts').expect(200)).body.data).toEqual([]);
    const refused = await other.api
      .put('/v1/lti/platform')
      .send({
        issuer: 'https://lms.example.edu',
        clientId: 'c',
        deploymentId: 'd',
        tokenEndpoint: 'https://169.254.169.254/token',
        platformJwksUrl: 'https://lms.example.edu/jwks',
      })
      .expect(422);
    expect(refused.body.error.code).toBe('INTEGRATION_URL_REFUSED');
  });
});
