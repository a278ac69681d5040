import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { z } from 'zod';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';
import { checkOutcomes, quizAnswersSchema, type AttemptGrade } from '../grading/attempt-grade.js';
import {
  attemptEventSourceColumns,
  buildAttemptEvent,
  type AttemptEventType,
} from './attempt-event.js';
import { attemptStatuses, type AttemptStatus } from './attempt-outcome.js';
import type { AttemptSummarySource } from './attempt-view.js';

/** What the learner should do while grading waits on them, as stored by a parked run. */
export const nextStepSchema = z.object({
  action: z.literal('delete-pod'),
  pod: z.string(),
  namespace: z.string(),
  until: z.coerce.date(),
});
export type NextStep = z.infer<typeof nextStepSchema>;

/** Everything the attempts component reads and writes in PostgreSQL, and nothing else. */

/** The rubric version an attempt is stored against, as its row in `assessments` holds it. */
export interface StoredAssessmentVersion {
  id: string;
  version: string;
  contentHash: string;
  title: string;
  source: string;
}

/** Exactly the stored columns of a loaded rubric (it is written to its table as it is). */
export function storedAssessmentVersion(
  assessment: StoredAssessmentVersion,
): StoredAssessmentVersion {
  const { id, version, contentHash, title, source } = assessment;
  return { id, version, contentHash, title, source };
}

export interface NewAttempt {
  id: string;
  tenantId: string;
  assessment: StoredAssessmentVersion;
  /** The queue whose workers grade it (its reconciler finds it if the job is lost). */
  queueName: string;
  learnerId: string;
  courseId: string | undefined;
  manifest: string;
  answers: Record<string, string | string[]>;
  clusterSecret: Uint8Array | undefined;
  /** The learner chose to be graded without a cluster: cluster checks are skipped. */
  gradeWithoutCluster: boolean;
  idempotencyKey: string | undefined;
  requestHash: string;
  /** Where the grade goes back to in the LMS (LTI AGS); userId defaults to learnerId. */
  lti?: { lineItemUrl: string; userId: string | undefined } | undefined;
}

/** What GET /v1/attempts may narrow a tenant's attempts by; times select [after, before). */
export interface AttemptListFilter {
  assessmentId?: string | undefined;
  courseId?: string | undefined;
  learnerId?: string | undefined;
  status?: AttemptStatus | undefined;
  receivedAfter?: Date | undefined;
  receivedBefore?: Date | undefined;
}

export interface StoredAttempt {
  id: string;
  tenantId: string;
  assessmentId: string;
  assessmentVersion: string;
  learnerId: string;
  courseId: string | null;
  status: AttemptStatus;
  manifest: string;
  answers: Record<string, string | string[]>;
  gradeWithoutCluster: boolean;
  notGradableReason: string | null;
  notGradableCode: string | null;
  nextStep: NextStep | null;
  score: number | null;
  maxScore: number | null;
  passed: boolean | null;
  gradingRuns: number;
  receivedAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  checks: Array<{
    id: string;
    title: string;
    outcome: 'passed' | 'failed' | 'error' | 'skipped';
    points: number;
    maxPoints: number;
    message: string;
    hint: string | null;
    details: unknown;
  }>;
  quiz: Array<{
    questionId: string;
    answer: unknown;
    points: number;
    maxPoints: number;
    matchedConcepts: string[];
    /** The grader's words for this answer; null for answers graded before they were kept. */
    feedback: string | null;
  }>;
}

/**
 * What a grading run needs of its attempt, read by the statement that claims it: the learner's
 * work, the checks already shown (a resumed run does not write them again) and the sealed
 * cluster credentials.
 */
export interface ClaimedAttempt {
  id: string;
  assessmentId: string;
  assessmentVersion: string;
  manifest: string;
  answers: Record<string, string | string[]>;
  gradeWithoutCluster: boolean;
  receivedAt: Date;
  checks: Array<{
    id: string;
    outcome: StoredAttempt['checks'][number]['outcome'];
    message: string;
  }>;
  clusterSecret: Uint8Array | null;
}

export type ClaimForGradingResult =
  { status: 'claimed'; attempt: ClaimedAttempt } | { status: 'finished' } | { status: 'missing' };

