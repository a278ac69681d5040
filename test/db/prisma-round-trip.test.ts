import { randomUUID } from 'node:crypto';
import { Prisma } from '../../src/generated/prisma/client.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The generated client, through the pg driver adapter, against a migrated database. */
describe('PrismaClient on a migrated database', () => {
  let database: TestDatabase;

  beforeAll(async () => {
    database = await createTestDatabase();
  });

  afterAll(async () => {
    await database?.drop();
  });

  async function storeTenant(name = `tenant-${randomUUID()}`) {
    return database.prisma.tenant.create({ data: { id: randomUUID(), name } });
  }

  async function storeAssessment(id = `first-pod-${randomUUID()}`) {
    return database.prisma.assessment.create({
      data: { id, version: '1.0.0', contentHash: 'a'.repeat(64), title: 'Run your first pod' },
    });
  }

  it('when an attempt is stored with its checks, quiz answers and evidence, then it reads back unchanged', async () => {
    const assessment = await storeAssessment();
    const attemptId = randomUUID();
    const clusterSecret = new Uint8Array([1, 2, 3, 250]);
    const tenant = await storeTenant();

    await database.prisma.attempt.create({
      data: {
        id: attemptId,
        tenant: { connect: { id: tenant.id } },
        assessment: { connect: { id_version: { id: assessment.id, version: assessment.version } } },
        learnerId: 'learner-1',
        courseId: 'k8s-101',
        manifest: 'apiVersion: v1\nkind: Pod\n',
        submittedAnswers: { q1: 'a pod is the smallest unit', q2: ['b', 'c'] },
        clusterSecret,
        idempotencyKey: `key-${attemptId}`,
        score: new Prisma.Decimal('7.5'),
        maxScore: new Prisma.Decimal('10'),
        passed: true,
        status: 'graded',
        checks: {
          create: [
            {
              checkId: 'pod-exists',
              position: 0,
              title: 'A pod named web exists',
              outcome: 'passed',
              pointsAwarded: new Prisma.Decimal('5'),
              pointsPossible: new Prisma.Decimal('5'),
              message: 'Found pod web',
              details: { expected: 'web', actual: 'web' },
            },
            {
              checkId: 'pod-running',
              position: 1,
              title: 'The pod is running',
              outcome: 'error',
              pointsAwarded: new Prisma.Decimal('0'),
              pointsPossible: new Prisma.Decimal('5'),
              message: 'Could not reach the cluster',
              hint: 'Check the kubeconfig',
            },
          ],
        },
        quizAnswers: {
          create: [
            {
              questionId: 'q1',
              position: 0,
              answer: 'a pod is the smallest unit',
              matchedConcepts: ['smallest', 'unit'],
              pointsAwarded: new Prisma.Decimal('1.25'),
              pointsPossible: new Prisma.Decimal('2'),
            },
            {
              questionId: 'q2',
              position: 1,
              answer: ['b', 'c'],
              matchedConcepts: [],
              pointsAwarded: new Prisma.Decimal('0'),
              pointsPossible: new Prisma.Decimal('1'),
            },
          ],
        },
        evidence: {
          create: [
            { kind: 'manifest', data: { kind: 'Pod', metadata: { name: 'web' } } },
            { kind: 'timeline', data: [{ at: 0, event: 'Scheduled' }] },
          ],
        },
      },
    });

    const stored = await database.prisma.attempt.findUniqueOrThrow({
      where: { id: attemptId },
      include: {
        assessment: true,
        checks: { orderBy: { position: 'asc' } },
        quizAnswers: { orderBy: { position: 'asc' } },
        evidence: { orderBy: { id: 'asc' } },
      },
    });

    expect(stored).toMatchObject({
      learnerId: 'learner-1',
      courseId: 'k8s-101',
      status: 'graded',
      gradingRuns: 0,
      submittedAnswers: { q1: 'a pod is the smallest unit', q2: ['b', 'c'] },
      passed: true,
      notGradableReason: null,
      assessment: { title: 'Run your first pod', createdAt: expect.any(Date) },
    });
    expect(stored.receivedAt).toBeInstanceOf(Date);
    expect(Array.from(stored.clusterSecret ?? [])).toEqual([1, 2, 3, 250]);
    expect(stored.score?.toFixed(2)).toBe('7.50');
    expect(stored.maxScore?.toFixed(2)).toBe('10.00');
    expect(
      stored.checks.map((c) => [
        c.checkId,
        c.outcome,
        c.pointsAwarded.toFixed(2),
        c.hint,
        c.details,
      ]),
    ).toEqual([
      ['pod-exists', 'passed', '5.00', null, { expected: 'web', actual: 'web' }],
      ['pod-running', 'error', '0.00', 'Check the kubeconfig', {}],
    ]);
    expect(
      stored.quizAnswers.map((q) => [
        q.questionId,
        q.answer,
        q.matchedConcepts,
        q.pointsAwarded.toFixed(2),
      ]),
    ).toEqual([
      ['q1', 'a pod is the smallest unit', ['smallest', 'unit'], '1.25'],
      ['q2', ['b', 'c'], [], '0.00'],
    ]);
    expect(stored.evidence.map((e) => [typeof e.id, e.kind, e.data])).toEqual([
      ['bigint', 'manifest', { kind: 'Pod', metadata: { name: 'web' } }],
      ['bigint', 'timeline', [{ at: 0, event: 'Scheduled' }]],
    ]);
    expect(stored.evidence[1]!.id).toBeGreaterThan(stored.evidence[0]!.id);
  });

  it('when an idempotency key is reused by one tenant, then the database refuses the second attempt, but another tenant may use it', async () => {
    const assessment = await storeAssessment();
    const [tenantA, tenantB] = [await storeTenant(), await storeTenant()];
    const attempt = (idempotencyKey: string, tenantId = tenantA.id) =>
      database.prisma.attempt.create({
        data: {
          id: randomUUID(),
          tenantId,
          assessmentId: assessment.id,
          assessmentVersion: assessment.version,
          learnerId: 'learner-2',
          manifest: '',
          idempotencyKey,
        },
      });
    const key = `key-${randomUUID()}`;
    await attempt(key);

    await expect(attempt(key)).rejects.toMatchObject({ code: 'P2002' });
    await expect(attempt(key, tenantB.id)).resolves.toMatchObject({ tenantId: tenantB.id });
  });

  it('when an attempt is deleted, then its results go with it, but an assessment with attempts cannot be deleted', async () => {
    const assessment = await storeAssessment();
    const id = randomUUID();
    const tenant = await storeTenant();
    await database.prisma.attempt.create({
      data: {
        id,
        tenantId: tenant.id,
        assessmentId: assessment.id,
        assessmentVersion: assessment.version,
        learnerId: 'learner-3',
        manifest: '',
        evidence: { create: { kind: 'manifest', data: {} } },
      },
    });
    const where = { id_version: { id: assessment.id, version: assessment.version } };

    await expect(database.prisma.assessment.delete({ where })).rejects.toMatchObject({
      code: 'P2003',
    });
    await database.prisma.attempt.delete({ where: { id } });
    expect(await database.prisma.evidence.count({ where: { attemptId: id } })).toBe(0);
    await expect(database.prisma.assessment.delete({ where })).resolves.toMatchObject({
      id: assessment.id,
    });
  });
});

describe('createTestDatabase', () => {
  it('when several are created at once, then each is migrated and isolated from the others', async () => {
    const databases = await Promise.all([
      createTestDatabase(),
      createTestDatabase(),
      createTestDatabase(),
    ]);
    try {
      expect(new Set(databases.map((d) => d.databaseUrl)).size).toBe(3);
      await databases[0]!.prisma.assessment.create({
        data: {
          id: 'only-here',
          version: '1',
          contentHash: 'b'.repeat(64),
          title: 'Only in the first',
        },
      });
      const counts = await Promise.all(databases.map((d) => d.prisma.assessment.count()));
      expect(counts).toEqual([1, 0, 0]);
    } finally {
      await Promise.all(databases.map((d) => d.drop()));
    }
  });
});
