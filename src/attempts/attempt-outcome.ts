import { z } from 'zod';

/** Where an attempt stands: waiting for a worker, being graded, or finished one way or the other. */
export const attemptStatuses = ['queued', 'running', 'graded', 'not_gradable'] as const;
export type AttemptStatus = (typeof attemptStatuses)[number];

/**
 * The fields every outward view of an attempt shares (the API, webhook events, exports): what
 * was attempted, by whom, and how it came out. Spread into each view's own `z.object`.
 */
export const attemptOutcomeShape = {
  assessmentId: z.string(),
  assessmentVersion: z.string(),
  learnerId: z.string(),
  courseId: z.string().nullable(),
  status: z.enum(attemptStatuses),
  score: z.number().nullable(),
  maxScore: z.number().nullable(),
  passed: z.boolean().nullable(),
};
