import { z } from 'zod';
import { attemptEventPayloadSchema, type AttemptEventPayload } from '../attempts/attempt-event.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { OutboundTryRecord } from '../integrations/outbound-try.js';

/** Everything webhooks read and write in PostgreSQL. Every tenant-facing read is tenant-scoped. */

export const deliveryStatuses = ['pending', 'delivered', 'failed'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];
const deliveryStatusSchema = z.enum(deliveryStatuses);

export interface WebhookEndpointRecord {
  id: string;
  url: string;
  description: string | null;
  eventTypes: string[];
  enabled: boolean;
  /** Until when the secret before the last rotation still signs deliveries. */
  previousSecretExpiresAt: Date | null;
  createdAt: Date;
}

export type DeliveryTryRecord = OutboundTryRecord;

export interface WebhookDeliveryRecord {
  id: string;
  endpointId: string;
  eventId: string;
  eventType: string;
  attemptId: string;
  status: DeliveryStatus;
  tries: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextTryAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  log?: DeliveryTryRecord[];
}

/** What the delivery job needs: the event, the endpoint and its sealed secrets. */
export interface DeliveryWork {
  id: string;
  status: DeliveryStatus;
  tries: number;
  eventId: string;
  payload: AttemptEventPayload;
  endpoint: {
    url: string;
    enabled: boolean;
    secretSealed: Uint8Array;
    previousSecretSealed: Uint8Array | null;
    previousSecretExpiresAt: Date | null;
  };
}

const endpointColumns = {
  id: true,
  url: true,
  description: true,
  eventTypes: true,
  enabled: true,
  previousSecretExpiresAt: true,
  createdAt: true,
} as const;

const deliveryColumns = {
  id: true,
  endpointId: true,
  eventId: true,
  status: true,
  tries: true,
  lastStatusCode: true,
  lastError: true,
  nextTryAt: true,
  deliveredAt: true,
  createdAt: true,
  event: { select: { type: true, attemptId: true } },
} as const;

