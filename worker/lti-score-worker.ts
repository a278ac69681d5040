import type { Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from '../src/logging/logger.js';
import { postLtiScore, type PostLtiScoreDependencies } from '../src/lti/post-lti-score.js';
import type { IntegrationJob } from '../src/queue/integration-queues.js';
import { createIntegrationWorker } from './integration-worker.js';

/** The BullMQ worker that posts LTI scores to the platform's line items. */
export function createLtiScoreWorker(options: {
  connection: Redis;
  queueName: string;
  backoffMs: number;
  concurrency: number;
  scores: PostLtiScoreDependencies;
  logger: Logger;
}): Worker<IntegrationJob> {
  return createIntegrationWorker({
    ...options,
    label: 'LTI score',
    idField: 'scorePostId',
    send: (scorePostId, tryInfo) => postLtiScore(options.scores, { scorePostId, ...tryInfo }),
  });
}
