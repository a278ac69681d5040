import type { Redis } from 'ioredis';
import type { GradingQueue } from './grading-queue.js';

/**
 * Where a job stands in the queue's waiting list: 1 = next to be taken. BullMQ pushes new jobs
 * on the left of `<prefix>:<queue>:wait` and workers take from the right, so the position is the
 * list's length minus the job's index from the left. Undefined when the job is not waiting (a
 * worker has it, or it waits for a retry back-off).
 */
export async function queuePosition(options: {
  /** The connection the queue was made with. */
  redis: Redis;
  queue: GradingQueue;
  jobId: string;
}): Promise<number | undefined> {
  const key = options.queue.toKey('wait');
  const [index, length] = await Promise.all([
    options.redis.lpos(key, options.jobId),
    options.redis.llen(key),
  ]);
  return index === null ? undefined : length - index;
}
