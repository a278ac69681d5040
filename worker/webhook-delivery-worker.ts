import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logging/logger.js';
import {
  backoffAfterTry,
  integrationJobSchema,
  type IntegrationJob,
} from '../src/queue/integration-queues.js';
import {
  deliverWebhook,
  WebhookRetryError,
  type DeliverWebhookDependencies,
} from '../src/webhooks/deliver-webhook.js';

/** The BullMQ worker that delivers webhooks; BullMQ's exponential back-off spaces the tries. */
export function createWebhookDeliveryWorker(options: {
  connection: Redis;
  queueName: string;
  backoffMs: number;
  concurrency: number;
  delivery: DeliverWebhookDependencies;
  logger: Logger;
}): Worker<IntegrationJob> {
  const worker = new Worker<IntegrationJob>(
    options.queueName,
    async (job: Job<IntegrationJob>) => {
      const parsed = integrationJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('malformed webhook job');
      const tryNumber = job.attemptsMade + 1;
      const result = await deliverWebhook(options.delivery, {
        deliveryId: parsed.data.id,
        isLastTry: tryNumber >= (job.opts.attempts ?? 1),
        retryInMs: backoffAfterTry(tryNumber, options.backoffMs),
      });
      if (result.status === 'retry') throw new WebhookRetryError(result.error);
      return result;
    },
    { connection: options.connection, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) =>
    options.logger.info(
      { deliveryId: job?.data.id, tries: job?.attemptsMade, err: error.message },
      'webhook delivery try failed',
    ),
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'webhook worker error'));
  return worker;
}
