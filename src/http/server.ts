import { createServer, type Server, type ServerResponse } from 'node:http';
import { enqueueGrading } from '../queue/grading-queue.js';
import { queuePosition } from '../queue/queue-position.js';
import { vetLearnerClusterAccess } from '../cluster/connect-learner-cluster.js';
import { sealClusterAccess } from '../cluster/sealed-cluster-access.js';
import type { Services } from '../runtime/services.js';
import { createPrincipalCache } from '../tenants/authenticate-api-key.js';
import { createJournalReplay } from '../results/replay-from-journal.js';
import { createApp } from './create-app.js';

/** The API could not listen: the port is taken, or not ours to take. */
export class ListenError extends Error {
  constructor(
    readonly address: string,
    options: { cause: NodeJS.ErrnoException },
  ) {
    const why =
      options.cause.code === 'EADDRINUSE'
        ? 'the port is already in use'
        : options.cause.code === 'EACCES'
          ? 'permission denied for this port'
          : options.cause.message;
    super(`cannot listen on ${address}: ${why}`, options);
    this.name = 'ListenError';
  }
}

/** Starts the API on the configured port; returns a stop function that drains it. */
export async function startApiServer(
  services: Services,
): Promise<{ server: Server; stop: () => Promise<void> }> {
  const { config, logger } = services;
  const app = createApp({
    catalog: services.catalog,
    attempts: services.attempts,
    tenants: services.tenants,
    principalCache: createPrincipalCache({ ttlMs: config.http.apiKeyCacheTtlMs }),
    rateLimiting: { redis: services.redis, limits: config.http.rateLimits },
    resultHistory: services.resultHistory,
    replay: createJournalReplay({ observations: services.observations }),
    links: services.links,
    publicBaseUrl: config.links.publicBaseUrl,
    enqueue: (attemptId) => enqueueGrading(services.queue, attemptId),
    queueName: services.queue.name,
    sealClusterAccess: (access) => sealClusterAccess(services.secrets, access),
    vetClusterAccess: (access, { allowInsecureTls }) =>
      vetLearnerClusterAccess({ access, allowInsecureTls, outbound: services.outboundPolicy }),
    webhooks: {
      webhooks: services.integrations.webhooks,
      secrets: services.secrets,
      outbound: services.integrations.outbound,
      enqueueDelivery: services.integrations.enqueueDelivery,
    },
    lti: {
      lti: services.integrations.lti,
      outbound: services.integrations.outbound,
      toolKeys: services.integrations.toolKeys,
    },
    readiness: [
      { name: 'postgres', check: async () => void (await services.prisma.$queryRaw`SELECT 1`) },
      { name: 'redis', check: async () => void (await services.redis.ping()) },
    ],
    logger,
    bodyLimitBytes: config.http.bodyLimitBytes,
    trustProxy: config.http.trustProxy,
    corsOrigins: config.http.corsOrigins,
    retryAfterSeconds: config.http.retryAfterSeconds,
    queuePosition: (attemptId) =>
      queuePosition({ redis: services.redis, queue: services.queue, jobId: attemptId }),
    results: services.results,
    instructorReports: services.instructorReports,
    dashboardQueues: [services.queue],
    ...(config.http.adminToken === undefined ? {} : { adminToken: config.http.adminToken }),
    metrics: services.metrics,
    readQueueDepth: services.readQueueDepth,
  });
  const address = `${config.http.host}:${config.http.port}`;
  const server = await new Promise<Server>((resolve, reject) => {
    // A burst opens many connections at once: they wait in the kernel's accept queue, not
    // dropped, while the event loop is busy (see HTTP_LISTEN_BACKLOG).
    const listening = createServer(app).listen({
      port: config.http.port,
      host: config.http.host,
      backlog: config.http.listenBacklog,
    });
    listening.once('listening', () => resolve(listening));
    listening.once('error', (error: NodeJS.ErrnoException) =>
      reject(new ListenError(address, { cause: error })),
    );
  });
  // Responses being written while the server stops close their connection once sent, so that
  // keep-alive clients do not hold the process open (and reconnect to a live instance instead).
  const inFlight = new Set<ServerResponse>();
  let stopping = false;
  server.on('request', (_req, res: ServerResponse) => {
    if (stopping) res.setHeader('Connection', 'close');
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
  });
  logger.info({ address: server.address() }, 'kubegrade API listening');
  return {
    server,
    /** Stops accepting, closes idle keep-alive connections, and resolves once in-flight requests are answered. */
    stop: () =>
      new Promise<void>((resolve) => {
        stopping = true;
        for (const res of inFlight) {
          if (!res.headersSent) res.setHeader('Connection', 'close');
          // A live-update stream never finishes by itself: cut it, and the browser's
          // EventSource reconnects (to another instance) instead of holding this one open.
          else if (String(res.getHeader('content-type')).startsWith('text/event-stream')) {
            res.socket?.destroy();
          }
        }
        server.close(() => resolve());
        server.closeIdleConnections();
        logger.info(
          { inFlight: inFlight.size },
          'API stopped accepting; answering in-flight requests',
        );
      }),
  };
}
