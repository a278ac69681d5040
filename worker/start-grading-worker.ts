import { openClusterAccess } from '../src/cluster/sealed-cluster-access.js';
import { connectLearnerCluster } from '../src/cluster/connect-learner-cluster.js';
import type { Config } from '../src/config/config.js';
import type { Logger } from '../src/logging/logger.js';
import { createRedisConnection } from '../src/queue/redis-connection.js';
import type { Services } from '../src/runtime/services.js';
import { createScaledClock } from '../src/grading/grading-clock.js';
import { startClusterSecretSweep } from './cluster-secret-sweep.js';
import { createGradingWorker } from './grading-worker.js';
import { requeueStrandedAttempts } from './requeue-stranded-attempts.js';

/** A running grading worker wired to the services; `stop()` lets in-flight jobs finish. */
export async function startGradingWorker(options: {
  config: Config;
  services: Services;
  logger: Logger;
}): Promise<{ stop: () => Promise<void> }> {
  const { config, services, logger } = options;
  const connection = createRedisConnection({ url: config.redisUrl, role: 'worker' });
  const worker = createGradingWorker({
    connection,
    queueName: config.queue.name,
    concurrency: config.worker.concurrency,
    jobTimeoutMs: config.worker.jobTimeoutMs,
    grading: {
      attempts: services.attempts,
      catalog: services.catalog,
      openClusterAccess: (sealed) => openClusterAccess(services.secrets, sealed),
      connectCluster: (access, { allowInsecureTls, signal }) =>
        connectLearnerCluster({
          access,
          allowInsecureTls,
          outbound: services.outboundPolicy,
          requestTimeoutMs: config.cluster.requestTimeoutMs,
          signal,
        }),
      clock: createScaledClock(config.cluster.gradingTimeScale),
      logger,
    },
    logger,
  });
  await requeueStrandedAttempts({ attempts: services.attempts, queue: services.queue, logger });
  // Credentials of attempts that grading never finished are erased after their time to live.
  const secretSweep = startClusterSecretSweep({
    attempts: services.attempts,
    logger,
    ttlMs: config.cluster.secretTtlMs,
    intervalMs: config.cluster.secretSweepIntervalMs,
  });
  logger.info(
    { concurrency: config.worker.concurrency, queue: config.queue.name },
    'worker started',
  );
  return {
    stop: async () => {
      await secretSweep.stop();
      await worker.close();
      connection.disconnect();
    },
  };
}
