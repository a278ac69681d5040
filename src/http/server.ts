import type { Server } from 'node:http';
import { enqueueGrading } from '../queue/grading-queue.js';
import { vetLearnerClusterAccess } from '../cluster/connect-learner-cluster.js';
import { sealClusterAccess } from '../cluster/sealed-cluster-access.js';
import type { Services } from '../runtime/services.js';
import { createApp } from './create-app.js';

/** Starts the API on the configured port; returns a stop function that drains it. */
export async function startApiServer(
  services: Services,
): Promise<{ server: Server; stop: () => Promise<void> }> {
  const { config, logger } = services;
  const app = createApp({
    catalog: services.catalog,
    attempts: services.attempts,
    enqueue: (attemptId) => enqueueGrading(services.queue, attemptId),
    sealClusterAccess: (access) => sealClusterAccess(services.secrets, access),
    vetClusterAccess: (access, { allowInsecureTls }) =>
      vetLearnerClusterAccess({ access, allowInsecureTls, outbound: services.outboundPolicy }),
    readiness: [
      { name: 'postgres', check: async () => void (await services.prisma.$queryRaw`SELECT 1`) },
      { name: 'redis', check: async () => void (await services.redis.ping()) },
    ],
    logger,
    bodyLimitBytes: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    corsOrigins: config.http.corsOrigins,
  });
  const server = await new Promise<Server>((resolve) => {
    const listening = app.listen(config.http.port, config.http.host, () => resolve(listening));
  });
  logger.info({ address: server.address() }, 'kubegrade API listening');
  return {
    server,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
