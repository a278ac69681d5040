import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';

/**
 * Webhook deliveries and LTI score posts each have their own BullMQ queue, so a slow receiver
 * or LMS never holds up grading. A job names a row (a delivery or a score post) and nothing
 * else: payloads and secrets stay in PostgreSQL.
 */
export const integrationJobSchema = z.strictObject({
  id: z.uuid(),
  schemaVersion: z.literal(1),
});

export type IntegrationJob = z.infer<typeof integrationJobSchema>;

export type IntegrationQueue = Queue<IntegrationJob>;

export interface IntegrationQueueOptions {
  connection: Redis;
  name: string;
  /** Tries per job: the first one and the retries. */
  maxTries: number;
  backoffMs: number;
}

export function createIntegrationQueue(options: IntegrationQueueOptions): IntegrationQueue {
  return new Queue<IntegrationJob>(options.name, {
    connection: options.connection,
    defaultJobOptions: {
      attempts: options.maxTries,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/**
 * The wait BullMQ's exponential back-off puts after failed try `tryNumber` (1-based), so the
 * log can say when the next try is due.
 */
export function backoffAfterTry(tryNumber: number, backoffMs: number): number {
  return Math.round(2 ** (tryNumber - 1) * backoffMs);
}

/**
 * Job id = row id plus how many times the row was sent again on request: enqueueing the same row
 * twice is a no-op, and a redelivery gets a fresh job with its own tries.
 */
export async function enqueueIntegrationJob(
  queue: IntegrationQueue,
  id: string,
  resend: number,
): Promise<void> {
  await queue.add('deliver', { id, schemaVersion: 1 }, { jobId: `${id}-${resend}` });
}
