import request from 'supertest';
import { openTestServices, testAdminToken, type TestServices } from '../support/test-services.js';
import { attemptBody, fixtureAssessmentsDirectory } from '../support/first-pod-fixtures.js';

/** No worker runs here: attempts stay queued, in the order they were submitted. */
let services: TestServices;

beforeAll(async () => {
  services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
});

afterAll(async () => {
  await services.close();
});

it('shows a queued attempt its received time and its place in the queue', async () => {
  const ids: string[] = [];
  for (let index = 0; index < 3; index += 1) {
    const response = await services.api
      .post('/v1/attempts')
      .send(attemptBody({ learnerId: `learner-${index}` }))
      .expect(202);
    ids.push(response.body.id);
  }
  const views = await Promise.all(
    ids.map(async (id) => (await services.api.get(`/v1/attempts/${id}`).expect(200)).body),
  );
  expect(views.map((view) => view.queuePosition)).toEqual([1, 2, 3]);
  for (const view of views) {
    expect(view.status).toBe('queued');
    expect(Number.isNaN(Date.parse(view.receivedAt))).toBe(false);
    expect(view.startedAt).toBeNull();
    expect(view.finishedAt).toBeNull();
  }
});

it('serves the queue dashboard only with the admin token', async () => {
  const anonymous = await request(services.app).get('/admin/queues').expect(401);
  expect(anonymous.body.error.code).toBe('UNAUTHENTICATED');
  await request(services.app)
    .get('/admin/queues/api/queues')
    .set({ Authorization: 'Bearer wrong' })
    .expect(401);
  const page = await request(services.app)
    .get('/admin/queues')
    .set({ Authorization: `Bearer ${testAdminToken}` })
    .expect(200);
  expect(page.text).toContain('<html');
  // A browser sends the token as a Basic password, for the page and the dashboard's own calls.
  const basic = Buffer.from(`admin:${testAdminToken}`).toString('base64');
  const api = await request(services.app)
    .get('/admin/queues/api/queues')
    .set({ Authorization: `Basic ${basic}` })
    .expect(200);
  expect(JSON.stringify(api.body)).toContain(services.queueName);
});
