import type pg from 'pg';
import { z } from 'zod';
import {
  checkPassRateSchema,
  conceptCountSchema,
  learnerResultSchema,
  notGradableReasonSchema,
  questionSummarySchema,
  reportSummarySchema,
  unmatchedAnswerSchema,
  type InstructorReport,
  type InstructorReportFilter,
} from '../results/instructor-report.js';

/** How many learners a page lists; the export gives every one. */
export const learnersPerPage = 500;
/** How many of the most common not-fully-correct answers are shown per question. */
const unmatchedPerQuestion = 5;

/**
 * The instructor views' numbers, each one aggregate query over the selected attempts (plain SQL
 * on the pg pool, like the export). Nothing here loads every attempt: a course of thousands
 * costs a few grouped scans, and the learner list is capped at `learnersPerPage`.
 */
export class InstructorReportReader {
  constructor(private readonly pool: pg.Pool) {}

  async read(filter: InstructorReportFilter): Promise<InstructorReport> {
    const where = whereClause(filter);
    const scope = scopeClause(filter);
    const query = async <T>(sql: string, schema: z.ZodType<T>, values = where.values) =>
      z.array(schema).parse((await this.pool.query(sql, values)).rows);

    const [summary, learners, checks, questions, concepts, unmatched, notGradable, choices] =
      await Promise.all([
        query(summarySql(where.sql), reportSummarySchema),
        query(learnersSql(where.sql, learnersPerPage + 1), learnerResultSchema),
        query(checksSql(where.sql), checkPassRateSchema),
        query(questionsSql(where.sql), questionSummarySchema),
        query(conceptsSql(where.sql), conceptCountSchema),
        query(unmatchedSql(where.sql), unmatchedAnswerSchema),
        query(notGradableSql(where.sql), notGradableReasonSchema),
        query(
          choicesSql(scope.sql),
          z.object({ kind: z.enum(['course', 'version']), value: z.string() }),
          scope.values,
        ),
      ]);
    // An aggregate without GROUP BY always answers one row.
    const [totals] = summary;
    if (totals === undefined) throw new Error('the summary query answered no row');
    return {
      summary: totals,
      learners: learners.slice(0, learnersPerPage),
      moreLearners: learners.length > learnersPerPage,
      checks,
      questions,
      concepts,
      unmatchedAnswers: unmatched,
      notGradable,
      choices: {
        courses: choices.filter((row) => row.kind === 'course').map((row) => row.value),
        versions: choices.filter((row) => row.kind === 'version').map((row) => row.value),
      },
    };
  }
}

/** The tenant and assessment of the link, and the course it is limited to, if any. */
function scopeClause(filter: InstructorReportFilter): { sql: string; values: unknown[] } {
  const values: unknown[] = [filter.tenantId, filter.assessmentId];
  const conditions = ['a.tenant_id = $1', 'a.assessment_id = $2'];
  if (filter.courseId !== undefined) {
    values.push(filter.courseId);
    conditions.push(`a.course_id = $${values.length}`);
  }
  return { sql: conditions.join(' AND '), values };
}

