import { z } from 'zod';
import { nonEmptyText, points, slugId } from './identifiers.js';

/**
 * Why a check failed, so an author can write feedback for each way of getting it wrong.
 * Manifest checks use the first group; cluster checks the second.
 */
export const failureModes = [
  // manifest and object matching
  'no-document',
  'not-a-mapping',
  'missing-field',
  'unexpected-field',
  'wrong-value',
  'wrong-type',
  'missing-element',
  // cluster
  'object-absent',
  'object-present',
  'timeout',
  'not-stable',
  'wrong-phase',
  'has-controller',
  'recreated',
  'phases-out-of-order',
  'log-missing',
  /** The grader never saw the object, so it cannot judge what happened to it. */
  'never-seen',
] as const;
export type FailureMode = (typeof failureModes)[number];

const perModeFeedback = z.strictObject({
  default: z.string().optional(),
  ...Object.fromEntries(failureModes.map((mode) => [mode, z.string().optional()])),
} as Record<'default' | FailureMode, z.ZodOptional<z.ZodString>>);

/** Feedback shown before the grader's own explanation (which says what was expected and found). */
export const checkFeedback = z.strictObject({
  passed: z.string().optional(),
  /** One text for every failure, or one per failure mode with an optional `default`. */
  failed: z.union([z.string(), perModeFeedback]).optional(),
});
export type CheckFeedback = z.infer<typeof checkFeedback>;

/** Fields every check has, whatever its kind. */
export const checkBaseShape = {
  id: slugId,
  title: nonEmptyText.max(300),
  /** Awarded in full when the check passes; nothing when it fails or could not be run. */
  points,
  description: z.string().optional(),
  feedback: checkFeedback.optional(),
  /** Shown to the learner when the check fails. */
  hint: z.string().optional(),
};