const claimedAttemptRowSchema = z.object({
  id: z.string(),
  assessment_id: z.string(),
  assessment_version: z.string(),
  manifest: z.string(),
  submitted_answers: quizAnswersSchema,
  grade_without_cluster: z.boolean(),
  received_at: z.date(),
  cluster_secret: z.instanceof(Uint8Array).nullable(),
  checks: z.array(
    z.object({
      id: z.string(),
      outcome: z.enum(checkOutcomes),
      message: z.string(),
    }),
  ),
});

/** The attempt was finished by someone else while this run graded it. */
export class AttemptNotRunningError extends Error {
  constructor(readonly attemptId: string) {
    super(`attempt ${attemptId} is no longer running`);
    this.name = 'AttemptNotRunningError';
  }
}

const toNumber = (value: { toNumber(): number } | null): number | null =>
  value === null ? null : value.toNumber();

export class AttemptRepository {
  /**
   * Rubric versions this process has already recorded: every later submission at that version
   * skips the statement (and sending the rubric's text again). Bounded by the catalogue's size.
   */
  private readonly recordedAssessments = new Set<string>();

  /**
   * `pool` is the node-postgres pool under `prisma`'s adapter: the statements every POST and GET
   * of an attempt runs go to it directly, as one parameterised statement each. Through Prisma,
   * planning and mapping those statements cost more API CPU than everything else they do.
   */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly pool: pg.Pool,
    options: { preparedStatements?: boolean } = {},
  ) {
    this.statementName =
      options.preparedStatements === false ? () => undefined : (name: string) => name;
  }

  /**
   * A named statement is parsed and planned once per connection (reading an attempt with its
   * checks and quiz cost PostgreSQL 0.30 ms of CPU unnamed, 0.12 ms named); unnamed behind a
   * PgBouncer that cannot keep them.
   */
  private readonly statementName: (name: string) => string | undefined;

  private query(name: string, text: string, values: unknown[]) {
    const named = this.statementName(name);
    return this.pool.query(named === undefined ? { text, values } : { name: named, text, values });
  }

  /**
   * Stores a new attempt with its quiz answers; the assessment version is recorded once per
   * process, so a submission is one INSERT. No interactive transaction: the version's row is an
   * INSERT ... ON CONFLICT DO NOTHING (Prisma's upsert reads then inserts, so concurrent first
   * submissions raced into unique violations), and it may stay even if the attempt's insert
   * fails, since it only records that the version exists. An interactive transaction here also
   * gave up after 2 s waiting for a pooled connection under a burst of submissions.
   */
  async insert(attempt: NewAttempt): Promise<void> {
    const version = `${attempt.assessment.id}\u0000${attempt.assessment.version}\u0000${attempt.assessment.contentHash}`;
    if (!this.recordedAssessments.has(version)) {
      await this.prisma.assessment.createMany({ data: [attempt.assessment], skipDuplicates: true });
      this.recordedAssessments.add(version);
    }
    const lti = attempt.lti
      ? { lineItemUrl: attempt.lti.lineItemUrl, userId: attempt.lti.userId ?? attempt.learnerId }
      : null;
    // The LMS hears "Pending" as soon as the attempt is accepted, through the outbox: the event
    // is a nested create, written atomically with the attempt by the same statement batch.
    const accepted = lti
      ? buildAttemptEvent(
          'attempt.accepted',
          {
            id: attempt.id,
            tenantId: attempt.tenantId,
            assessmentId: attempt.assessment.id,
            assessmentVersion: attempt.assessment.version,
            learnerId: attempt.learnerId,
            courseId: attempt.courseId ?? null,
            status: 'queued',
            score: null,
            maxScore: null,
            passed: null,
            notGradableReason: null,
            finishedAt: null,
            ltiLineItemUrl: lti.lineItemUrl,
            ltiUserId: lti.userId,
          },
          new Date(),
        )
      : undefined;
    const columns = {
      id: attempt.id,
      tenantId: attempt.tenantId,
      assessmentId: attempt.assessment.id,
      assessmentVersion: attempt.assessment.version,
      learnerId: attempt.learnerId,
      courseId: attempt.courseId ?? null,
      manifest: attempt.manifest,
      submittedAnswers: attempt.answers,
      queueName: attempt.queueName,
      clusterSecret: attempt.clusterSecret ? Buffer.from(attempt.clusterSecret) : null,
      gradeWithoutCluster: attempt.gradeWithoutCluster,
      idempotencyKey: attempt.idempotencyKey ?? null,
      requestHash: attempt.requestHash,
      ltiLineItemUrl: lti?.lineItemUrl ?? null,
      ltiUserId: lti?.userId ?? null,
    };
    if (!accepted) {
      // One INSERT without RETURNING: create() would read the whole row (manifest included) back.
      await this.query('kubegrade-insert-attempt', insertAttemptSql, [
        columns.id,
        columns.tenantId,
        columns.assessmentId,
        columns.assessmentVersion,
        columns.learnerId,
        columns.courseId,
        columns.manifest,
        JSON.stringify(columns.submittedAnswers),
        columns.queueName,
        columns.clusterSecret,
        columns.gradeWithoutCluster,
        columns.idempotencyKey,
        columns.requestHash,
      ]);
      return;
    }
    await this.prisma.attempt.create({
      data: {
        ...columns,
        events: {
          create: {
            id: accepted.id,
            tenantId: accepted.tenantId,
            type: accepted.type,
            payload: accepted.payload,
            createdAt: accepted.createdAt,
          },
        },
      },
    });
  }

  async delete(id: string): Promise<void> {
    await this.prisma.attempt.deleteMany({ where: { id } });
  }

  /** Idempotency keys belong to a tenant: another tenant's equal key is a different one. */
  async findByIdempotencyKey(
    tenantId: string,
    key: string,
  ): Promise<{ id: string; requestHash: string | null; status: AttemptStatus } | null> {
    const { rows } = await this.pool.query(
      `SELECT id, request_hash AS "requestHash", status FROM attempts
        WHERE tenant_id = $1 AND idempotency_key = $2`,
      [tenantId, key],
    );
    return rows.length === 0 ? null : idempotentAttemptRowSchema.parse(rows[0]);
  }

  /** One tenant's attempt; another tenant's id reads exactly like one that does not exist. */
  async findForTenant(tenantId: string, id: string): Promise<StoredAttempt | null> {
    return this.findWhere({ id, tenantId });
  }

  /**
   * One page of a tenant's attempts, newest first (receivedAt desc, then id desc so that equal
   * times still have one order), starting after `after`. Served by the (tenant_id, received_at,
   * id) index; the other filters narrow the rows it walks.
   */
  async listForTenant(options: {
    tenantId: string;
    filter: AttemptListFilter;
    after: { receivedAt: Date; id: string } | undefined;
    limit: number;
  }): Promise<AttemptSummarySource[]> {
    const { filter, after } = options;
    const receivedAt = {
      ...(filter.receivedAfter ? { gte: filter.receivedAfter } : {}),
      ...(filter.receivedBefore ? { lt: filter.receivedBefore } : {}),
    };
    const rows = await this.prisma.attempt.findMany({
      where: {
        tenantId: options.tenantId,
        ...(filter.assessmentId === undefined ? {} : { assessmentId: filter.assessmentId }),
        ...(filter.courseId === undefined ? {} : { courseId: filter.courseId }),
        ...(filter.learnerId === undefined ? {} : { learnerId: filter.learnerId }),
        ...(filter.status === undefined ? {} : { status: filter.status }),
        ...(Object.keys(receivedAt).length > 0 ? { receivedAt } : {}),
        ...(after
          ? {
              OR: [
                { receivedAt: { lt: after.receivedAt } },
                { receivedAt: after.receivedAt, id: { lt: after.id } },
              ],
            }
          : {}),
      },
      orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
      take: options.limit,
      select: {
        id: true,
        assessmentId: true,
        assessmentVersion: true,
        learnerId: true,
        courseId: true,
        status: true,
        score: true,
        maxScore: true,
        passed: true,
        notGradableCode: true,
        receivedAt: true,
        finishedAt: true,
      },
    });
    return rows.map((row) => ({
      ...row,
      score: toNumber(row.score),
      maxScore: toNumber(row.maxScore),
    }));
  }

  /** Any attempt, whatever its tenant: for the worker, which grades what the queue hands it. */
  async find(id: string): Promise<StoredAttempt | null> {
    return this.findWhere({ id });
  }

  /** One statement: the attempt with its checks and quiz answers, in their order, as JSON. */
  private async findWhere(where: { id: string; tenantId?: string }): Promise<StoredAttempt | null> {
    const { rows } = await (where.tenantId === undefined
      ? this.query('kubegrade-find-attempt', findAttemptSql, [where.id])
      : this.query('kubegrade-find-tenant-attempt', findTenantAttemptSql, [
          where.id,
          where.tenantId,
        ]));
    if (rows.length === 0) return null;
    const row = storedAttemptRowSchema.parse(rows[0]);
    return {
      ...row,
      nextStep:
        row.nextStep === null ? null : (nextStepSchema.safeParse(row.nextStep).data ?? null),
    };
  }

  async readClusterSecret(id: string): Promise<Uint8Array | null> {
    const row = await this.prisma.attempt.findUnique({
      where: { id },
      select: { clusterSecret: true },
    });
    return row?.clusterSecret ?? null;
  }

  /**
   * Moves a queued (or, after a crash, running) attempt to running. Returns false when the
   * attempt is already finished, so a duplicate delivery of the job does not grade twice. A run
   * resuming a parked wait is the same grading run: it does not count as another.
   */
  async markRunning(id: string, startedAt: Date): Promise<boolean> {
    const updated = await this.prisma.$executeRaw`
      UPDATE attempts
         SET status = 'running',
             started_at = COALESCE(started_at, ${startedAt}),
             grading_runs = grading_runs + CASE WHEN parked_until IS NULL THEN 1 ELSE 0 END,
             parked_until = NULL
       WHERE id = ${id}::uuid AND status IN ('queued', 'running')`;
    return updated === 1;
  }

  /**
   * markRunning and the reads a grading run starts with, in one statement: the attempt moves
   * to running (as markRunning does) and its row, shown checks and sealed credentials come back.
   * An attempt that is not queued or running is left alone and reported finished (a duplicate
   * delivery of the job does not grade twice); only then is a second statement needed, to tell
   * a finished attempt from a missing one.
   */
  async claimForGrading(id: string, startedAt: Date): Promise<ClaimForGradingResult> {
    const { rows } = await this.pool.query(
      `
      WITH claimed AS (
        UPDATE attempts
           SET status = 'running',
               started_at = COALESCE(started_at, $1::timestamptz),
               grading_runs = grading_runs + CASE WHEN parked_until IS NULL THEN 1 ELSE 0 END,
               parked_until = NULL
         WHERE id = $2::uuid AND status IN ('queued', 'running')
        RETURNING id, assessment_id, assessment_version, manifest, submitted_answers,
                  grade_without_cluster, received_at, cluster_secret)
      SELECT c.id::text, c.assessment_id, c.assessment_version, c.manifest, c.submitted_answers,
             c.grade_without_cluster, c.received_at, c.cluster_secret,
             COALESCE((SELECT json_agg(json_build_object('id', r.check_id,
                                                         'outcome', r.outcome::text,
                                                         'message', r.message)
                                       ORDER BY r.position)
                         FROM check_results r WHERE r.attempt_id = c.id), '[]'::json) AS checks
        FROM claimed c`,
      [startedAt, id],
    );
    const [row] = rows as unknown[];
    if (row === undefined) {
      const found = await this.pool.query('SELECT 1 FROM attempts WHERE id = $1::uuid', [id]);
      return { status: found.rows.length === 0 ? 'missing' : 'finished' };
    }
    const claimed = claimedAttemptRowSchema.parse(row);
    return {
      status: 'claimed',
      attempt: {
        id: claimed.id,
        assessmentId: claimed.assessment_id,
        assessmentVersion: claimed.assessment_version,
        manifest: claimed.manifest,
        answers: claimed.submitted_answers,
        gradeWithoutCluster: claimed.grade_without_cluster,
        receivedAt: claimed.received_at,
        checks: claimed.checks,
        clusterSecret: claimed.cluster_secret,
      },
    };
  }

  /** A run parked its wait: until when, and what the learner should do meanwhile. */
  async markParked(id: string, parked: { until: Date; nextStep: NextStep | null }): Promise<void> {
    await this.pool.query(
      `UPDATE attempts SET parked_until = $1::timestamptz, next_step = $2::jsonb
        WHERE id = $3::uuid AND status = 'running'`,
      [parked.until, parked.nextStep === null ? null : JSON.stringify(parked.nextStep), id],
    );
  }

  /** The stored text of a rubric version, for attempts whose version is no longer on disk. */
  async findAssessmentSource(id: string, version: string): Promise<string | null> {
    const row = await this.prisma.assessment.findUnique({
      where: { id_version: { id, version } },
      select: { source: true },
    });
    return row?.source ?? null;
  }

  /**
   * Unfinished attempts of one queue received before `receivedBefore`: the reconciler checks
   * that each still has a job.
   */
  async listUnfinished(options: {
    queueName: string;
    receivedBefore: Date;
    limit: number;
  }): Promise<{ id: string; gradingRuns: number }[]> {
    return this.prisma.attempt.findMany({
      where: {
        queueName: options.queueName,
        status: { in: ['queued', 'running'] },
        receivedAt: { lt: options.receivedBefore },
      },
      select: { id: true, gradingRuns: true },
      orderBy: { receivedAt: 'asc' },
      take: options.limit,
    });
  }

  /**
   * Shows graded checks while the attempt is still running, so the learner can follow the
   * grader (the lesson's second moment waits for them to delete their Pod). One statement for
   * the whole batch, and only while the attempt runs. The final saveGrade replaces these rows.
   */
  async recordChecksProgress(
    id: string,
    checks: Array<{ check: AttemptGrade['checks'][number]; position: number }>,
  ): Promise<void> {
    if (checks.length === 0) return;
    const rows = checks.map(({ check, position }) => checkResultRow(check, position));
    await this.pool.query(
      `
      INSERT INTO check_results (attempt_id, check_id, position, title, outcome, points_awarded,
                                 points_possible, message, hint, details)
      SELECT $1::uuid, c.check_id, c.position, c.title, c.outcome::check_outcome,
             c.points_awarded, c.points_possible, c.message, c.hint, c.details
        FROM jsonb_to_recordset($2::jsonb) AS c(
               check_id text, position int, title text, outcome text, points_awarded numeric,
               points_possible numeric, message text, hint text, details jsonb)
       WHERE EXISTS (SELECT 1 FROM attempts WHERE id = $1::uuid AND status = 'running')
      ON CONFLICT (attempt_id, check_id) DO UPDATE
         SET position = EXCLUDED.position, title = EXCLUDED.title, outcome = EXCLUDED.outcome,
             points_awarded = EXCLUDED.points_awarded, points_possible = EXCLUDED.points_possible,
             message = EXCLUDED.message, hint = EXCLUDED.hint, details = EXCLUDED.details`,
      [id, JSON.stringify(rows)],
    );
  }

  /**
   * Writes the whole grade at once, in one statement (atomic without an interactive
   * transaction): the attempt finishes, its outbox event is written, the results replace any
   * earlier rows (progress shown while it ran, or a run that crashed), so a retried job leaves
   * exactly one set, and the result's first version is recorded. The cluster secret is erased.
   * The parts only run if the attempt was still running: a run that lost the race (it timed out
   * and the attempt was finished by another path) must not overwrite the outcome.
   *
   * The event and the version are built here from the same columns that buildAttemptEvent and
   * snapshotVersion read (score and points as stored, numeric(8,2)); the statements' parts do
   * not see each other's writes, so nothing is read back.
   */
  async saveGrade(
    id: string,
    grade: AttemptGrade,
    finishedAt: Date,
    options: { notGradableReason?: string; notGradableCode?: string } = {},
  ): Promise<void> {
    const notGradable = options.notGradableReason !== undefined;
    const eventType: AttemptEventType = notGradable ? 'attempt.not_gradable' : 'attempt.graded';
    const checks = grade.checks.map((check, position) => checkResultRow(check, position));
    const quiz = grade.quiz.map((answer, position) => ({
      question_id: answer.questionId,
      position,
      answer: answer.answer ?? null,
      matched_concepts: answer.matchedConcepts,
      points_awarded: answer.points,
      points_possible: answer.maxPoints,
      feedback: answer.message ?? null,
    }));
    const evidence = grade.evidence.map((item) => ({ kind: item.kind, data: item.data ?? null }));
    const at = finishedAt.toISOString();
    const { rows } = await this.pool.query(
      `
      WITH finished AS (
        UPDATE attempts
           SET status = $1::attempt_status,
               score = $2::numeric,
               max_score = $3::numeric,
               passed = $4::boolean,
               finished_at = $5::timestamptz,
               cluster_secret = NULL,
               not_gradable_reason = $6::text,
               not_gradable_code = $7::text,
               next_step = NULL,
               parked_until = NULL
         WHERE id = $8::uuid AND status = 'running'
        RETURNING id, tenant_id, assessment_id, assessment_version, learner_id, course_id, status,
                  score, max_score, passed, not_gradable_reason, lti_line_item_url, lti_user_id),
      new_checks AS (
        SELECT * FROM jsonb_to_recordset($9::jsonb) AS c(
          check_id text, position int, title text, outcome text, points_awarded numeric,
          points_possible numeric, message text, hint text, details jsonb)),
      new_quiz AS (
        SELECT * FROM jsonb_to_recordset($10::jsonb) AS q(
          question_id text, position int, answer jsonb, matched_concepts jsonb,
          points_awarded numeric, points_possible numeric, feedback text)),
      event AS (
        INSERT INTO attempt_events (id, tenant_id, attempt_id, type, payload, created_at)
        SELECT $11::uuid, f.tenant_id, f.id, $12::text,
               jsonb_build_object(
                 'type', $12::text,
                 'timestamp', $13::text,
                 'data', jsonb_build_object(
                   'attemptId', f.id, 'assessmentId', f.assessment_id,
                   'assessmentVersion', f.assessment_version, 'learnerId', f.learner_id,
                   'courseId', f.course_id, 'status', f.status::text,
                   'score', f.score::float8, 'maxScore', f.max_score::float8,
                   'passed', f.passed, 'notGradableReason', f.not_gradable_reason,
                   'finishedAt', $13::text,
                   'lti', CASE WHEN f.lti_line_item_url IS NULL THEN NULL
                               ELSE jsonb_build_object('lineItemUrl', f.lti_line_item_url,
                                      'userId', COALESCE(f.lti_user_id, f.learner_id)) END)),
               $5::timestamptz
          FROM finished f),
      stale_checks AS (
        DELETE FROM check_results r USING finished f
         WHERE r.attempt_id = f.id
           AND r.check_id NOT IN (SELECT check_id FROM new_checks)),
      written_checks AS (
        INSERT INTO check_results (attempt_id, check_id, position, title, outcome, points_awarded,
                                   points_possible, message, hint, details)
        SELECT f.id, c.check_id, c.position, c.title, c.outcome::check_outcome, c.points_awarded,
               c.points_possible, c.message, c.hint, COALESCE(c.details, '{}'::jsonb)
          FROM finished f, new_checks c
        ON CONFLICT (attempt_id, check_id) DO UPDATE
           SET position = EXCLUDED.position, title = EXCLUDED.title, outcome = EXCLUDED.outcome,
               points_awarded = EXCLUDED.points_awarded,
               points_possible = EXCLUDED.points_possible, message = EXCLUDED.message,
               hint = EXCLUDED.hint, details = EXCLUDED.details),
      stale_quiz AS (
        DELETE FROM quiz_answers a USING finished f
         WHERE a.attempt_id = f.id
           AND a.question_id NOT IN (SELECT question_id FROM new_quiz)),
      written_quiz AS (
        INSERT INTO quiz_answers (attempt_id, question_id, position, answer, matched_concepts,
                                  points_awarded, points_possible, feedback)
        SELECT f.id, q.question_id, q.position, COALESCE(q.answer, 'null'::jsonb),
               ARRAY(SELECT jsonb_array_elements_text(q.matched_concepts)), q.points_awarded,
               q.points_possible, q.feedback
          FROM finished f, new_quiz q
        ON CONFLICT (attempt_id, question_id) DO UPDATE
           SET position = EXCLUDED.position, answer = EXCLUDED.answer,
               matched_concepts = EXCLUDED.matched_concepts,
               points_awarded = EXCLUDED.points_awarded,
               points_possible = EXCLUDED.points_possible, feedback = EXCLUDED.feedback),
      stale_evidence AS (
        DELETE FROM evidence e USING finished f WHERE e.attempt_id = f.id),
      written_evidence AS (
        INSERT INTO evidence (attempt_id, kind, data)
        SELECT f.id, e.value->>'kind', COALESCE(e.value->'data', 'null'::jsonb)
          FROM finished f,
               jsonb_array_elements($14::jsonb) WITH ORDINALITY AS e
         ORDER BY e.ordinality),
      version AS (
        -- Every grading is kept as a version of the result; regrades and overrides add more.
        INSERT INTO result_versions (attempt_id, version, cause, assessment_version, score,
                                     max_score, passed, checks, quiz, actor)
        SELECT f.id,
               COALESCE((SELECT MAX(v.version) FROM result_versions v
                          WHERE v.attempt_id = f.id), 0) + 1,
               'graded', f.assessment_version, f.score, f.max_score, f.passed,
               COALESCE((SELECT jsonb_agg(jsonb_build_object(
                                  'id', c.check_id, 'outcome', c.outcome,
                                  'points', c.points_awarded::numeric(8, 2)::float8,
                                  'maxPoints', c.points_possible::numeric(8, 2)::float8)
                                ORDER BY c.position) FROM new_checks c), '[]'::jsonb),
               COALESCE((SELECT jsonb_agg(jsonb_build_object(
                                  'questionId', q.question_id,
                                  'points', q.points_awarded::numeric(8, 2)::float8,
                                  'maxPoints', q.points_possible::numeric(8, 2)::float8)
                                ORDER BY q.position) FROM new_quiz q), '[]'::jsonb),
               NULL
          FROM finished f)
      SELECT count(*)::int AS finished FROM finished`,
      [
        notGradable ? 'not_gradable' : 'graded',
        notGradable ? null : grade.score,
        grade.maxScore,
        notGradable ? null : grade.passed,
        finishedAt,
        options.notGradableReason ?? null,
        options.notGradableCode ?? null,
        id,
        JSON.stringify(checks),
        JSON.stringify(quiz),
        randomUUID(),
        eventType,
        at,
        JSON.stringify(evidence),
      ],
    );
    const [row] = rows as unknown[];
    if (z.object({ finished: z.number() }).parse(row).finished === 0) {
      throw new AttemptNotRunningError(id);
    }
  }

  /** Finishes an unfinished attempt as not gradable; a finished one is left as it is. */
  async markNotGradable(
    id: string,
    reason: string,
    finishedAt: Date,
    code = 'GRADING_FAILED',
  ): Promise<boolean> {
    return this.prisma.$transaction(async (tx) => {
      const [attempt] = await tx.attempt.updateManyAndReturn({
        where: { id, status: { in: ['queued', 'running'] } },
        data: {
          status: 'not_gradable',
          notGradableReason: reason,
          notGradableCode: code,
          finishedAt,
          clusterSecret: null,
          nextStep: Prisma.DbNull,
          parkedUntil: null,
        },
        select: attemptEventSourceColumns,
      });
      if (!attempt) return false;
      await tx.attemptEvent.create({
        data: buildAttemptEvent('attempt.not_gradable', attempt, finishedAt),
      });
      return true;
    });
  }

  /**
   * Erases the cluster credentials of every unfinished attempt received before `receivedBefore`
   * and finishes it as not gradable, in one statement, so that an attempt whose job was lost or
   * keeps failing does not keep a learner's credentials forever. A worker still grading one of
   * them loses the race on purpose: saveGrade only finishes a running attempt.
   * Returns the ids of the attempts it finished.
   */
  async abandonAttemptsWithExpiredSecrets(options: {
    receivedBefore: Date;
    reason: string;
    finishedAt: Date;
  }): Promise<string[]> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.attempt.updateManyAndReturn({
        where: {
          status: { in: ['queued', 'running'] },
          receivedAt: { lt: options.receivedBefore },
          clusterSecret: { not: null },
        },
        data: {
          status: 'not_gradable',
          notGradableReason: options.reason,
          notGradableCode: 'CLUSTER_SECRET_EXPIRED',
          finishedAt: options.finishedAt,
          clusterSecret: null,
          nextStep: Prisma.DbNull,
          parkedUntil: null,
        },
        select: attemptEventSourceColumns,
      });
      await tx.attemptEvent.createMany({
        data: rows.map((row) => buildAttemptEvent('attempt.not_gradable', row, options.finishedAt)),
      });
      return rows.map((row) => row.id);
    });
  }

  /** Attempts still queued: the worker re-enqueues them at start in case a POST crashed mid-way. */
  async listQueuedIds(limit: number): Promise<string[]> {
    const rows = await this.prisma.attempt.findMany({
      where: { status: { in: ['queued', 'running'] } },
      select: { id: true },
      orderBy: { receivedAt: 'asc' },
      take: limit,
    });
    return rows.map((row) => row.id);
  }
}