function whereClause(filter: InstructorReportFilter): { sql: string; values: unknown[] } {
  const { sql, values } = scopeClause(filter);
  const conditions = [sql];
  const add = (condition: (placeholder: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(condition(`$${values.length}`));
  };
  if (filter.from !== undefined) add((p) => `a.received_at >= ${p}`, filter.from);
  if (filter.to !== undefined) add((p) => `a.received_at < ${p}`, filter.to);
  if (filter.assessmentVersion !== undefined) {
    add((p) => `a.assessment_version = ${p}`, filter.assessmentVersion);
  }
  return { sql: conditions.join(' AND '), values };
}

const summarySql = (where: string) => `
  SELECT count(*) AS attempts,
         count(DISTINCT a.learner_id) AS learners,
         count(*) FILTER (WHERE a.status = 'graded') AS graded,
         count(*) FILTER (WHERE a.status = 'not_gradable') AS "notGradable",
         count(*) FILTER (WHERE a.status IN ('queued', 'running')) AS "inProgress",
         count(*) FILTER (WHERE a.status = 'graded' AND a.passed) AS passed,
         (avg(a.score) FILTER (WHERE a.status = 'graded'))::float8 AS "averageScore",
         (max(a.max_score) FILTER (WHERE a.status = 'graded'))::float8 AS "maxScore"
    FROM attempts a WHERE ${where}`;

const attemptJson = (alias: string) => `json_build_object(
    'id', ${alias}.id, 'score', ${alias}.score::float8, 'maxScore', ${alias}.max_score::float8,
    'passed', ${alias}.passed, 'status', ${alias}.status, 'receivedAt', ${alias}.received_at)`;

/** Best = highest score among graded attempts (the earlier on a tie, as in the export); latest = last received. */
const learnersSql = (where: string, limit: number) => `
  WITH selected AS (SELECT a.* FROM attempts a WHERE ${where}),
  learners AS (
    SELECT learner_id, count(*) AS attempts FROM selected
     GROUP BY learner_id ORDER BY learner_id LIMIT ${limit}),
  latest AS (
    SELECT DISTINCT ON (s.learner_id) s.* FROM selected s JOIN learners USING (learner_id)
     ORDER BY s.learner_id, s.received_at DESC, s.id DESC),
  best AS (
    SELECT DISTINCT ON (s.learner_id) s.* FROM selected s JOIN learners USING (learner_id)
     WHERE s.status = 'graded'
     ORDER BY s.learner_id, s.score DESC NULLS LAST, s.received_at, s.id)
  SELECT l.learner_id AS "learnerId", latest.course_id AS "courseId", l.attempts,
         CASE WHEN best.id IS NULL THEN NULL ELSE ${attemptJson('best')} END AS best,
         ${attemptJson('latest')} AS latest
    FROM learners l
    JOIN latest USING (learner_id)
    LEFT JOIN best USING (learner_id)
   ORDER BY l.learner_id`;

const checksSql = (where: string) => `
  SELECT c.check_id AS "checkId", min(c.title) AS title, count(*) AS graded,
         count(*) FILTER (WHERE c.outcome = 'passed') AS passed,
         count(*) FILTER (WHERE c.outcome = 'failed') AS failed,
         count(*) FILTER (WHERE c.outcome = 'error') AS error,
         count(*) FILTER (WHERE c.outcome = 'skipped') AS skipped
    FROM check_results c JOIN attempts a ON a.id = c.attempt_id
   WHERE ${where} AND a.status = 'graded'
   GROUP BY c.check_id ORDER BY min(c.position), c.check_id`;

const questionsSql = (where: string) => `
  SELECT q.question_id AS "questionId", count(*) AS answers,
         count(*) FILTER (WHERE q.points_awarded >= q.points_possible) AS "fullMarks",
         avg(q.points_awarded)::float8 AS "averagePoints",
         max(q.points_possible)::float8 AS "maxPoints"
    FROM quiz_answers q JOIN attempts a ON a.id = q.attempt_id
   WHERE ${where} AND a.status = 'graded'
   GROUP BY q.question_id ORDER BY min(q.position), q.question_id`;

const conceptsSql = (where: string) => `
  SELECT q.question_id AS "questionId", concept AS "conceptId", count(*) AS answers
    FROM quiz_answers q JOIN attempts a ON a.id = q.attempt_id
         CROSS JOIN LATERAL unnest(q.matched_concepts) AS concept
   WHERE ${where} AND a.status = 'graded'
   GROUP BY 1, 2 ORDER BY 1, 3 DESC, 2`;

/** Free text as written (normalised); a choice question's answer as its sorted choice ids. */
const answerText = `lower(regexp_replace(btrim(CASE jsonb_typeof(q.answer::jsonb)
    WHEN 'string' THEN q.answer::jsonb #>> '{}'
    WHEN 'array' THEN (SELECT string_agg(x, ', ' ORDER BY x)
                         FROM jsonb_array_elements_text(q.answer::jsonb) AS x)
    ELSE '' END), '\\s+', ' ', 'g'))`;

const unmatchedSql = (where: string) => `
  WITH answers AS (
    SELECT q.question_id, ${answerText} AS answer, count(*) AS answers
      FROM quiz_answers q JOIN attempts a ON a.id = q.attempt_id
     WHERE ${where} AND a.status = 'graded' AND q.points_awarded < q.points_possible
     GROUP BY 1, 2),
  ranked AS (
    SELECT *, row_number() OVER (PARTITION BY question_id ORDER BY answers DESC, answer) AS rank
      FROM answers WHERE answer <> '')
  SELECT question_id AS "questionId", answer, answers FROM ranked
   WHERE rank <= ${unmatchedPerQuestion} ORDER BY question_id, rank`;

const notGradableSql = (where: string) => `
  SELECT COALESCE(a.not_gradable_code, 'UNKNOWN') AS code, count(*) AS attempts,
         min(a.not_gradable_reason) AS example
    FROM attempts a WHERE ${where} AND a.status = 'not_gradable'
   GROUP BY 1 ORDER BY 2 DESC, 1`;

/** At most 200 of each, so a tenant with years of courses still gets a usable form. */
const choicesSql = (scope: string) => `
  (SELECT DISTINCT 'course' AS kind, a.course_id AS value FROM attempts a
    WHERE ${scope} AND a.course_id IS NOT NULL ORDER BY 2 LIMIT 200)
  UNION ALL
  (SELECT DISTINCT 'version' AS kind, a.assessment_version AS value FROM attempts a
    WHERE ${scope} ORDER BY 2 LIMIT 200)`;
