import { z } from 'zod';
import { attemptStatuses } from '../attempts/attempt-outcome.js';

/**
 * What the instructor views show for one assessment of one tenant: aggregates computed by
 * PostgreSQL (src/db/instructor-report-reader.ts), never by loading every attempt.
 */

/** The selection: the tenant and assessment come from the signed link, the rest from the form. */
export interface InstructorReportFilter {
  tenantId: string;
  assessmentId: string;
  courseId?: string;
  /** Attempts received in [from, to). */
  from?: Date;
  to?: Date;
  assessmentVersion?: string;
}

const count = z.coerce.number().int().nonnegative();
const decimal = z.number().nullable();

export const reportSummarySchema = z.object({
  attempts: count,
  learners: count,
  graded: count,
  notGradable: count,
  inProgress: count,
  passed: count,
  averageScore: decimal,
  maxScore: decimal,
});
export type ReportSummary = z.infer<typeof reportSummarySchema>;

const attemptSummary = z.object({
  id: z.uuid(),
  score: decimal,
  maxScore: decimal,
  passed: z.boolean().nullable(),
  status: z.enum(attemptStatuses),
  receivedAt: z.coerce.date(),
});
export type AttemptSummary = z.infer<typeof attemptSummary>;

export const learnerResultSchema = z.object({
  learnerId: z.string(),
  courseId: z.string().nullable(),
  attempts: count,
  /** The graded attempt with the highest score (the earlier on a tie, as the export); none if none graded. */
  best: attemptSummary.nullable(),
  latest: attemptSummary,
});
export type LearnerResult = z.infer<typeof learnerResultSchema>;

export const checkPassRateSchema = z.object({
  checkId: z.string(),
  title: z.string(),
  graded: count,
  passed: count,
  failed: count,
  error: count,
  skipped: count,
});
export type CheckPassRate = z.infer<typeof checkPassRateSchema>;

export const conceptCountSchema = z.object({
  questionId: z.string(),
  conceptId: z.string(),
  answers: count,
});
export type ConceptCount = z.infer<typeof conceptCountSchema>;

export const questionSummarySchema = z.object({
  questionId: z.string(),
  answers: count,
  fullMarks: count,
  averagePoints: decimal,
  maxPoints: decimal,
});
export type QuestionSummary = z.infer<typeof questionSummarySchema>;

/** An answer (normalised: trimmed, lower case, spaces collapsed) that did not earn full points. */
export const unmatchedAnswerSchema = z.object({
  questionId: z.string(),
  answer: z.string(),
  answers: count,
});
export type UnmatchedAnswer = z.infer<typeof unmatchedAnswerSchema>;

export const notGradableReasonSchema = z.object({
  code: z.string(),
  attempts: count,
  /** One of the stored reasons for this code, as an example. */
  example: z.string().nullable(),
});
export type NotGradableReason = z.infer<typeof notGradableReasonSchema>;

export interface InstructorReport {
  summary: ReportSummary;
  learners: LearnerResult[];
  /** True when there are more learners than the page lists (the export has them all). */
  moreLearners: boolean;
  checks: CheckPassRate[];
  questions: QuestionSummary[];
  concepts: ConceptCount[];
  unmatchedAnswers: UnmatchedAnswer[];
  notGradable: NotGradableReason[];
  /** What the filter form offers: the courses and rubric versions this link can see. */
  choices: { courses: string[]; versions: string[] };
}
