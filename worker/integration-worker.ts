import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logging/logger.js';
import {
  backoffAfterTry,
  integrationJobSchema,
  type IntegrationJob,
} from '../src/queue/integration-queues.js';

/** One try of sending an outbox item (a webhook delivery, an LTI score post). */
export type SendTry<Result> = (
  id: string,
  tryInfo: { isLastTry: boolean; retryInMs: number },
) => Promise<Result | { status: 'retry'; error: string }>;

/**
 * A BullMQ worker for one integration queue. The job holds only the id of the row to send; the
 * use case reads the row, tries once and records the try. A try that may succeed later throws,
 * so that BullMQ's exponential back-off spaces the next one; the last try's failure is recorded
 * by the use case itself.
 */
export function createIntegrationWorker<Result>(options: {
  connection: Redis;
  queueName: string;
  backoffMs: number;
  concurrency: number;
  logger: Logger;
  /** What the logs call the work ("webhook delivery") and the id they name it by. */
  label: string;
  idField: string;
  send: SendTry<Result>;
  retryError?: (message: string) => Error;
}): Worker<IntegrationJob> {
  const worker = new Worker<IntegrationJob>(
    options.queueName,
    async (job: Job<IntegrationJob>) => {
      const parsed = integrationJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError(`malformed ${options.label} job`);
      const tryNumber = job.attemptsMade + 1;
      const result = await options.send(parsed.data.id, {
        isLastTry: tryNumber >= (job.opts.attempts ?? 1),
        retryInMs: backoffAfterTry(tryNumber, options.backoffMs),
      });
      if (isRetry(result)) {
        throw options.retryError?.(result.error) ?? new Error(result.error);
      }
      return result;
    },
    { connection: options.connection, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) =>
    options.logger.info(
      { [options.idField]: job?.data.id, tries: job?.attemptsMade, err: error.message },
      `${options.label} try failed`,
    ),
  );
  worker.on('error', (error) =>
    options.logger.error({ err: error }, `${options.label} worker error`),
  );
  return worker;
}

function isRetry(result: unknown): result is { status: 'retry'; error: string } {
  return (
    typeof result === 'object' &&
    result !== null &&
    (result as { status?: unknown }).status === 'retry'
  );
}
