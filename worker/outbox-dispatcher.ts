import { dispatchAttemptEvents } from '../src/integrations/dispatch-attempt-events.js';
import type { Logger } from '../src/logging/logger.js';
import type { Integrations } from '../src/runtime/integrations.js';
import { startPeriodicTask } from './periodic-task.js';

/**
 * Runs the outbox dispatcher every `intervalMs` in this worker, one pass at a time. Every worker
 * runs one; they share the work safely (each pass locks its events with SKIP LOCKED).
 */
export function startOutboxDispatcher(options: {
  integrations: Integrations;
  logger: Logger;
  intervalMs: number;
}): { stop: () => Promise<void> } {
  const { integrations, logger } = options;
  return startPeriodicTask({
    task: () =>
      dispatchAttemptEvents(
        {
          outbox: integrations.outbox,
          enqueueDelivery: integrations.enqueueDelivery,
          enqueueScorePost: integrations.enqueueScorePost,
          logger,
        },
        // A row whose job is due for several poll intervals has lost its job.
        { batchSize: 100, overdueAfterMs: Math.max(30_000, options.intervalMs * 10) },
      ),
    intervalMs: options.intervalMs,
    onError: (error) => logger.error({ err: error }, 'could not dispatch attempt events'),
  });
}
