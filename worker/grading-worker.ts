import { DelayedError, UnrecoverableError, Worker, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  gradeStoredAttempt,
  GradingRetryableError,
  type GradeStoredAttemptDependencies,
} from '../src/attempts/grade-stored-attempt.js';
import { PermanentGradingFailure } from '../src/attempts/permanent-grading-failure.js';
import { isDependencyUnavailable } from '../src/errors/dependency-unavailable.js';
import type { Logger } from '../src/logging/logger.js';
import type { KubegradeMetrics } from '../src/metrics/kubegrade-metrics.js';
import { defaultQueuePrefix, gradingJobSchema, type GradingJob } from '../src/queue/grading-job.js';
import { ParkedAttempts } from './parked-attempts.js';

export interface GradingWorkerOptions {
  connection: Redis;
  queueName: string;
  /** BullMQ key prefix; must match the producer's. */
  queuePrefix?: string;
  concurrency: number;
  jobTimeoutMs: number;
  grading: Omit<GradeStoredAttemptDependencies, 'waitingRoom'>;
  /** Moves a parked attempt's delayed job forward (its watch saw a change). */
  wake: (attemptId: string) => Promise<void>;
  /** How long a job waits when PostgreSQL or Redis is unavailable (doubled at most, at random). */
  outageRetryMs?: number;
  logger: Logger;
  /** Counts finished attempts and times them; optional so tests can leave it out. */
  metrics?: Pick<
    KubegradeMetrics,
    'attempts' | 'gradingRetries' | 'gradingDuration' | 'submitToResult'
  >;
}

export interface GradingWorker {
  worker: Worker<GradingJob>;
  parked: ParkedAttempts;
  close: () => Promise<void>;
}

/**
 * The BullMQ worker that grades attempts. Retries are for faults that may pass (the learner's
 * cluster did not answer, the job ran out of time); a malformed job or a permanent failure is
 * never retried. A run that reaches a long wait parks: its job is delayed (a worker slot is
 * free again) and its watch waits in `parked` to wake it.
 */
export function createGradingWorker(options: GradingWorkerOptions): GradingWorker {
  const parked = new ParkedAttempts({
    wake: options.wake,
    logger: options.logger,
    graceMs: 30_000,
  });
  const worker = new Worker<GradingJob>(
    options.queueName,
    async (job, token) => {
      const result = await processGradingJob(job, token, options, parked);
      if (options.metrics) recordFinished(options.metrics, job, result);
      return result;
    },
    {
      connection: options.connection,
      concurrency: options.concurrency,
      autorun: true,
      prefix: options.queuePrefix ?? defaultQueuePrefix,
    },
  );
  worker.on('failed', (job, error) => {
    options.logger.warn(
      { jobId: job?.id, attemptsMade: job?.attemptsMade, err: error },
      'grading job failed',
    );
  });
  worker.on('error', (error) => options.logger.error({ err: error }, 'grading worker error'));
  return {
    worker,
    parked,
    close: async () => {
      await worker.close();
      await parked.closeAll();
    },
  };
}

async function processGradingJob(
  job: Job<GradingJob>,
  token: string | undefined,
  options: GradingWorkerOptions,
  parked: ParkedAttempts,
) {
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
    logger.debug('grading attempt');
    const result = await raceAbort(
      gradeStoredAttempt(
        { ...options.grading, logger, waitingRoom: parked },
        { attemptId, isLastTry, signal: controller.signal },
      ),
      controller.signal,
    );
    if (result.status === 'parked') {
      await job.moveToDelayed(Date.now() + Math.ceil(result.delayMs), token);
      parked.hold(attemptId, result.held, result.delayMs, result.journalSizeAtPark);
      logger.debug({ delayMs: Math.round(result.delayMs) }, 'grading parked');
      throw new DelayedError();
    }
    logger.info({ ...result, ms: Date.now() - startedAt }, 'grading finished');
    return result;
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    if (isDependencyUnavailable(error)) {
      await waitOutOutage(job, token, options, logger, error);
    }
    if (error instanceof PermanentGradingFailure) {
      logger.warn({ code: error.code }, 'attempt can never be graded');
      await options.grading.attempts.markNotGradable(
        attemptId,
        error.message,
        new Date(),
        error.code,
      );
      throw new UnrecoverableError(error.message);
    }
    if (!isLastTry) {
      options.metrics?.gradingRetries.inc();
      logger.warn({ err: error }, 'grading will be retried');
      throw error;
    }
    // The last try failed for a reason outside the learner's control: say so on the attempt.
    // If this write fails too (the database is away), the job fails and the reconciler ends it.
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

/**
 * PostgreSQL or Redis is away. That is our outage, never the learner's fault, so it must not
 * spend one of the attempt's tries (the last one would end it not gradable): the job is delayed
 * as it is and tried again once the outage has had time to pass. If Redis itself is away the
 * delay cannot be recorded; the job then fails as usual and its lock lapses, and BullMQ or the
 * reconciler run it again.
 */
async function waitOutOutage(
  job: Job<GradingJob>,
  token: string | undefined,
  options: GradingWorkerOptions,
  logger: Logger,
  error: unknown,
): Promise<never> {
  const baseMs = options.outageRetryMs ?? 5_000;
  const delayMs = Math.round(baseMs * (1 + Math.random())); // spread the crowd that comes back
  logger.warn(
    { delayMs, err: error instanceof Error ? error.message : String(error) },
    'PostgreSQL or Redis is unavailable; grading waits without spending a try',
  );
  options.metrics?.gradingRetries.inc();
  try {
    await job.moveToDelayed(Date.now() + delayMs, token);
  } catch {
    throw error;
  }
  throw new DelayedError();
}

/**
 * A finished attempt in the metrics. Submit-to-result starts at the job's creation, which the
 * API does right after storing the attempt, so it is what the learner waits.
 */
function recordFinished(
  metrics: NonNullable<GradingWorkerOptions['metrics']>,
  job: Job<GradingJob>,
  result: { status: string },
): void {
  if (result.status !== 'graded' && result.status !== 'not_gradable') return;
  const status = result.status;
  metrics.attempts.inc({ status });
  if (job.processedOn !== undefined) {
    metrics.gradingDuration.observe({ status }, (Date.now() - job.processedOn) / 1000);
  }
  metrics.submitToResult.observe({ status }, (Date.now() - job.timestamp) / 1000);
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
