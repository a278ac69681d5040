import { z } from 'zod';

/**
 * The result of grading one attempt: what the worker stores and the API returns.
 * Field names here are what integrations code against; change them only with a new API version.
 */

/**
 * `error` means the grader could not look, which is never a fail. `skipped` is a cluster check
 * not run because the attempt asked to be graded without a cluster: it scores 0, by choice.
 */
export const checkOutcomes = ['passed', 'failed', 'error', 'skipped'] as const;
export type CheckOutcome = (typeof checkOutcomes)[number];

export interface CheckGrade {
  id: string;
  title: string;
  outcome: CheckOutcome;
  points: number;
  maxPoints: number;
  /** Plain-words feedback for the learner: why it passed or what is wrong. */
  message: string;
  hint?: string;
  /** Machine-readable evidence that decided the outcome (expected/actual, reason...). */
  details: Record<string, unknown>;
}

export interface QuizGrade {
  questionId: string;
  /** The learner's raw answer: free text, or the ids of the chosen options. */
  answer: string | string[] | null;
  points: number;
  maxPoints: number;
  matchedConcepts: string[];
  message: string;
}

/** Something the grader observed: the parsed manifest, a cluster object, events, a timeline. */
export interface EvidenceItem {
  kind: string;
  data: unknown;
}

export interface AttemptGrade {
  score: number;
  maxScore: number;
  passed: boolean;
  checks: CheckGrade[];
  quiz: QuizGrade[];
  evidence: EvidenceItem[];
}

/**
 * Quiz answers as submitted, keyed by question id: free text, or the ids of the chosen options.
 * The schema reads them back where they are stored (attempts.submitted_answers, self-tests).
 */
export const quizAnswersSchema = z.record(z.string(), z.union([z.string(), z.array(z.string())]));
export type QuizAnswers = z.infer<typeof quizAnswersSchema>;

export interface AttemptSubmission {
  manifest: string;
  answers: QuizAnswers;
  /** The learner chose to be graded without a cluster: cluster checks are `skipped`. */
  gradeWithoutCluster?: boolean;
}
