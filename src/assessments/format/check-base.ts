import { z } from 'zod';
import { nonEmptyText, points, slugId } from './identifiers.js';

/**
 * Why a check can fail, for the matching every kind that compares objects shares. Each check
 * kind declares its own full list (see src/grading/checks/check-kind.ts): an author can write
 * feedback for exactly the failure modes of that kind, and its runner can return no other.
 */
export const matchingFailureModes = [
  'missing-field',
  'unexpected-field',
  'wrong-value',
  'wrong-type',
  'not-a-mapping',
  'missing-element',
] as const;

/** Feedback shown before the grader's own explanation (which says what was expected and found). */
export function checkFeedback<Mode extends string>(failureModes: readonly Mode[]) {
  const perModeFeedback = z.strictObject({
    default: z.string().optional(),
    ...Object.fromEntries(failureModes.map((mode) => [mode, z.string().optional()])),
  } as Record<'default' | Mode, z.ZodOptional<z.ZodString>>);
  return z.strictObject({
    passed: z.string().optional(),
    /** One text for every failure, or one per failure mode with an optional `default`. */
    failed: z.union([z.string(), perModeFeedback]).optional(),
  });
}

export interface CheckFeedback {
  passed?: string | undefined;
  failed?: string | Partial<Record<string, string | undefined>> | undefined;
}

/** Fields every check has, whatever its kind; `feedback` is keyed by the kind's failure modes. */
export function checkBaseShape<Mode extends string>(failureModes: readonly Mode[]) {
  return {
    id: slugId,
    title: nonEmptyText.max(300),
    /** Awarded in full when the check passes; nothing when it fails or could not be run. */
    points,
    description: z.string().optional(),
    feedback: checkFeedback(failureModes).optional(),
    /** Shown to the learner when the check fails. */
    hint: z.string().optional(),
  };
}

/** What every check has, as the engine sees it before it knows the kind. */
export interface CheckBase {
  id: string;
  kind: string;
  title: string;
  points: number;
  description?: string | undefined;
  feedback?: CheckFeedback | undefined;
  hint?: string | undefined;
}
