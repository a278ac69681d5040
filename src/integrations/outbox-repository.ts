import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  attemptEventPayloadSchema,
  webhookEventTypes,
  type AttemptEventPayload,
} from '../attempts/attempt-event.js';
import { Prisma, type PrismaClient } from '../generated/prisma/client.js';

const lockedEventSchema = z.object({
  id: z.uuid(),
  sequence: z.bigint(),
  tenant_id: z.uuid(),
  attempt_id: z.uuid(),
  payload: attemptEventPayloadSchema,
});

/** A row that a queue job should exist for. */
export interface JobRef {
  id: string;
  /** How many times it was sent again on request: part of the job id. */
  resend: number;
}

export interface DispatchedBatch {
  events: number;
  deliveries: JobRef[];
  scorePosts: JobRef[];
}

/**
 * The outbox side of integrations: turns undispatched attempt events into webhook deliveries and
 * LTI score posts. Several workers may dispatch at once: each locks its batch of events with
 * FOR UPDATE SKIP LOCKED and marks them dispatched in the same transaction, so an event is
 * turned into deliveries exactly once.
 */
export class OutboxRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async dispatchBatch(limit: number, now: Date): Promise<DispatchedBatch> {
    return this.prisma.$transaction(async (tx) => {
      const rows = await tx.$queryRaw<unknown[]>`
        SELECT id, sequence, tenant_id, attempt_id, payload
        FROM attempt_events
        WHERE dispatched_at IS NULL
        ORDER BY sequence
        LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      const events = rows.map((row) => lockedEventSchema.parse(row));
      if (events.length === 0) return { events: 0, deliveries: [], scorePosts: [] };

      const endpoints = await tx.webhookEndpoint.findMany({
        where: {
          tenantId: { in: [...new Set(events.map((event) => event.tenant_id))] },
          enabled: true,
        },
        select: { id: true, tenantId: true, eventTypes: true },
      });
      const deliveries = events.flatMap((event) =>
        endpoints
          .filter(
            (endpoint) =>
              endpoint.tenantId === event.tenant_id &&
              isWebhookEvent(event.payload.type) &&
              endpoint.eventTypes.includes(event.payload.type),
          )
          .map((endpoint) => ({
            id: randomUUID(),
            tenantId: event.tenant_id,
            endpointId: endpoint.id,
            eventId: event.id,
            nextTryAt: now,
          })),
      );
      const scorePosts = events.flatMap((event) => {
        const lti = event.payload.data.lti;
        if (lti === null) return [];
        return [
          {
            id: randomUUID(),
            tenantId: event.tenant_id,
            attemptId: event.attempt_id,
            eventId: event.id,
            eventSequence: event.sequence,
            lineItemUrl: lti.lineItemUrl,
            userId: lti.userId,
            ...scoreOf(event.payload),
            nextTryAt: now,
          },
        ];
      });
      await tx.webhookDelivery.createMany({ data: deliveries, skipDuplicates: true });
      await tx.ltiScorePost.createMany({ data: scorePosts, skipDuplicates: true });
      await tx.attemptEvent.updateMany({
        where: { id: { in: events.map((event) => event.id) } },
        data: { dispatchedAt: now },
      });
      return {
        events: events.length,
        deliveries: deliveries.map(({ id }) => ({ id, resend: 0 })),
        scorePosts: scorePosts.map(({ id }) => ({ id, resend: 0 })),
      };
    });
  }

  /**
   * Pending rows whose next try is long overdue: their job was lost (the process died between
   * commit and enqueue, or Redis lost it). Re-enqueueing is safe: an existing job id is a no-op
   * and a job for a row that is no longer pending does nothing.
   */
  async listOverdue(
    overdueBefore: Date,
    limit: number,
  ): Promise<{ deliveries: JobRef[]; scorePosts: JobRef[] }> {
    const [deliveries, scorePosts] = await Promise.all([
      this.prisma.webhookDelivery.findMany({
        where: { status: 'pending', nextTryAt: { lt: overdueBefore } },
        select: { id: true, redeliveries: true },
        take: limit,
      }),
      this.prisma.ltiScorePost.findMany({
        where: { status: 'pending', nextTryAt: { lt: overdueBefore } },
        select: { id: true, resends: true },
        take: limit,
      }),
    ]);
    return {
      deliveries: deliveries.map((row) => ({ id: row.id, resend: row.redeliveries })),
      scorePosts: scorePosts.map((row) => ({ id: row.id, resend: row.resends })),
    };
  }
}

function isWebhookEvent(type: string): boolean {
  return (webhookEventTypes as readonly string[]).includes(type);
}

function scoreOf(payload: AttemptEventPayload): {
  gradingProgress: 'Pending' | 'FullyGraded' | 'Failed';
  scoreGiven: Prisma.Decimal | null;
  scoreMaximum: Prisma.Decimal | null;
} {
  const { score, maxScore } = payload.data;
  switch (payload.type) {
    case 'attempt.accepted':
      return { gradingProgress: 'Pending', scoreGiven: null, scoreMaximum: null };
    case 'attempt.graded':
    case 'attempt.regraded':
      return {
        gradingProgress: 'FullyGraded',
        scoreGiven: new Prisma.Decimal(score ?? 0),
        scoreMaximum: new Prisma.Decimal(maxScore ?? 0),
      };
    case 'attempt.not_gradable':
      return { gradingProgress: 'Failed', scoreGiven: null, scoreMaximum: null };
  }
}
