import { z } from 'zod';
import { checkOutcomes } from '../grading/attempt-grade.js';
import { attemptOutcomeShape } from '../attempts/attempt-outcome.js';

/** One graded item (a check or a quiz question) of an exported attempt. */
const itemResult = z.object({
  points: z.number(),
  maxPoints: z.number(),
  /** A check's outcome (passed, failed, error); absent for quiz questions. */
  outcome: z.enum(checkOutcomes).optional(),
  /** Concepts matched in a free-text answer; absent for checks. */
  matched: z.array(z.string()).optional(),
});

/**
 * One attempt as the export reads it from PostgreSQL, parsed rather than cast. Never holds the
 * manifest, the answers' text or cluster credentials: an export goes to spreadsheets and email.
 */
export const exportedAttemptSchema = z.object({
  id: z.uuid(),
  ...attemptOutcomeShape,
  receivedAt: z.date(),
  startedAt: z.date().nullable(),
  finishedAt: z.date().nullable(),
  notGradableReason: z.string().nullable(),
  checks: z.record(z.string(), itemResult),
  quiz: z.record(z.string(), itemResult),
  /**
   * Ids of the checks and quiz questions whose result an instructor overrode (the check and
   * quiz values above are then the overridden ones), as `check:<id>` / `quiz:<id>`.
   */
  overrides: z.array(z.string()),
});
export type ExportedAttempt = z.infer<typeof exportedAttemptSchema>;

/** A learner's attempts at one assessment, summed up by the best and the latest of them. */
export interface ExportedLearner {
  learnerId: string;
  assessmentId: string;
  courseId: string | null;
  attempts: number;
  best: ExportedAttempt | null;
  latest: ExportedAttempt;
}

/** The columns the export has for an assessment's checks and questions, in rubric order. */
export interface ExportColumns {
  checkIds: string[];
  questionIds: string[];
}
