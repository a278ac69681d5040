/**
 * What a check runner concludes, before points and feedback texts are attached.
 * `explanation` is a plain-words clause saying what was expected and what was found.
 * `Mode` is the runner's kind's own failure modes (see check-kind.ts).
 */
export type CheckVerdict<Mode extends string = string> =
  | { outcome: 'passed'; explanation?: string; details?: Record<string, unknown> }
  | {
      outcome: 'failed';
      failureMode: Mode;
      explanation: string;
      details?: Record<string, unknown>;
    }
  /** The grader could not look; `reason` is a stable code such as CLUSTER_NOT_PROVIDED. */
  | { outcome: 'error'; reason: string; explanation: string; details?: Record<string, unknown> };
