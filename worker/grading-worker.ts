import { UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  gradeStoredAttempt,
  GradingRetryableError,
  type GradeStoredAttemptDependencies,
} from '../src/attempts/grade-stored-attempt.js';
import type { Logger } from '../src/logging/logger.js';
import { gradingJobSchema, type GradingJob } from '../src/queue/grading-job.js';

export interface GradingWorkerOptions {
  connection: Redis;
  queueName: string;
  concurrency: number;
  jobTimeoutMs: number;
  grading: GradeStoredAttemptDependencies;
  logger: Logger;
}

/**
 * The BullMQ worker that grades attempts. Retries are for faults that may pass (the learner's
 * cluster did not answer, the job ran out of time); a malformed job is never retried.
 */
export function createGradingWorker(options: GradingWorkerOptions): Worker<GradingJob> {
  const worker = new Worker<GradingJob>(
    options.queueName,
    (job) => processGradingJob(job, options),
    { connection: options.connection, concurrency: options.concurrency, autorun: true },
  );
  worker.on('failed', (job, error) => {
    options.logger.warn(
      { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error },
      'grading job failed',
    );
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'grading worker error'));
  return worker;
}

async function processGradingJob(job: Job<GradingJob>, options: GradingWorkerOptions) {
  const parsed = gradingJobSchema.safeParse(job.data);
  if (!parsed.success) {
    options.logger.error({ jobId: job.id }, 'malformed grading job; dropped');
    throw new UnrecoverableError('malformed grading job');
  }
  const { attemptId } = parsed.data;
  const logger = options.logger.child({ attemptId, jobId: job.id, try: job.attemptsMade + 1 });
  const isLastTry = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
  const startedAt = Date.now();

  const controller = new AbortController();
  const timer = setTimeout(
    () => controller.abort(new Error('grading timed out')),
    options.jobTimeoutMs,
  );
  try {
    logger.info('grading attempt');
    const result = await raceAbort(
      gradeStoredAttempt(
        { ...options.grading, logger },
        { attemptId, isLastTry, signal: controller.signal },
      ),
      controller.signal,
    );
    logger.info({ ...result, ms: Date.now() - startedAt }, 'grading finished');
    return result;
  } catch (error) {
    if (!isLastTry) {
      logger.warn({ err: error }, 'grading will be retried');
      throw error;
    }
    // The last try failed for a reason outside the learner's control: say so on the attempt.
    const reason =
      error instanceof GradingRetryableError || controller.signal.aborted
        ? (error as Error).message
        : 'The grader failed unexpectedly.';
    logger.error({ err: error }, 'attempt could not be graded');
    await options.grading.attempts.markNotGradable(attemptId, reason, new Date());
    return { status: 'not_gradable', reason };
  } finally {
    clearTimeout(timer);
  }
}

/** Rejects as soon as the signal aborts, even if the work does not watch the signal. */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = () =>
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
