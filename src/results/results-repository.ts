import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { quizAnswersSchema, type AttemptGrade } from '../grading/attempt-grade.js';
import { attemptEventSourceColumns, buildAttemptEvent } from '../attempts/attempt-event.js';
import { replaceGradedRows } from '../attempts/graded-rows.js';
import { applyOverrides, passes } from './effective-result.js';
import {
  overrideTargetSchema,
  resultValueSchema,
  type OverrideRecord,
  type OverrideTarget,
  type ResultValue,
} from './override-record.js';

/**
 * Results after the first grading: versions of an attempt's result, instructor overrides (the
 * audit trail) and regrades. Every change locks the attempt row, so an override and a regrade
 * of one attempt never interleave.
 */

type Transaction = Prisma.TransactionClient;

export interface EvidenceRow {
  kind: string;
  data: unknown;
  observedAt: Date;
}

export type ResultVersionCause = 'graded' | 'regraded' | 'overridden';

export interface ResultVersionRecord {
  version: number;
  cause: ResultVersionCause;
  assessmentVersion: string;
  score: number | null;
  maxScore: number | null;
  passed: boolean | null;
  checks: Array<{ id: string; outcome: string; points: number; maxPoints: number }>;
  quiz: Array<{ questionId: string; points: number; maxPoints: number }>;
  actor: string | null;
  createdAt: Date;
}

/** A regraded result, ready to store; `grade` is the grader's, before overrides. */
export interface RegradeToStore {
  attemptId: string;
  /** The rubric version the result in force was computed with; a mismatch means it changed since. */
  expectedAssessmentVersion: string;
  assessment: {
    id: string;
    version: string;
    contentHash: string;
    title: string;
    passingScore: number;
  };
  grade: AttemptGrade;
  actor: string;
  now: Date;
  /** Written in the same transaction, e.g. the attempt.regraded outbox event. */
  onStored?: (tx: Transaction, stored: StoredRegrade) => Promise<void>;
}

export interface StoredRegrade {
  attemptId: string;
  version: number;
  previousScore: number | null;
  score: number;
  maxScore: number;
  passed: boolean;
  assessmentVersion: string;
  flagged: OverrideRecord[];
}

export interface RegradeCandidate {
  id: string;
  learnerId: string;
  courseId: string | null;
  assessmentVersion: string;
  score: number | null;
  passed: boolean | null;
  manifest: string;
  answers: Record<string, string | string[]>;
  namespace: string | undefined;
}

const recordedNamespace = z.looseObject({ namespace: z.string() });

export class ResultChangedError extends Error {
  constructor(readonly attemptId: string) {
    super(`attempt ${attemptId} changed while it was being regraded`);
    this.name = 'ResultChangedError';
  }
}

const versionChecks = z.array(
  z.object({ id: z.string(), outcome: z.string(), points: z.number(), maxPoints: z.number() }),
);
const versionQuiz = z.array(
  z.object({ questionId: z.string(), points: z.number(), maxPoints: z.number() }),
);

