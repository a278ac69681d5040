import type { Config } from '../src/config/config.js';
import type { Logger } from '../src/logging/logger.js';
import { observeClusterRequest } from '../src/metrics/observe-cluster-requests.js';
import { createRedisConnection } from '../src/queue/redis-connection.js';
import { createGradingDependencies } from '../src/runtime/grading-dependencies.js';
import type { Services } from '../src/runtime/services.js';
import { startClusterSecretSweep } from './cluster-secret-sweep.js';
import { createGradingWorker } from './grading-worker.js';
import { startWorkerMetricsServer } from './metrics-server.js';
import { startReconciler } from './reconcile-stranded-attempts.js';

/** A running grading worker wired to the services; `stop()` lets in-flight jobs finish. */
export async function startGradingWorker(options: {
  config: Config;
  services: Services;
  logger: Logger;
}): Promise<{ stop: () => Promise<void>; metricsPort: number }> {
  const { config, services, logger } = options;
  const { metrics } = services;
  const connection = createRedisConnection({
    url: config.redisUrl,
    role: 'worker',
    sentinel: config.redisSentinel,
  });
  connection.on('error', (error) => logger.warn({ err: error }, 'worker redis connection error'));
  const grading = createGradingWorker({
    connection,
    queueName: config.queue.name,
    queuePrefix: config.queue.prefix,
    metrics,
    concurrency: config.worker.concurrency,
    jobTimeoutMs: config.worker.jobTimeoutMs,
    outageRetryMs: config.worker.outageRetryMs,
    grading: createGradingDependencies({
      attempts: services.attempts,
      observations: services.observations,
      catalog: services.catalog,
      secrets: services.secrets,
      outboundPolicy: services.outboundPolicy,
      requestTimeoutMs: config.cluster.requestTimeoutMs,
      timeScale: config.cluster.gradingTimeScale,
      parkAfterMs: config.worker.parkAfterMs,
      onClusterRequest: (record) => observeClusterRequest(metrics, record),
      logger,
    }),
    wake: async (attemptId) => {
      await (await services.queue.getJob(attemptId))?.promote();
    },
    logger,
  });
  // Attempts whose job was lost (Redis lost its data, an API died between INSERT and enqueue).
  const reconciler = startReconciler({
    attempts: services.attempts,
    queue: services.queue,
    logger,
    graceMs: config.worker.reconcileGraceMs,
    maxRuns: config.worker.maxGradingRuns,
    intervalMs: config.worker.reconcileIntervalMs,
  });
  // Credentials of attempts that grading never finished are erased after their time to live.
  const secretSweep = startClusterSecretSweep({
    attempts: services.attempts,
    logger,
    ttlMs: config.cluster.secretTtlMs,
    intervalMs: config.cluster.secretSweepIntervalMs,
  });
  const metricsServer = await startWorkerMetricsServer({
    host: config.http.host,
    port: config.metrics.port,
    registry: metrics.registry,
    isRunning: () => grading.worker.isRunning(),
    drain: () => grading.worker.pause(),
    readiness: [
      { name: 'postgres', check: async () => void (await services.prisma.$queryRaw`SELECT 1`) },
      { name: 'redis', check: async () => void (await connection.ping()) },
    ],
  });
  logger.info(
    {
      concurrency: config.worker.concurrency,
      queue: config.queue.name,
      metricsPort: metricsServer.port,
    },
    'worker started',
  );
  return {
    metricsPort: metricsServer.port,
    stop: async () => {
      await reconciler.stop();
      await secretSweep.stop();
      // Probes keep answering while in-flight jobs finish; the listener closes last.
      await grading.close();
      connection.disconnect();
      await metricsServer.stop();
    },
  };
}
