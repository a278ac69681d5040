import { randomUUID } from 'node:crypto';
import { openTestServices, type TestServices, type TestTenant } from '../support/test-services.js';

interface Seeded {
  id: string;
  assessmentId: string;
  learnerId: string;
  courseId: string;
  status: 'queued' | 'running' | 'not_gradable';
  receivedAt: Date;
}

let services: TestServices;
let tenantA: TestTenant;
let tenantB: TestTenant;
let seededA: Seeded[];
let seededB: Seeded[];

/** Stores attempts as POST /v1/attempts does, then sets their status and time as the test needs. */
async function seed(tenantId: string, count: number, base: number): Promise<Seeded[]> {
  const seeded: Seeded[] = [];
  for (let index = 0; index < count; index += 1) {
    const id = randomUUID();
    const assessmentId = index % 3 === 0 ? 'second-lesson' : 'first-pod';
    const learnerId = `learner-${index % 4}`;
    const courseId = index % 2 === 0 ? 'k8s-101' : 'k8s-202';
    await services.attempts.insert({
      id,
      tenantId,
      assessment: {
        id: assessmentId,
        version: '1.0.0',
        contentHash: 'a'.repeat(64),
        title: assessmentId,
        source: `id: ${assessmentId}`,
      },
      queueName: services.queueName,
      learnerId,
      courseId,
      manifest: 'kind: Pod',
      answers: {},
      clusterSecret: undefined,
      gradeWithoutCluster: true,
      idempotencyKey: undefined,
      requestHash: 'b'.repeat(64),
    });
    let status: Seeded['status'] = 'queued';
    if (index % 5 === 1) {
      await services.attempts.markRunning(id, new Date());
      status = 'running';
    } else if (index % 5 === 2) {
      await services.attempts.markNotGradable(id, 'test', new Date());
      status = 'not_gradable';
    }
    // Three attempts share each instant, so the page boundaries fall between equal times too.
    const receivedAt = new Date(base + Math.floor(index / 3) * 60_000);
    await services.prisma.attempt.update({ where: { id }, data: { receivedAt } });
    seeded.push({ id, assessmentId, learnerId, courseId, status, receivedAt });
  }
  return seeded;
}

/** Newest first, then id descending: the order the API promises. */
function inListOrder(attempts: Seeded[]): string[] {
  return [...attempts]
    .sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || (a.id < b.id ? 1 : -1))
    .map((attempt) => attempt.id);
}

/** Follows nextCursor from the first page to the last, returning every id in the order seen. */
async function listAll(tenant: TestTenant, query: Record<string, string>): Promise<string[]> {
  const ids: string[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 100; page += 1) {
    const response = await tenant.api
      .get('/v1/attempts')
      .query({ ...query, ...(cursor === undefined ? {} : { cursor }) })
      .expect(200);
    ids.push(...response.body.data.map((attempt: { id: string }) => attempt.id));
    cursor = response.body.nextCursor ?? undefined;
    if (cursor === undefined) return ids;
  }
  throw new Error('more than 100 pages: the cursor does not advance');
}

const tenantIdPlaceholder = '00000000-0000-4000-8000-000000000000';
const base = Date.parse('2026-11-01T08:00:00.000Z');

beforeAll(async () => {
  services = await openTestServices();
  tenantA = await services.createTenantWithKey({ name: 'list-a' });
  tenantB = await services.createTenantWithKey({ name: 'list-b' });
  seededA = await seed(tenantA.tenantId, 23, base);
  // Tenant B's attempts interleave with A's in time and share learner and course ids.
  seededB = await seed(tenantB.tenantId, 7, base + 30_000);
});

afterAll(async () => {
  await services.close();
});

