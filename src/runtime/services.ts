import type { Redis } from 'ioredis';
import pg from 'pg';
import { InstructorReportReader } from '../db/instructor-report-reader.js';
import { ResultsExportReader } from '../db/results-export-reader.js';
import {
  loadAssessmentCatalog,
  type AssessmentCatalog,
} from '../assessments/assessment-catalog.js';
import { AttemptRepository } from '../attempts/attempt-repository.js';
import { ObservationStore } from '../attempts/observation-store.js';
import { SecretBox } from '../cluster/secret-box.js';
import { parseOutboundPolicy, type OutboundPolicy } from '../cluster/outbound/outbound-policy.js';
import type { Config } from '../config/config.js';
import { createPrismaClientWithPool } from '../db/prisma-client.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { createLinkSigner, type LinkSigner } from '../links/signed-links.js';
import type { Logger } from '../logging/logger.js';
import { ResultsRepository } from '../results/results-repository.js';
import { createGradingQueue, type GradingQueue } from '../queue/grading-queue.js';
import { createRedisConnection } from '../queue/redis-connection.js';
import { TenantRepository } from '../tenants/tenant-repository.js';
import { registerDatabasePoolGauge } from '../metrics/database-pool.js';
import { createKubegradeMetrics, type KubegradeMetrics } from '../metrics/kubegrade-metrics.js';
import {
  readQueueDepth,
  registerQueueDepthGauge,
  type QueueDepth,
} from '../metrics/queue-depth.js';
import { openIntegrations, type Integrations } from './integrations.js';

/** The long-lived adapters that the API and the worker both need, opened and closed together. */
export interface Services {
  config: Config;
  logger: Logger;
  prisma: PrismaClient;
  redis: Redis;
  queue: GradingQueue;
  catalog: AssessmentCatalog;
  attempts: AttemptRepository;
  /** Attempts' observation journals (what the grader saw, appended as it saw it). */
  observations: ObservationStore;
  tenants: TenantRepository;
  /** Versions of results, overrides and regrades. */
  resultHistory: ResultsRepository;
  links: LinkSigner;
  secrets: SecretBox;
  /** Which learner-cluster addresses may be reached (private ranges are refused by default). */
  outboundPolicy: OutboundPolicy;
  /** Streams stored results for exports (plain SQL batches; Prisma cannot stream). */
  results: ResultsExportReader;
  /** The instructor views' aggregates, on the export's pool. */
  instructorReports: InstructorReportReader;
  /** This process's Prometheus series (served at /metrics). */
  metrics: KubegradeMetrics;
  /** Counts of the grading queue by state, straight from BullMQ. */
  readQueueDepth: () => Promise<QueueDepth>;
  /** Webhooks and LTI grade passback: repositories and their queues. */
  integrations: Integrations;
  close: () => Promise<void>;
}

export async function openServices(
  config: Config,
  logger: Logger,
  role: 'producer' | 'worker',
): Promise<Services> {
  const catalog = await loadAssessmentCatalog(
    config.assessmentsDir ? { directory: config.assessmentsDir } : {},
  );
  const { prisma, pool } = createPrismaClientWithPool({
    databaseUrl: config.databaseUrl,
    maxConnections: config.databasePoolSize,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    // A session the server ended (restart, 57P01) is replaced on next use; the queries that
    // needed it fail on their own and become 503s or retries.
    onConnectionError: (error) => logger.warn({ err: error }, 'postgres connection lost'),
  });
  // A failed Redis connection is reported by readiness and by the calls that need it.
  const redis = createRedisConnection({
    url: config.redisUrl,
    role,
    logger,
    sentinel: config.redisSentinel,
  });
  const queue = createGradingQueue({
    connection: redis,
    name: config.queue.name,
    prefix: config.queue.prefix,
    attempts: config.worker.jobAttempts,
    backoffMs: config.worker.jobBackoffMs,
  });
  queue.on('error', (error) => logger.warn({ err: error }, 'queue error'));
  // A small pool of its own: a long export must not take the connections that grading needs.
  const exportPool = new pg.Pool({ connectionString: config.databaseUrl, max: 2 });
  const onExportPoolError = (error: Error) => logger.warn({ err: error }, 'export pool error');
  exportPool.on('error', onExportPoolError);
  // A session the server ends while a connection is checked out must not crash the process
  // either (the pool listens only to idle ones); see createPrismaClientWithPool.
  exportPool.on('connect', (client) => client.on('error', onExportPoolError));
  const readGradingQueueDepth = (): Promise<QueueDepth> => readQueueDepth(queue);
  const metrics = createKubegradeMetrics({ role: role === 'producer' ? 'api' : 'worker' });
  registerQueueDepthGauge(metrics.registry, readGradingQueueDepth);
  registerDatabasePoolGauge(metrics.registry, pool, config.databasePoolSize);
  const secrets = new SecretBox(config.clusterSecretKeys);
  const integrations = openIntegrations({
    prisma,
    secrets,
    connection: redis,
    config: config.integrations,
    outbound: { allowCidrs: config.cluster.allowCidrs, allowHosts: config.cluster.allowHosts },
  });
  return {
    config,
    logger,
    prisma,
    redis,
    queue,
    catalog,
    attempts: new AttemptRepository(prisma, pool, {
      preparedStatements: config.databasePreparedStatements,
    }),
    results: new ResultsExportReader(exportPool),
    instructorReports: new InstructorReportReader(exportPool),
    observations: new ObservationStore(pool),
    tenants: new TenantRepository(prisma),
    resultHistory: new ResultsRepository(prisma),
    links: createLinkSigner({
      key: config.links.signingKey,
      feedbackTtlSeconds: config.links.feedbackTtlSeconds,
      instructorTtlSeconds: config.links.instructorTtlSeconds,
    }),
    secrets,
    outboundPolicy: parseOutboundPolicy({
      cidrs: config.cluster.allowCidrs,
      hosts: config.cluster.allowHosts,
    }),
    metrics,
    readQueueDepth: readGradingQueueDepth,
    integrations,
    close: async () => {
      await integrations.close();
      await queue.close();
      redis.disconnect();
      await prisma.$disconnect();
      await exportPool.end();
    },
  };
}