const insertAttemptSql = `
  INSERT INTO attempts (id, tenant_id, assessment_id, assessment_version, learner_id, course_id,
                        manifest, submitted_answers, queue_name, cluster_secret,
                        grade_without_cluster, idempotency_key, request_hash)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb, $9, $10, $11, $12, $13)`;

const idempotentAttemptRowSchema = z.object({
  id: z.string(),
  requestHash: z.string().nullable(),
  status: z.enum(attemptStatuses),
});

/** Decimal columns come back as float8: scores have two decimals, well within a double. */
const findAttemptColumns = `
  a.id, a.tenant_id AS "tenantId", a.assessment_id AS "assessmentId",
  a.assessment_version AS "assessmentVersion", a.learner_id AS "learnerId",
  a.course_id AS "courseId", a.status, a.manifest, a.submitted_answers AS "answers",
  a.grade_without_cluster AS "gradeWithoutCluster",
  a.not_gradable_reason AS "notGradableReason", a.not_gradable_code AS "notGradableCode",
  a.next_step AS "nextStep", a.score::float8 AS score, a.max_score::float8 AS "maxScore",
  a.passed, a.grading_runs AS "gradingRuns", a.received_at AS "receivedAt",
  a.started_at AS "startedAt", a.finished_at AS "finishedAt",
  COALESCE((SELECT json_agg(json_build_object(
                     'id', c.check_id, 'title', c.title, 'outcome', c.outcome,
                     'points', c.points_awarded::float8, 'maxPoints', c.points_possible::float8,
                     'message', c.message, 'hint', c.hint, 'details', c.details)
                   ORDER BY c.position)
              FROM check_results c WHERE c.attempt_id = a.id), '[]') AS checks,
  COALESCE((SELECT json_agg(json_build_object(
                     'questionId', q.question_id, 'answer', q.answer,
                     'points', q.points_awarded::float8, 'maxPoints', q.points_possible::float8,
                     'matchedConcepts', q.matched_concepts, 'feedback', q.feedback)
                   ORDER BY q.position)
              FROM quiz_answers q WHERE q.attempt_id = a.id), '[]') AS quiz`;
