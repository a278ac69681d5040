import type { AttemptRepository } from '../src/attempts/attempt-repository.js';
import type { Logger } from '../src/logging/logger.js';
import { enqueueGrading, type GradingQueue } from '../src/queue/grading-queue.js';
import { startPeriodicTask, type PeriodicTask } from './periodic-task.js';

/** Job states in which BullMQ will still run the job: the attempt is not stranded. */
const alive = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children']);

export interface ReconcileOptions {
  attempts: AttemptRepository;
  queue: GradingQueue;
  logger: Logger;
  /** An attempt younger than this may be between its INSERT and its enqueue: left alone. */
  graceMs: number;
  /** Grading runs after which a stranded attempt is ended rather than tried again. */
  maxRuns: number;
  limit?: number;
  now?: () => Date;
}

/**
 * Finds this queue's unfinished attempts whose job is gone (Redis lost its data, an API died
 * between storing and enqueueing), failed (its last try could not even write its outcome) or
 * completed without finishing the attempt, and enqueues them again; one that has used up its
 * runs ends not gradable with the reason. Safe with many workers at once: the job id is the
 * attempt id, so a second enqueue of the same attempt is a no-op, and finishing only touches
 * unfinished attempts.
 */
export async function reconcileStrandedAttempts(
  options: ReconcileOptions,
): Promise<{ requeued: number; ended: number }> {
  const now = options.now ?? (() => new Date());
  const candidates = await options.attempts.listUnfinished({
    queueName: options.queue.name,
    receivedBefore: new Date(now().getTime() - options.graceMs),
    limit: options.limit ?? 1_000,
  });
  let requeued = 0;
  let ended = 0;
  for (const attempt of candidates) {
    const state = await options.queue.getJobState(attempt.id);
    if (alive.has(state)) continue;
    if (state !== 'unknown') await options.queue.remove(attempt.id);
    if (attempt.gradingRuns >= options.maxRuns) {
      const finished = await options.attempts.markNotGradable(
        attempt.id,
        `The grader lost track of this attempt ${attempt.gradingRuns} times and gave up; nothing counts against the learner.`,
        now(),
        'GRADING_ABANDONED',
      );
      if (finished) ended += 1;
      continue;
    }
    await enqueueGrading(options.queue, attempt.id);
    requeued += 1;
  }
  if (requeued + ended > 0)
    options.logger.info({ requeued, ended }, 'reconciled attempts whose job was lost');
  return { requeued, ended };
}

/** Runs the reconciler now and then every `intervalMs`, one run at a time, until stopped. */
export function startReconciler(options: ReconcileOptions & { intervalMs: number }): PeriodicTask {
  return startPeriodicTask({
    task: () => reconcileStrandedAttempts(options),
    intervalMs: options.intervalMs,
    onError: (error) =>
      options.logger.warn({ err: error }, 'reconciling stranded attempts failed; will retry'),
  });
}
