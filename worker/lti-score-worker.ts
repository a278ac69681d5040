import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logging/logger.js';
import { postLtiScore, type PostLtiScoreDependencies } from '../src/lti/post-lti-score.js';
import {
  backoffAfterTry,
  integrationJobSchema,
  type IntegrationJob,
} from '../src/queue/integration-queues.js';

/** The BullMQ worker that posts LTI scores; BullMQ's exponential back-off spaces the tries. */
export function createLtiScoreWorker(options: {
  connection: Redis;
  queueName: string;
  backoffMs: number;
  concurrency: number;
  scores: PostLtiScoreDependencies;
  logger: Logger;
}): Worker<IntegrationJob> {
  const worker = new Worker<IntegrationJob>(
    options.queueName,
    async (job: Job<IntegrationJob>) => {
      const parsed = integrationJobSchema.safeParse(job.data);
      if (!parsed.success) throw new UnrecoverableError('malformed LTI score job');
      const tryNumber = job.attemptsMade + 1;
      const result = await postLtiScore(options.scores, {
        scorePostId: parsed.data.id,
        isLastTry: tryNumber >= (job.opts.attempts ?? 1),
        retryInMs: backoffAfterTry(tryNumber, options.backoffMs),
      });
      if (result.status === 'retry') throw new Error(result.error);
      return result;
    },
    { connection: options.connection, concurrency: options.concurrency },
  );
  worker.on('failed', (job, error) =>
    options.logger.info(
      { scorePostId: job?.data.id, tries: job?.attemptsMade, err: error.message },
      'LTI score try failed',
    ),
  );
  worker.on('error', (error) => options.logger.error({ err: error }, 'LTI score worker error'));
  return worker;
}
