import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logging/logger.js';
import type { IntegrationJob } from '../src/queue/integration-queues.js';
import {
  deliverWebhook,
  WebhookRetryError,
  type DeliverWebhookDependencies,
} from '../src/webhooks/deliver-webhook.js';
import { createIntegrationWorker } from './integration-worker.js';

/** The BullMQ worker that delivers webhooks to tenants' endpoints. */
export function createWebhookDeliveryWorker(options: {
  connection: Redis;
  queueName: string;
  backoffMs: number;
  concurrency: number;
  delivery: DeliverWebhookDependencies;
  logger: Logger;
}): Worker<IntegrationJob> {
  return createIntegrationWorker({
    ...options,
    label: 'webhook delivery',
    idField: 'deliveryId',
    send: (deliveryId, tryInfo) => deliverWebhook(options.delivery, { deliveryId, ...tryInfo }),
    retryError: (message) => new WebhookRetryError(message),
  });
}