export class ResultsRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async readEvidence(attemptId: string): Promise<EvidenceRow[]> {
    const rows = await this.prisma.evidence.findMany({
      where: { attemptId },
      orderBy: { id: 'asc' },
      select: { kind: true, data: true, observedAt: true },
    });
    return rows;
  }

  /** Every override of one attempt, oldest first, superseded ones included (the trail). */
  async listOverrides(attemptId: string): Promise<OverrideRecord[]> {
    return (await this.overridesByAttempt([attemptId])).get(attemptId) ?? [];
  }

  /** Overrides of many attempts at once (for exports): attempt id → its overrides, oldest first. */
  async overridesByAttempt(attemptIds: readonly string[]): Promise<Map<string, OverrideRecord[]>> {
    const rows = await this.prisma.resultOverride.findMany({
      where: { attemptId: { in: [...attemptIds] } },
      orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    });
    const byAttempt = new Map<string, OverrideRecord[]>();
    for (const row of rows) {
      const list = byAttempt.get(row.attemptId) ?? [];
      list.push(toOverrideRecord(row));
      byAttempt.set(row.attemptId, list);
    }
    return byAttempt;
  }

  /**
   * Graded attempts of an assessment graded with another rubric version, oldest first, with
   * what a regrade needs: the submission and the namespace the grader recorded.
   */
  async listRegradeCandidates(options: {
    assessmentId: string;
    exceptVersion: string;
    tenantId?: string;
    courseId?: string;
  }): Promise<RegradeCandidate[]> {
    const rows = await this.prisma.attempt.findMany({
      where: {
        assessmentId: options.assessmentId,
        assessmentVersion: { not: options.exceptVersion },
        status: 'graded',
        ...(options.tenantId === undefined ? {} : { tenantId: options.tenantId }),
        ...(options.courseId === undefined ? {} : { courseId: options.courseId }),
      },
      orderBy: [{ receivedAt: 'asc' }, { id: 'asc' }],
      select: {
        id: true,
        learnerId: true,
        courseId: true,
        assessmentVersion: true,
        score: true,
        passed: true,
        manifest: true,
        submittedAnswers: true,
        evidence: { where: { kind: 'pod-timeline' }, select: { data: true }, take: 1 },
      },
    });
    return rows.map((row) => ({
      id: row.id,
      learnerId: row.learnerId,
      courseId: row.courseId,
      assessmentVersion: row.assessmentVersion,
      score: row.score?.toNumber() ?? null,
      passed: row.passed,
      manifest: row.manifest,
      answers: quizAnswersSchema.parse(row.submittedAnswers),
      namespace: recordedNamespace.safeParse(row.evidence[0]?.data).data?.namespace,
    }));
  }

  async listVersions(attemptId: string): Promise<ResultVersionRecord[]> {
    const rows = await this.prisma.resultVersion.findMany({
      where: { attemptId },
      orderBy: { version: 'asc' },
    });
    return rows.map((row) => ({
      version: row.version,
      cause: z.enum(['graded', 'regraded', 'overridden']).parse(row.cause),
      assessmentVersion: row.assessmentVersion,
      score: row.score?.toNumber() ?? null,
      maxScore: row.maxScore?.toNumber() ?? null,
      passed: row.passed,
      checks: versionChecks.parse(row.checks),
      quiz: versionQuiz.parse(row.quiz),
      actor: row.actor,
      createdAt: row.createdAt,
    }));
  }

  /**
   * Overrides one check or quiz answer of a graded attempt, recording who, when, before, after
   * and why, and keeps the result as a new version. Returns undefined when the attempt or the
   * target does not exist or the attempt is not graded.
   */
  async applyOverride(options: {
    attemptId: string;
    target: OverrideTarget;
    targetId: string;
    after: ResultValue;
    reason: string;
    actor: string;
    passingScore: number;
    now: Date;
  }): Promise<
    | {
        status: 'stored';
        override: OverrideRecord;
        score: number;
        passed: boolean;
        version: number;
      }
    | { status: 'attempt-not-graded' }
    | { status: 'target-missing' }
  > {
    return this.prisma.$transaction(async (tx) => {
      const attempt = await lockAttempt(tx, options.attemptId);
      if (!attempt || attempt.status !== 'graded') return { status: 'attempt-not-graded' as const };
      await ensureBaselineVersion(tx, options.attemptId);

      const where = { attemptId: options.attemptId };
      let before: ResultValue;
      if (options.target === 'check') {
        const row = await tx.checkResult.findUnique({
          where: { attemptId_checkId: { attemptId: options.attemptId, checkId: options.targetId } },
        });
        if (!row) return { status: 'target-missing' as const };
        before = { outcome: row.outcome, points: row.pointsAwarded.toNumber() };
        const points = Math.min(options.after.points, row.pointsPossible.toNumber());
        await tx.checkResult.update({
          where: { attemptId_checkId: { attemptId: options.attemptId, checkId: options.targetId } },
          data: { outcome: options.after.outcome ?? row.outcome, pointsAwarded: points },
        });
      } else {
        const row = await tx.quizAnswer.findUnique({
          where: {
            attemptId_questionId: { attemptId: options.attemptId, questionId: options.targetId },
          },
        });
        if (!row) return { status: 'target-missing' as const };
        before = { points: row.pointsAwarded.toNumber() };
        await tx.quizAnswer.update({
          where: {
            attemptId_questionId: { attemptId: options.attemptId, questionId: options.targetId },
          },
          data: { pointsAwarded: Math.min(options.after.points, row.pointsPossible.toNumber()) },
        });
      }
      await tx.resultOverride.updateMany({
        where: { ...where, target: options.target, targetId: options.targetId, supersededAt: null },
        data: { supersededAt: options.now },
      });
      const created = await tx.resultOverride.create({
        data: {
          id: randomUUID(),
          attemptId: options.attemptId,
          target: options.target,
          targetId: options.targetId,
          before,
          after: options.after,
          reason: options.reason,
          actor: options.actor,
          createdAt: options.now,
        },
      });
      const score = await totalPoints(tx, options.attemptId);
      const maxScore = attempt.maxScore ?? 0;
      const passed = passes(score, maxScore, options.passingScore);
      await tx.attempt.update({ where: { id: options.attemptId }, data: { score, passed } });
      const version = await snapshotVersion(tx, options.attemptId, 'overridden', options.actor);
      await announceChange(tx, options.attemptId, options.now);
      return {
        status: 'stored' as const,
        override: toOverrideRecord(created),
        score,
        passed,
        version,
      };
    });
  }

  /**
   * Stores a regrade as the result in force and as a new version. Overrides stay in force on
   * top of it; those whose ground changed are flagged for review, never silently replaced.
   */
  async applyRegrade(regrade: RegradeToStore): Promise<StoredRegrade> {
    return this.prisma.$transaction(async (tx) => {
      const attempt = await lockAttempt(tx, regrade.attemptId);
      if (
        !attempt ||
        attempt.status !== 'graded' ||
        attempt.assessmentVersion !== regrade.expectedAssessmentVersion
      ) {
        throw new ResultChangedError(regrade.attemptId);
      }
      await ensureBaselineVersion(tx, regrade.attemptId);
      const overrides = (
        await tx.resultOverride.findMany({
          where: { attemptId: regrade.attemptId },
          orderBy: { createdAt: 'asc' },
        })
      ).map(toOverrideRecord);
      const effective = applyOverrides<AttemptGrade>(regrade.grade, overrides);
      const passed = passes(
        effective.score,
        regrade.grade.maxScore,
        regrade.assessment.passingScore,
      );

      await tx.assessment.upsert({
        where: { id_version: { id: regrade.assessment.id, version: regrade.assessment.version } },
        create: {
          id: regrade.assessment.id,
          version: regrade.assessment.version,
          contentHash: regrade.assessment.contentHash,
          title: regrade.assessment.title,
        },
        update: {},
      });
      await replaceGradedRows(tx, regrade.attemptId, effective.rows);
      const flagged: OverrideRecord[] = [];
      for (const { override, graderValue } of effective.contested) {
        const row = await tx.resultOverride.update({
          where: { id: override.id },
          data: { flaggedAt: regrade.now, regradedValue: graderValue },
        });
        flagged.push(toOverrideRecord(row));
      }
      await tx.attempt.update({
        where: { id: regrade.attemptId },
        data: {
          assessmentVersion: regrade.assessment.version,
          score: effective.score,
          maxScore: regrade.grade.maxScore,
          passed,
        },
      });
      const version = await snapshotVersion(tx, regrade.attemptId, 'regraded', regrade.actor);
      await announceChange(tx, regrade.attemptId, regrade.now);
      const stored: StoredRegrade = {
        attemptId: regrade.attemptId,
        version,
        previousScore: attempt.score,
        score: effective.score,
        maxScore: regrade.grade.maxScore,
        passed,
        assessmentVersion: regrade.assessment.version,
        flagged,
      };
      await regrade.onStored?.(tx, stored);
      return stored;
    });
  }
}

