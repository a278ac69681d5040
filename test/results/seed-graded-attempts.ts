import { randomUUID } from 'node:crypto';
import type { AttemptRepository } from '../../src/attempts/attempt-repository.js';
import type { AttemptGrade } from '../../src/grading/attempt-grade.js';

export interface SeededAttempt {
  id: string;
  learnerId: string;
  courseId: string;
  score: number;
  checks: Record<string, number>;
  quizPoints: number;
  matched: string[];
}

/**
 * Graded attempts stored the way the worker stores them (insert, run, save the grade), with
 * scores that differ per attempt, so an export can be compared number by number.
 */
export async function seedGradedAttempts(
  attempts: AttemptRepository,
  options: { count: number; queueName: string; tenantId: string; assessmentId?: string },
): Promise<SeededAttempt[]> {
  const seeded: SeededAttempt[] = [];
  for (let index = 0; index < options.count; index += 1) {
    const id = randomUUID();
    const learnerId = `learner-${index % 3}`;
    const courseId = index % 2 === 0 ? 'k8s-101' : 'k8s-202';
    await attempts.insert({
      id,
      assessment: {
        id: options.assessmentId ?? 'first-pod',
        version: '2.1.0',
        contentHash: 'a'.repeat(64),
        title: 'Your first Pod',
        source: 'id: first-pod',
      },
      queueName: options.queueName,
      tenantId: options.tenantId,
      gradeWithoutCluster: false,
      learnerId,
      courseId,
      manifest: 'kind: Pod',
      answers: { 'pending-causes': 'ImagePullBackOff, "quoted", and a, comma\nand a newline' },
      clusterSecret: undefined,
      idempotencyKey: undefined,
      requestHash: 'b'.repeat(64),
    });
    await attempts.markRunning(id, new Date());
    const checks = { 'kind-pod': index % 2, 'pod-running': (index % 3) * 0.5, 'label-app-web': 2 };
    const quizPoints = index % 2 === 0 ? 4 : 2;
    const matched =
      quizPoints === 4
        ? ['cannot-be-scheduled', 'image-cannot-be-pulled']
        : ['cannot-be-scheduled'];
    const grade: AttemptGrade = {
      checks: Object.entries(checks).map(([checkId, points]) => ({
        id: checkId,
        title: `title of ${checkId}, with "quotes"`,
        outcome: points > 0 ? 'passed' : 'failed',
        points,
        maxPoints: 2,
        message: 'message',
        details: {},
      })),
      quiz: [
        {
          questionId: 'pending-causes',
          answer: 'ImagePullBackOff',
          points: quizPoints,
          maxPoints: 4,
          matchedConcepts: matched,
          message: 'm',
        },
      ],
      evidence: [],
      score: 0,
      maxScore: 10,
      passed: false,
    };
    grade.score = Object.values(checks).reduce((a, b) => a + b, 0) + quizPoints;
    grade.passed = grade.score >= 7;
    await attempts.saveGrade(id, grade, new Date());
    seeded.push({ id, learnerId, courseId, score: grade.score, checks, quizPoints, matched });
  }
  return seeded;
}
