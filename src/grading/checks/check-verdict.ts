import type { FailureMode } from '../../assessments/format/check-base.js';

/**
 * What a check runner concludes, before points and feedback texts are attached.
 * `explanation` is a plain-words clause saying what was expected and what was found.
 */
export type CheckVerdict =
  | { outcome: 'passed'; explanation?: string; details?: Record<string, unknown> }
  | {
      outcome: 'failed';
      failureMode: FailureMode;
      explanation: string;
      details?: Record<string, unknown>;
    }
  /** The grader could not look; `reason` is a stable code such as CLUSTER_NOT_PROVIDED. */
  | { outcome: 'error'; reason: string; explanation: string; details?: Record<string, unknown> };