/**
 * Records the result in force as the next version, inside the caller's transaction. Used by the
 * first grading too (attempt-repository's saveGrade), so every grading is a version.
 */
export async function snapshotVersion(
  tx: Transaction,
  attemptId: string,
  cause: ResultVersionCause,
  actor: string | null,
): Promise<number> {
  const attempt = await tx.attempt.findUniqueOrThrow({
    where: { id: attemptId },
    include: {
      checks: { orderBy: { position: 'asc' } },
      quizAnswers: { orderBy: { position: 'asc' } },
    },
  });
  const last = await tx.resultVersion.aggregate({ where: { attemptId }, _max: { version: true } });
  const version = (last._max.version ?? 0) + 1;
  await tx.resultVersion.create({
    data: {
      attemptId,
      version,
      cause,
      assessmentVersion: attempt.assessmentVersion,
      score: attempt.score,
      maxScore: attempt.maxScore,
      passed: attempt.passed,
      checks: attempt.checks.map((check) => ({
        id: check.checkId,
        outcome: check.outcome,
        points: check.pointsAwarded.toNumber(),
        maxPoints: check.pointsPossible.toNumber(),
      })),
      quiz: attempt.quizAnswers.map((answer) => ({
        questionId: answer.questionId,
        points: answer.pointsAwarded.toNumber(),
        maxPoints: answer.pointsPossible.toNumber(),
      })),
      actor,
    },
  });
  return version;
}

