import type pg from 'pg';
import { z } from 'zod';
import {
  exportedAttemptSchema,
  type ExportColumns,
  type ExportedAttempt,
} from '../results/exported-attempt.js';
import type { ResultsFilter } from '../results/results-filter.js';

/**
 * Reads attempts for an export in keyset-paginated batches ((received_at, id) order), so a
 * million rows never sit in memory: the caller asks for the next batch only when it has
 * written the last one. Prisma has no cursor streaming; this is plain SQL on a pg pool.
 */
export class ResultsExportReader {
  constructor(
    private readonly pool: pg.Pool,
    private readonly batchSize = 1000,
  ) {}

  /** The check and question ids of the selected attempts, in rubric order: the CSV's columns. */
  async columns(filter: ResultsFilter): Promise<ExportColumns> {
    const where = whereClause(filter);
    const query = (table: string, idColumn: string) => `
      SELECT r.${idColumn} AS id, min(r.position) AS position
        FROM ${table} r JOIN attempts a ON a.id = r.attempt_id
       WHERE ${where.sql}
       GROUP BY r.${idColumn} ORDER BY position, id`;
    const ids = z.array(z.object({ id: z.string() }));
    const checks = await this.pool.query(query('check_results', 'check_id'), where.values);
    const questions = await this.pool.query(query('quiz_answers', 'question_id'), where.values);
    return {
      checkIds: ids.parse(checks.rows).map((row) => row.id),
      questionIds: ids.parse(questions.rows).map((row) => row.id),
    };
  }

  /** Every selected attempt, one batch at a time. */
  async *attempts(filter: ResultsFilter): AsyncGenerator<ExportedAttempt[]> {
    let after: { receivedAt: Date; id: string } | undefined;
    for (;;) {
      const where = whereClause(filter);
      const values = [...where.values];
      let keyset = '';
      if (after !== undefined) {
        values.push(after.receivedAt, after.id);
        keyset = `AND (a.received_at, a.id) > ($${values.length - 1}, $${values.length})`;
      }
      values.push(this.batchSize);
      const result = await this.pool.query(
        `${attemptSelect} WHERE ${where.sql} ${keyset}
          ORDER BY a.received_at, a.id LIMIT $${values.length}`,
        values,
      );
      const batch = result.rows.map((row) => exportedAttemptSchema.parse(row));
      if (batch.length > 0) yield batch;
      if (batch.length < this.batchSize) return;
      const last = batch[batch.length - 1] as ExportedAttempt;
      after = { receivedAt: last.receivedAt, id: last.id };
    }
  }

  /** The selected attempts grouped by learner and assessment, in that order, a batch of learners at a time. */
  async *learnerAttempts(filter: ResultsFilter): AsyncGenerator<ExportedAttempt[][]> {
    let after: { assessmentId: string; learnerId: string } | undefined;
    for (;;) {
      const where = whereClause(filter);
      const values = [...where.values];
      let keyset = '';
      if (after !== undefined) {
        values.push(after.assessmentId, after.learnerId);
        keyset = `AND (a.assessment_id, a.learner_id) > ($${values.length - 1}, $${values.length})`;
      }
      values.push(this.batchSize);
      const learners = await this.pool.query(
        `SELECT a.assessment_id, a.learner_id FROM attempts a WHERE ${where.sql} ${keyset}
          GROUP BY 1, 2 ORDER BY 1, 2 LIMIT $${values.length}`,
        values,
      );
      const keys = z
        .array(z.object({ assessment_id: z.string(), learner_id: z.string() }))
        .parse(learners.rows);
      if (keys.length === 0) return;
      const first = keys[0] as (typeof keys)[number];
      const last = keys[keys.length - 1] as (typeof keys)[number];
      const rangeValues = [...where.values, first.assessment_id, first.learner_id];
      rangeValues.push(last.assessment_id, last.learner_id);
      const n = rangeValues.length;
      const rows = await this.pool.query(
        `${attemptSelect} WHERE ${where.sql}
            AND (a.assessment_id, a.learner_id) >= ($${n - 3}, $${n - 2})
            AND (a.assessment_id, a.learner_id) <= ($${n - 1}, $${n})
          ORDER BY a.assessment_id, a.learner_id, a.received_at, a.id`,
        rangeValues,
      );
      const groups: ExportedAttempt[][] = [];
      for (const attempt of rows.rows.map((row) => exportedAttemptSchema.parse(row))) {
        const group = groups[groups.length - 1];
        const head = group?.[0];
        if (head?.learnerId === attempt.learnerId && head.assessmentId === attempt.assessmentId) {
          group?.push(attempt);
        } else {
          groups.push([attempt]);
        }
      }
      yield groups;
      if (keys.length < this.batchSize) return;
      after = { assessmentId: last.assessment_id, learnerId: last.learner_id };
    }
  }
}

/** Numbers come out of numeric columns as float8, timestamps as Date (pg's own parsing). */
const attemptSelect = `
  SELECT a.id, a.assessment_id AS "assessmentId", a.assessment_version AS "assessmentVersion",
         a.learner_id AS "learnerId", a.course_id AS "courseId", a.status::text AS status,
         a.score::float8 AS score, a.max_score::float8 AS "maxScore", a.passed,
         a.received_at AS "receivedAt", a.started_at AS "startedAt",
         a.finished_at AS "finishedAt", a.not_gradable_reason AS "notGradableReason",
         COALESCE((SELECT json_object_agg(c.check_id, json_build_object(
                     'points', c.points_awarded::float8, 'maxPoints', c.points_possible::float8,
                     'outcome', c.outcome))
                     FROM check_results c WHERE c.attempt_id = a.id), '{}'::json) AS checks,
         COALESCE((SELECT json_object_agg(q.question_id, json_build_object(
                     'points', q.points_awarded::float8, 'maxPoints', q.points_possible::float8,
                     'matched', q.matched_concepts))
                     FROM quiz_answers q WHERE q.attempt_id = a.id), '{}'::json) AS quiz,
         -- The items whose value in force is an instructor's (the columns above already hold
         -- it, since an override rewrites the row); superseded ones are only history.
         ARRAY(SELECT DISTINCT o.target || ':' || o.target_id FROM result_overrides o
                WHERE o.attempt_id = a.id AND o.superseded_at IS NULL
                ORDER BY 1) AS overrides
    FROM attempts a`;

function whereClause(filter: ResultsFilter): { sql: string; values: unknown[] } {
  const conditions: string[] = ['TRUE'];
  const values: unknown[] = [];
  const add = (sql: (placeholder: string) => string, value: unknown): void => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filter.assessmentId !== undefined) add((p) => `a.assessment_id = ${p}`, filter.assessmentId);
  if (filter.courseId !== undefined) add((p) => `a.course_id = ${p}`, filter.courseId);
  if (filter.from !== undefined) add((p) => `a.received_at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `a.received_at < ${p}`, filter.to);
  if (filter.tenantId !== undefined) add((p) => `a.tenant_id = ${p}`, filter.tenantId);
  return { sql: conditions.join(' AND '), values };
}