export class WebhookRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async createEndpoint(endpoint: {
    id: string;
    tenantId: string;
    url: string;
    description: string | undefined;
    eventTypes: string[];
    secretSealed: Uint8Array;
  }): Promise<WebhookEndpointRecord> {
    return this.prisma.webhookEndpoint.create({
      data: {
        ...endpoint,
        description: endpoint.description ?? null,
        secretSealed: Buffer.from(endpoint.secretSealed),
      },
      select: endpointColumns,
    });
  }

  async listEndpoints(tenantId: string): Promise<WebhookEndpointRecord[]> {
    return this.prisma.webhookEndpoint.findMany({
      where: { tenantId },
      select: endpointColumns,
      orderBy: { createdAt: 'asc' },
    });
  }

  async findEndpoint(tenantId: string, id: string): Promise<WebhookEndpointRecord | null> {
    return this.prisma.webhookEndpoint.findFirst({
      where: { tenantId, id },
      select: endpointColumns,
    });
  }

  async updateEndpoint(
    tenantId: string,
    id: string,
    changes: {
      url?: string;
      description?: string | null;
      eventTypes?: string[];
      enabled?: boolean;
    },
  ): Promise<WebhookEndpointRecord | null> {
    const [updated] = await this.prisma.webhookEndpoint.updateManyAndReturn({
      where: { tenantId, id },
      data: changes,
      select: endpointColumns,
    });
    return updated ?? null;
  }

  async deleteEndpoint(tenantId: string, id: string): Promise<boolean> {
    const deleted = await this.prisma.webhookEndpoint.deleteMany({ where: { tenantId, id } });
    return deleted.count === 1;
  }

  /** The current secret becomes the previous one (valid until `previousValidUntil`). */
  async rotateSecret(
    tenantId: string,
    id: string,
    secretSealed: Uint8Array,
    previousValidUntil: Date,
  ): Promise<WebhookEndpointRecord | null> {
    const updated = await this.prisma.$executeRaw`
      UPDATE webhook_endpoints
         SET previous_secret_sealed = secret_sealed,
             previous_secret_expires_at = ${previousValidUntil},
             secret_sealed = ${Buffer.from(secretSealed)},
             updated_at = now()
       WHERE tenant_id = ${tenantId}::uuid AND id = ${id}::uuid`;
    return updated === 1 ? this.findEndpoint(tenantId, id) : null;
  }

  async listDeliveries(
    tenantId: string,
    filter: { endpointId?: string; attemptId?: string; status?: DeliveryStatus; limit: number },
  ): Promise<WebhookDeliveryRecord[]> {
    const rows = await this.prisma.webhookDelivery.findMany({
      where: {
        tenantId,
        ...(filter.endpointId ? { endpointId: filter.endpointId } : {}),
        ...(filter.status ? { status: filter.status } : {}),
        ...(filter.attemptId ? { event: { attemptId: filter.attemptId } } : {}),
      },
      select: deliveryColumns,
      orderBy: [{ createdAt: 'desc' }, { id: 'asc' }],
      take: filter.limit,
    });
    return rows.map(toDeliveryRecord);
  }

  async findDelivery(tenantId: string, id: string): Promise<WebhookDeliveryRecord | null> {
    const row = await this.prisma.webhookDelivery.findFirst({
      where: { tenantId, id },
      select: {
        ...deliveryColumns,
        log: {
          orderBy: { number: 'asc' },
          select: {
            number: true,
            startedAt: true,
            durationMs: true,
            statusCode: true,
            error: true,
            succeeded: true,
          },
        },
      },
    });
    return row ? { ...toDeliveryRecord(row), log: row.log } : null;
  }

  async loadWork(id: string): Promise<DeliveryWork | null> {
    const row = await this.prisma.webhookDelivery.findUnique({
      where: { id },
      select: {
        id: true,
        status: true,
        tries: true,
        eventId: true,
        event: { select: { payload: true } },
        endpoint: {
          select: {
            url: true,
            enabled: true,
            secretSealed: true,
            previousSecretSealed: true,
            previousSecretExpiresAt: true,
          },
        },
      },
    });
    if (!row) return null;
    return {
      id: row.id,
      status: deliveryStatusSchema.parse(row.status),
      tries: row.tries,
      eventId: row.eventId,
      payload: attemptEventPayloadSchema.parse(row.event.payload),
      endpoint: row.endpoint,
    };
  }

  /** Logs one try and moves the delivery on, in one transaction. */
  async recordTry(
    id: string,
    attempt: DeliveryTryRecord & { status: DeliveryStatus; nextTryAt: Date | null },
  ): Promise<void> {
    await this.prisma.$transaction([
      this.prisma.webhookDeliveryTry.create({
        data: {
          deliveryId: id,
          number: attempt.number,
          startedAt: attempt.startedAt,
          durationMs: attempt.durationMs,
          statusCode: attempt.statusCode,
          error: attempt.error,
          succeeded: attempt.succeeded,
        },
      }),
      this.prisma.webhookDelivery.update({
        where: { id },
        data: {
          status: attempt.status,
          tries: attempt.number,
          lastStatusCode: attempt.statusCode,
          lastError: attempt.error,
          nextTryAt: attempt.nextTryAt,
          ...(attempt.succeeded ? { deliveredAt: attempt.startedAt } : {}),
        },
      }),
    ]);
  }

  /** Ends a delivery without a try (its endpoint was disabled meanwhile). */
  async markFailed(id: string, error: string): Promise<void> {
    await this.prisma.webhookDelivery.update({
      where: { id },
      data: { status: 'failed', lastError: error, nextTryAt: null },
    });
  }

  /** Sends a delivery again on request: pending, due now, with a fresh job. */
  async requestRedelivery(
    tenantId: string,
    id: string,
    now: Date,
  ): Promise<{ redeliveries: number } | null> {
    const [row] = await this.prisma.webhookDelivery.updateManyAndReturn({
      where: { tenantId, id },
      data: { status: 'pending', nextTryAt: now, redeliveries: { increment: 1 } },
      select: { redeliveries: true },
    });
    return row ?? null;
  }
}

function toDeliveryRecord(row: {
  id: string;
  endpointId: string;
  eventId: string;
  status: string;
  tries: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextTryAt: Date | null;
  deliveredAt: Date | null;
  createdAt: Date;
  event: { type: string; attemptId: string };
}): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpointId,
    eventId: row.eventId,
    eventType: row.event.type,
    attemptId: row.event.attemptId,
    status: deliveryStatusSchema.parse(row.status),
    tries: row.tries,
    lastStatusCode: row.lastStatusCode,
    lastError: row.lastError,
    nextTryAt: row.nextTryAt,
    deliveredAt: row.deliveredAt,
    createdAt: row.createdAt,
  };
}