describe('GET /v1/attempts', () => {
  it('pages through every attempt of the tenant exactly once, newest first', async () => {
    const ids = await listAll(tenantA, { limit: '4' });
    expect(ids).toEqual(inListOrder(seededA));
    expect(new Set(ids).size).toBe(seededA.length);
  });

  it('answers 50 per page by default, with a summary of each attempt', async () => {
    const response = await tenantA.api.get('/v1/attempts').expect(200);
    expect(response.body.data).toHaveLength(seededA.length);
    expect(response.body.nextCursor).toBeNull();
    const newest = seededA.find((attempt) => attempt.id === inListOrder(seededA)[0])!;
    expect(response.body.data[0]).toEqual({
      id: newest.id,
      assessmentId: newest.assessmentId,
      assessmentVersion: '1.0.0',
      learnerId: newest.learnerId,
      courseId: newest.courseId,
      status: newest.status,
      score: null,
      maxScore: null,
      passed: null,
      notGradableCode: newest.status === 'not_gradable' ? 'GRADING_FAILED' : null,
      receivedAt: newest.receivedAt.toISOString(),
      finishedAt: newest.status === 'not_gradable' ? expect.any(String) : null,
      href: `/v1/attempts/${newest.id}`,
    });
  });

  it.each([
    [
      'assessment',
      { assessment: 'second-lesson' },
      (a: Seeded) => a.assessmentId === 'second-lesson',
    ],
    ['course', { course: 'k8s-202' }, (a: Seeded) => a.courseId === 'k8s-202'],
    ['learner', { learner: 'learner-1' }, (a: Seeded) => a.learnerId === 'learner-1'],
    ['status', { status: 'not_gradable' }, (a: Seeded) => a.status === 'not_gradable'],
    [
      'time range [receivedAfter, receivedBefore)',
      {
        receivedAfter: new Date(base + 2 * 60_000).toISOString(),
        receivedBefore: new Date(base + 5 * 60_000).toISOString(),
      },
      (a: Seeded) =>
        a.receivedAt.getTime() >= base + 2 * 60_000 && a.receivedAt.getTime() < base + 5 * 60_000,
    ],
    [
      'several filters at once',
      { course: 'k8s-101', status: 'queued', learner: 'learner-0' },
      (a: Seeded) =>
        a.courseId === 'k8s-101' && a.status === 'queued' && a.learnerId === 'learner-0',
    ],
  ])('filters by %s, across pages', async (_name, query, keep) => {
    const expected = inListOrder(seededA.filter(keep));
    expect(expected.length).toBeGreaterThan(0);
    expect(await listAll(tenantA, { ...query, limit: '2' })).toEqual(expected);
  });

  it("never lists another tenant's attempts, whatever the filters", async () => {
    const idsOfB = new Set(seededB.map((attempt) => attempt.id));
    const listedByA = await listAll(tenantA, { limit: '5' });
    expect(listedByA.filter((id) => idsOfB.has(id))).toEqual([]);
    const sameLearnerByA = await listAll(tenantA, { learner: 'learner-0', course: 'k8s-101' });
    expect(sameLearnerByA.filter((id) => idsOfB.has(id))).toEqual([]);
    expect(await listAll(tenantB, { limit: '3' })).toEqual(inListOrder(seededB));
  });

  it("refuses another tenant's cursor, and a cursor reused with other filters, with 422 CURSOR_INVALID", async () => {
    const ofB = await tenantB.api.get('/v1/attempts').query({ limit: '2' }).expect(200);
    const foreign = await tenantA.api
      .get('/v1/attempts')
      .query({ cursor: ofB.body.nextCursor })
      .expect(422);
    expect(foreign.body.error.code).toBe('CURSOR_INVALID');

    const ofA = await tenantA.api.get('/v1/attempts').query({ limit: '2' }).expect(200);
    const otherFilters = await tenantA.api
      .get('/v1/attempts')
      .query({ cursor: ofA.body.nextCursor, status: 'queued' })
      .expect(422);
    expect(otherFilters.body.error.code).toBe('CURSOR_INVALID');
    // The page size is not a filter: it may change from page to page.
    await tenantA.api
      .get('/v1/attempts')
      .query({ cursor: ofA.body.nextCursor, limit: '7' })
      .expect(200);
  });

  it.each([
    ['a cursor that is not base64url JSON', { cursor: '!!!' }, 'CURSOR_INVALID'],
    [
      'a cursor of the wrong shape',
      { cursor: Buffer.from('{"r":1}').toString('base64url') },
      'CURSOR_INVALID',
    ],
    ['limit 0', { limit: '0' }, 'QUERY_INVALID'],
    ['limit 201', { limit: '201' }, 'QUERY_INVALID'],
    ['a limit that is not a number', { limit: 'ten' }, 'QUERY_INVALID'],
    ['an unknown status', { status: 'lost' }, 'QUERY_INVALID'],
    ['a time that is not ISO 8601', { receivedAfter: 'yesterday' }, 'QUERY_INVALID'],
    ['an unknown filter', { tenant: tenantIdPlaceholder }, 'QUERY_INVALID'],
    ['a repeated filter', 'status=queued&status=running', 'QUERY_INVALID'],
  ])('answers 422 for %s', async (_name, query, code) => {
    const response = await tenantA.api.get('/v1/attempts').query(query).expect(422);
    expect(response.body.error.code).toBe(code);
  });

  it('needs the attempts:read scope', async () => {
    const writer = await services.createTenantWithKey({ scopes: ['attempts:write'] });
    const response = await writer.api.get('/v1/attempts').expect(403);
    expect(response.body.error).toMatchObject({
      code: 'FORBIDDEN_SCOPE',
      details: { requiredScope: 'attempts:read' },
    });
  });
});
