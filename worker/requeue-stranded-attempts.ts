import type { AttemptRepository } from '../src/attempts/attempt-repository.js';
import type { Logger } from '../src/logging/logger.js';
import { enqueueGrading, type GradingQueue } from '../src/queue/grading-queue.js';

/**
 * An API process that died between storing an attempt and enqueueing it leaves the attempt
 * queued with no job. At start a worker enqueues every unfinished attempt again: the job id is
 * the attempt id, so attempts that still have their job are not enqueued twice.
 */
export async function requeueStrandedAttempts(options: {
  attempts: AttemptRepository;
  queue: GradingQueue;
  logger: Logger;
  limit?: number;
}): Promise<number> {
  const ids = await options.attempts.listQueuedIds(options.limit ?? 10_000);
  for (const id of ids) await enqueueGrading(options.queue, id);
  if (ids.length > 0)
    options.logger.info({ count: ids.length }, 'checked unfinished attempts for jobs');
  return ids.length;
}