/**
 * Tells the LMS that the result in force changed (a regrade or an override): an
 * `attempt.regraded` event in the outbox, written in the same transaction as the change.
 */
async function announceChange(tx: Transaction, attemptId: string, at: Date): Promise<void> {
  const source = await tx.attempt.findUniqueOrThrow({
    where: { id: attemptId },
    select: attemptEventSourceColumns,
  });
  await tx.attemptEvent.create({ data: buildAttemptEvent('attempt.regraded', source, at) });
}

/** Attempts graded before versions were kept get their first grading recorded before a change. */
async function ensureBaselineVersion(tx: Transaction, attemptId: string): Promise<void> {
  const count = await tx.resultVersion.count({ where: { attemptId } });
  if (count === 0) await snapshotVersion(tx, attemptId, 'graded', null);
}

async function lockAttempt(tx: Transaction, attemptId: string) {
  await tx.$queryRaw`SELECT id FROM attempts WHERE id = ${attemptId}::uuid FOR UPDATE`;
  const row = await tx.attempt.findUnique({
    where: { id: attemptId },
    select: { status: true, assessmentVersion: true, score: true, maxScore: true },
  });
  if (!row) return undefined;
  return {
    status: row.status,
    assessmentVersion: row.assessmentVersion,
    score: row.score?.toNumber() ?? null,
    maxScore: row.maxScore?.toNumber() ?? null,
  };
}

async function totalPoints(tx: Transaction, attemptId: string): Promise<number> {
  const [checks, quiz] = await Promise.all([
    tx.checkResult.aggregate({ where: { attemptId }, _sum: { pointsAwarded: true } }),
    tx.quizAnswer.aggregate({ where: { attemptId }, _sum: { pointsAwarded: true } }),
  ]);
  const sum =
    (checks._sum.pointsAwarded?.toNumber() ?? 0) + (quiz._sum.pointsAwarded?.toNumber() ?? 0);
  return Math.round(sum * 100) / 100;
}

function toOverrideRecord(row: {
  id: string;
  attemptId: string;
  target: string;
  targetId: string;
  before: unknown;
  after: unknown;
  reason: string;
  actor: string;
  createdAt: Date;
  supersededAt: Date | null;
  flaggedAt: Date | null;
  regradedValue: unknown;
}): OverrideRecord {
  return {
    id: row.id,
    attemptId: row.attemptId,
    target: overrideTargetSchema.parse(row.target),
    targetId: row.targetId,
    before: resultValueSchema.parse(row.before),
    after: resultValueSchema.parse(row.after),
    reason: row.reason,
    actor: row.actor,
    createdAt: row.createdAt,
    supersededAt: row.supersededAt,
    needsReview: row.flaggedAt !== null,
    flaggedAt: row.flaggedAt,
    regradedValue: row.regradedValue === null ? null : resultValueSchema.parse(row.regradedValue),
  };
}
