import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { defaultQueuePrefix, gradingJobName, type GradingJob } from './grading-job.js';

export interface GradingQueueOptions {
  connection: Redis;
  name: string;
  /** BullMQ key prefix; `{kubegrade}` (a hash tag) keeps a queue in one Redis Cluster slot. */
  prefix?: string;
  attempts: number;
  backoffMs: number;
}

export type GradingQueue = Queue<GradingJob, unknown, typeof gradingJobName>;

export function createGradingQueue(options: GradingQueueOptions): GradingQueue {
  return new Queue<GradingJob, unknown, typeof gradingJobName>(options.name, {
    connection: options.connection,
    prefix: options.prefix ?? defaultQueuePrefix,
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/**
 * Job id = attempt id, so enqueueing the same attempt twice is a no-op in BullMQ. With Redis
 * down, BullMQ waits for a connection indefinitely; the API must answer instead, so the wait is
 * bounded. A job that lands after the caller gave up finds no attempt and is dropped.
 */
export async function enqueueGrading(
  queue: GradingQueue,
  attemptId: string,
  options: { timeoutMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 3_000;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`the queue did not accept the job within ${timeoutMs} ms`)),
      timeoutMs,
    );
  });
  try {
    await Promise.race([
      queue.add(gradingJobName, { attemptId, schemaVersion: 1 }, { jobId: attemptId }),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
