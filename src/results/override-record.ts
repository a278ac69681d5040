import { z } from 'zod';
import { checkOutcomes } from '../grading/attempt-grade.js';

/** The value of one check or quiz answer: what an override changes and a regrade recomputes. */
export const resultValueSchema = z.object({
  outcome: z.enum(checkOutcomes).optional(),
  points: z.number(),
});
export type ResultValue = z.infer<typeof resultValueSchema>;

export const overrideTargetSchema = z.enum(['check', 'quiz']);
export type OverrideTarget = z.infer<typeof overrideTargetSchema>;

/** One instructor override as kept in the audit trail. */
export interface OverrideRecord {
  id: string;
  attemptId: string;
  target: OverrideTarget;
  targetId: string;
  before: ResultValue;
  after: ResultValue;
  reason: string;
  actor: string;
  createdAt: Date;
  /** A later override of the same target took over; this one stays in the trail. */
  supersededAt: Date | null;
  /** A regrade would have changed this target; the override stayed in force, flagged for review. */
  needsReview: boolean;
  flaggedAt: Date | null;
  /** What the regrade computed for the target, when flagged. */
  regradedValue: ResultValue | null;
}
