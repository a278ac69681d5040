import type { Logger } from '../logging/logger.js';
import type { AttemptRepository } from './attempt-repository.js';

/** What a learner (and their LMS) reads on an attempt whose credentials were erased unused. */
export const abandonedAttemptReason =
  'abandoned: cluster credentials expired before grading finished';

export interface PurgeExpiredClusterSecretsDependencies {
  attempts: AttemptRepository;
  logger: Logger;
  now?: () => Date;
}

export interface PurgeExpiredClusterSecretsOptions {
  /** How long after an attempt was received its credentials may still be kept. */
  ttlMs: number;
}

/**
 * Erases the credentials of attempts that have waited longer than the time to live and marks
 * them not gradable. Grading erases credentials when it ends; this covers the attempts whose
 * grading never ends (a lost job, a worker fleet that is down), so credentials at rest are
 * bounded in time whatever happens to the queue. Safe to run from many workers at once.
 */
export async function purgeExpiredClusterSecrets(
  deps: PurgeExpiredClusterSecretsDependencies,
  { ttlMs }: PurgeExpiredClusterSecretsOptions,
): Promise<{ abandonedAttemptIds: string[] }> {
  const now = (deps.now ?? (() => new Date()))();
  const abandonedAttemptIds = await deps.attempts.abandonAttemptsWithExpiredSecrets({
    receivedBefore: new Date(now.getTime() - ttlMs),
    reason: abandonedAttemptReason,
    finishedAt: now,
  });
  if (abandonedAttemptIds.length > 0) {
    deps.logger.warn(
      { count: abandonedAttemptIds.length, attemptIds: abandonedAttemptIds.slice(0, 100), ttlMs },
      'erased expired cluster credentials; attempts abandoned',
    );
  }
  return { abandonedAttemptIds };
}