const findAttemptSql = `SELECT ${findAttemptColumns} FROM attempts a WHERE a.id = $1`;
const findTenantAttemptSql = `SELECT ${findAttemptColumns} FROM attempts a WHERE a.id = $1 AND a.tenant_id = $2`;

/** A row of findAttemptSql, parsed at the boundary (the driver's values are not trusted as typed). */
const storedAttemptRowSchema = z.object({
  id: z.string(),
  tenantId: z.string(),
  assessmentId: z.string(),
  assessmentVersion: z.string(),
  learnerId: z.string(),
  courseId: z.string().nullable(),
  status: z.enum(attemptStatuses),
  manifest: z.string(),
  answers: quizAnswersSchema,
  gradeWithoutCluster: z.boolean(),
  notGradableReason: z.string().nullable(),
  notGradableCode: z.string().nullable(),
  nextStep: z.unknown(),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  passed: z.boolean().nullable(),
  gradingRuns: z.number().int(),
  receivedAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  checks: z.array(
    z.object({
      id: z.string(),
      title: z.string(),
      outcome: z.enum(checkOutcomes),
      points: z.number(),
      maxPoints: z.number(),
      message: z.string(),
      hint: z.string().nullable(),
      details: z.unknown(),
    }),
  ),
  quiz: z.array(
    z.object({
      questionId: z.string(),
      answer: z.unknown(),
      points: z.number(),
      maxPoints: z.number(),
      matchedConcepts: z.array(z.string()),
      feedback: z.string().nullable(),
    }),
  ),
});

/** A graded check as a check_results row, for the statements that expand a jsonb array of them. */
function checkResultRow(check: AttemptGrade['checks'][number], position: number) {
  return {
    check_id: check.id,
    position,
    title: check.title,
    outcome: check.outcome,
    points_awarded: check.points,
    points_possible: check.maxPoints,
    message: check.message,
    hint: check.hint ?? null,
    details: check.details ?? {},
  };
}
