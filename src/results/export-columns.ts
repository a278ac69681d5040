import type { ExportColumns, ExportedAttempt, ExportedLearner } from './exported-attempt.js';

/**
 * The CSV column contract (integrations and spreadsheets rely on it; extend, never rename):
 *
 * per attempt: attempt_id, assessment_id, assessment_version, learner_id, course_id, status,
 *   score, max_score, passed, received_at, started_at, finished_at, not_gradable_reason, then for
 *   each check `check:<id>` (points awarded) and `check:<id>:outcome` (passed | failed | error),
 *   for each quiz question `quiz:<id>` (points) and `quiz:<id>:matched` (matched concept ids,
 *   `;`-separated), and last `overrides`: the `check:<id>` / `quiz:<id>` items an instructor
 *   overrode, `;`-separated (their columns then hold the overridden values); empty when none.
 * per learner: learner_id, assessment_id, course_id, attempts, then `best_` and `latest_`
 *   versions of attempt_id, score, max_score, passed, status, received_at, then the check and
 *   quiz columns and `overrides` of the best attempt (of the latest when none was graded).
 */
const attemptFields = [
  'attempt_id',
  'assessment_id',
  'assessment_version',
  'learner_id',
  'course_id',
  'status',
  'score',
  'max_score',
  'passed',
  'received_at',
  'started_at',
  'finished_at',
  'not_gradable_reason',
] as const;

const summaryFields = ['attempt_id', 'score', 'max_score', 'passed', 'status', 'received_at'];

function itemHeader(columns: ExportColumns): string[] {
  return [
    ...columns.checkIds.flatMap((id) => [`check:${id}`, `check:${id}:outcome`]),
    ...columns.questionIds.flatMap((id) => [`quiz:${id}`, `quiz:${id}:matched`]),
    'overrides',
  ];
}

export function attemptHeader(columns: ExportColumns): string[] {
  return [...attemptFields, ...itemHeader(columns)];
}

export function learnerHeader(columns: ExportColumns): string[] {
  return [
    'learner_id',
    'assessment_id',
    'course_id',
    'attempts',
    ...summaryFields.map((field) => `best_${field}`),
    ...summaryFields.map((field) => `latest_${field}`),
    ...itemHeader(columns),
  ];
}

type Cell = string | number | boolean | Date | null;

function itemCells(attempt: ExportedAttempt, columns: ExportColumns): Cell[] {
  return [
    ...columns.checkIds.flatMap((id) => {
      const check = attempt.checks[id];
      return [check?.points ?? null, check?.outcome ?? null];
    }),
    ...columns.questionIds.flatMap((id) => {
      const answer = attempt.quiz[id];
      return [
        answer?.points ?? null,
        answer === undefined ? null : (answer.matched ?? []).join(';'),
      ];
    }),
    attempt.overrides.join(';'),
  ];
}

export function attemptRecord(attempt: ExportedAttempt, columns: ExportColumns): Cell[] {
  return [
    attempt.id,
    attempt.assessmentId,
    attempt.assessmentVersion,
    attempt.learnerId,
    attempt.courseId,
    attempt.status,
    attempt.score,
    attempt.maxScore,
    attempt.passed,
    attempt.receivedAt,
    attempt.startedAt,
    attempt.finishedAt,
    attempt.notGradableReason,
    ...itemCells(attempt, columns),
  ];
}

function summary(attempt: ExportedAttempt | null): Cell[] {
  if (attempt === null) return summaryFields.map(() => null);
  return [
    attempt.id,
    attempt.score,
    attempt.maxScore,
    attempt.passed,
    attempt.status,
    attempt.receivedAt,
  ];
}

export function learnerRecord(learner: ExportedLearner, columns: ExportColumns): Cell[] {
  return [
    learner.learnerId,
    learner.assessmentId,
    learner.courseId,
    learner.attempts,
    ...summary(learner.best),
    ...summary(learner.latest),
    ...itemCells(learner.best ?? learner.latest, columns),
  ];
}
