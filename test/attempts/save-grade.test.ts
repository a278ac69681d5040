import { randomUUID } from 'node:crypto';
import { AttemptNotRunningError } from '../../src/attempts/attempt-repository.js';
import {
  attemptEventPayloadSchema,
  attemptEventSourceColumns,
  buildAttemptEvent,
} from '../../src/attempts/attempt-event.js';
import type { AttemptGrade } from '../../src/grading/attempt-grade.js';
import { storeFirstPodAttempt } from '../support/stored-attempts.js';
import { openTestServices, type TestServices } from '../support/test-services.js';

/**
 * saveGrade writes the grade, its outbox event and its first result version in one statement;
 * what it stores must read exactly as the event builder and the version snapshot describe it.
 */
describe('saving a grade', () => {
  let services: TestServices;

  beforeEach(async () => {
    services = await openTestServices();
  });
  afterEach(async () => {
    await services.close();
  });

  async function runningAttempt(lti?: { lineItemUrl: string; userId: string | undefined }) {
    const id = await storeFirstPodAttempt(services, {
      answers: { 'pending-causes': 'ImagePullBackOff' },
      clusterSecret: new Uint8Array([1, 2, 3]),
      ...(lti ? { lti } : {}),
    });
    const claim = await services.attempts.claimForGrading(id, new Date());
    expect(claim.status).toBe('claimed');
    return id;
  }

  const grade: AttemptGrade = {
    checks: [
      {
        id: 'kind-pod',
        title: 'A Pod',
        outcome: 'passed',
        points: 2,
        maxPoints: 2,
        message: 'ok',
        details: { seen: ['a'] },
      },
      {
        id: 'pod-running',
        title: 'Running',
        outcome: 'failed',
        points: 0.5,
        maxPoints: 3,
        message: 'pending',
        hint: 'look at its events',
        details: {},
      },
    ],
    quiz: [
      {
        questionId: 'pending-causes',
        answer: 'ImagePullBackOff',
        points: 2,
        maxPoints: 4,
        matchedConcepts: ['image-cannot-be-pulled'],
        message: 'half',
      },
    ],
    evidence: [
      { kind: 'manifest', data: { kind: 'Pod' } },
      { kind: 'pod', data: { phase: 'Running' } },
    ],
    score: 4.5,
    maxScore: 9,
    passed: false,
  };

  test('when a running attempt is graded, then its result, event and first version are stored', async () => {
    const id = await runningAttempt({
      lineItemUrl: 'https://lms.example/items/1',
      userId: undefined,
    });
    // Progress rows shown while it ran: one stays (rewritten), one is no longer in the grade.
    await services.attempts.recordChecksProgress(id, [
      { check: { ...grade.checks[0]!, outcome: 'failed', message: 'early' }, position: 0 },
      {
        check: { ...grade.checks[0]!, id: 'gone', title: 'gone', message: 'x' },
        position: 5,
      },
    ]);
    const finishedAt = new Date('2030-01-02T03:04:05.678Z');
    await services.attempts.saveGrade(id, grade, finishedAt);

    const stored = await services.attempts.find(id);
    expect(stored).toMatchObject({
      status: 'graded',
      score: 4.5,
      maxScore: 9,
      passed: false,
      finishedAt,
      nextStep: null,
    });
    expect(stored!.checks).toEqual([
      {
        id: 'kind-pod',
        title: 'A Pod',
        outcome: 'passed',
        points: 2,
        maxPoints: 2,
        message: 'ok',
        hint: null,
        details: { seen: ['a'] },
      },
      {
        id: 'pod-running',
        title: 'Running',
        outcome: 'failed',
        points: 0.5,
        maxPoints: 3,
        message: 'pending',
        hint: 'look at its events',
        details: {},
      },
    ]);
    expect(stored!.quiz).toEqual([
      {
        questionId: 'pending-causes',
        answer: 'ImagePullBackOff',
        points: 2,
        maxPoints: 4,
        matchedConcepts: ['image-cannot-be-pulled'],
        feedback: 'half',
      },
    ]);
    const evidence = await services.prisma.evidence.findMany({
      where: { attemptId: id },
      orderBy: { id: 'asc' },
    });
    expect(evidence.map((item) => [item.kind, item.data])).toEqual([
      ['manifest', { kind: 'Pod' }],
      ['pod', { phase: 'Running' }],
    ]);
    const secret = await services.prisma.attempt.findUnique({
      where: { id },
      select: { clusterSecret: true },
    });
    expect(secret?.clusterSecret).toBeNull();

    const [event, ...more] = await services.prisma.attemptEvent.findMany({
      where: { attemptId: id, type: 'attempt.graded' },
    });
    expect(more).toHaveLength(0);
    const source = await services.prisma.attempt.findUniqueOrThrow({
      where: { id },
      select: attemptEventSourceColumns,
    });
    const expected = buildAttemptEvent('attempt.graded', source, finishedAt);
    expect(attemptEventPayloadSchema.parse(event!.payload)).toEqual(expected.payload);
    expect(event!.createdAt).toEqual(finishedAt);
    expect(event!.tenantId).toBe(services.tenant.tenantId);

    const versions = await services.prisma.resultVersion.findMany({ where: { attemptId: id } });
    expect(versions).toHaveLength(1);
    expect(versions[0]).toMatchObject({
      version: 1,
      cause: 'graded',
      actor: null,
      checks: [
        { id: 'kind-pod', outcome: 'passed', points: 2, maxPoints: 2 },
        { id: 'pod-running', outcome: 'failed', points: 0.5, maxPoints: 3 },
      ],
      quiz: [{ questionId: 'pending-causes', points: 2, maxPoints: 4 }],
    });
    expect(versions[0]!.score?.toNumber()).toBe(4.5);
  });

  test('when the grader could not look, then the attempt is not gradable without a score', async () => {
    const id = await runningAttempt();
    await services.attempts.saveGrade(id, grade, new Date(), {
      notGradableReason: 'pod-running: timeout',
      notGradableCode: 'CLUSTER_NOT_READABLE',
    });
    const stored = await services.attempts.find(id);
    expect(stored).toMatchObject({
      status: 'not_gradable',
      score: null,
      maxScore: 9,
      passed: null,
      notGradableReason: 'pod-running: timeout',
      notGradableCode: 'CLUSTER_NOT_READABLE',
    });
    expect(stored!.checks).toHaveLength(2);
    const events = await services.prisma.attemptEvent.findMany({ where: { attemptId: id } });
    expect(events.map((event) => attemptEventPayloadSchema.parse(event.payload).data)).toEqual([
      expect.objectContaining({ status: 'not_gradable', score: null, lti: null }),
    ]);
  });

  test('when the attempt is no longer running, then nothing is written', async () => {
    const id = await runningAttempt();
    await services.attempts.saveGrade(id, grade, new Date());
    await expect(services.attempts.saveGrade(id, grade, new Date())).rejects.toBeInstanceOf(
      AttemptNotRunningError,
    );
    expect(await services.prisma.resultVersion.count({ where: { attemptId: id } })).toBe(1);
    expect(await services.prisma.attemptEvent.count({ where: { attemptId: id } })).toBe(1);
    expect(await services.attempts.claimForGrading(id, new Date())).toEqual({
      status: 'finished',
    });
    expect(await services.attempts.claimForGrading(randomUUID(), new Date())).toEqual({
      status: 'missing',
    });
  });
});
