import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { gradingJobName, type GradingJob } from './grading-job.js';

export interface GradingQueueOptions {
  connection: Redis;
  name: string;
  attempts: number;
  backoffMs: number;
}

export type GradingQueue = Queue<GradingJob, unknown, typeof gradingJobName>;

export function createGradingQueue(options: GradingQueueOptions): GradingQueue {
  return new Queue<GradingJob, unknown, typeof gradingJobName>(options.name, {
    connection: options.connection,
    defaultJobOptions: {
      attempts: options.attempts,
      backoff: { type: 'exponential', delay: options.backoffMs },
      removeOnComplete: { age: 24 * 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    },
  });
}

/** Job id = attempt id, so enqueueing the same attempt twice is a no-op in BullMQ. */
export async function enqueueGrading(queue: GradingQueue, attemptId: string): Promise<void> {
  await queue.add(gradingJobName, { attemptId, schemaVersion: 1 }, { jobId: attemptId });
}
