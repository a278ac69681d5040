import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { attemptOutcomeShape, type AttemptStatus } from './attempt-outcome.js';

/**
 * What integrations hear about an attempt. `attempt.accepted` exists for LTI (a Pending score
 * while grading) and is not offered to webhooks; the others announce a final outcome.
 */
export const attemptEventTypes = [
  'attempt.accepted',
  'attempt.graded',
  'attempt.not_gradable',
  'attempt.regraded',
] as const;

export type AttemptEventType = (typeof attemptEventTypes)[number];

/** The events a webhook endpoint can subscribe to. */
export const webhookEventTypes = [
  'attempt.graded',
  'attempt.not_gradable',
  'attempt.regraded',
] as const;

export type WebhookEventType = (typeof webhookEventTypes)[number];

export const attemptEventDataSchema = z.object({
  attemptId: z.uuid(),
  ...attemptOutcomeShape,
  notGradableReason: z.string().nullable(),
  finishedAt: z.iso.datetime().nullable(),
  /** Where the grade goes in the LMS, when the attempt named a line item. */
  lti: z.object({ lineItemUrl: z.string(), userId: z.string() }).nullable(),
});

/** The event body, as webhook receivers get it (the Standard Webhooks `type/timestamp/data`). */
export const attemptEventPayloadSchema = z.object({
  type: z.enum(attemptEventTypes),
  timestamp: z.iso.datetime(),
  data: attemptEventDataSchema,
});

export type AttemptEventPayload = z.infer<typeof attemptEventPayloadSchema>;

/** The columns of an attempt that an event describes, as the repository reads them. */
export interface AttemptEventSource {
  id: string;
  tenantId: string;
  assessmentId: string;
  assessmentVersion: string;
  learnerId: string;
  courseId: string | null;
  status: AttemptStatus;
  score: { toNumber(): number } | null;
  maxScore: { toNumber(): number } | null;
  passed: boolean | null;
  notGradableReason: string | null;
  finishedAt: Date | null;
  ltiLineItemUrl: string | null;
  ltiUserId: string | null;
}

/** The Prisma `select` that reads an AttemptEventSource. */
export const attemptEventSourceColumns = {
  id: true,
  tenantId: true,
  assessmentId: true,
  assessmentVersion: true,
  learnerId: true,
  courseId: true,
  status: true,
  score: true,
  maxScore: true,
  passed: true,
  notGradableReason: true,
  finishedAt: true,
  ltiLineItemUrl: true,
  ltiUserId: true,
} as const;

/** The outbox row for one event, to be inserted in the transaction that caused it. */
export function buildAttemptEvent(type: AttemptEventType, attempt: AttemptEventSource, at: Date) {
  const payload: AttemptEventPayload = {
    type,
    timestamp: at.toISOString(),
    data: {
      attemptId: attempt.id,
      assessmentId: attempt.assessmentId,
      assessmentVersion: attempt.assessmentVersion,
      learnerId: attempt.learnerId,
      courseId: attempt.courseId,
      status: attempt.status,
      score: attempt.score?.toNumber() ?? null,
      maxScore: attempt.maxScore?.toNumber() ?? null,
      passed: attempt.passed,
      notGradableReason: attempt.notGradableReason,
      finishedAt: attempt.finishedAt?.toISOString() ?? null,
      lti:
        attempt.ltiLineItemUrl === null
          ? null
          : { lineItemUrl: attempt.ltiLineItemUrl, userId: attempt.ltiUserId ?? attempt.learnerId },
    },
  };
  return {
    id: randomUUID(),
    tenantId: attempt.tenantId,
    attemptId: attempt.id,
    type,
    payload,
    createdAt: at,
  };
}
