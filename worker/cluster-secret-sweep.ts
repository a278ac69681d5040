import type { AttemptRepository } from '../src/attempts/attempt-repository.js';
import { purgeExpiredClusterSecrets } from '../src/attempts/purge-expired-cluster-secrets.js';
import type { Logger } from '../src/logging/logger.js';
import { startPeriodicTask } from './periodic-task.js';

export interface ClusterSecretSweepOptions {
  attempts: AttemptRepository;
  logger: Logger;
  ttlMs: number;
  intervalMs: number;
}

/**
 * Runs purgeExpiredClusterSecrets now and then every `intervalMs`, one run at a time. A failed
 * run (the database was away) is logged and the next one tries again. `stop()` cancels the timer
 * and waits for a run in progress, so the database can be closed after it.
 */
export function startClusterSecretSweep(options: ClusterSecretSweepOptions): {
  stop: () => Promise<void>;
} {
  return startPeriodicTask({
    task: () =>
      purgeExpiredClusterSecrets(
        { attempts: options.attempts, logger: options.logger },
        { ttlMs: options.ttlMs },
      ),
    intervalMs: options.intervalMs,
    onError: (error) =>
      options.logger.error({ err: error }, 'could not erase expired cluster credentials'),
  });
}
