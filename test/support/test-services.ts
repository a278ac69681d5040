import { randomUUID } from 'node:crypto';
import type { Express } from 'express';
import request from 'supertest';
import pg from 'pg';
import { InstructorReportReader } from '../../src/db/instructor-report-reader.js';
import { ResultsExportReader } from '../../src/db/results-export-reader.js';
import { queuePosition } from '../../src/queue/queue-position.js';
import {
  loadAssessmentCatalog,
  type AssessmentCatalog,
} from '../../src/assessments/assessment-catalog.js';
import { AttemptRepository } from '../../src/attempts/attempt-repository.js';
import { vetLearnerClusterAccess } from '../../src/cluster/connect-learner-cluster.js';
import { parseOutboundPolicy } from '../../src/cluster/outbound/outbound-policy.js';
import { sealClusterAccess } from '../../src/cluster/sealed-cluster-access.js';
import { SecretBox } from '../../src/cluster/secret-box.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import { createApp } from '../../src/http/create-app.js';
import type { LinkSigner } from '../../src/links/signed-links.js';
import { createJournalReplay } from '../../src/results/replay-from-journal.js';
import { ResultsRepository } from '../../src/results/results-repository.js';
import { createLogger, type Logger } from '../../src/logging/logger.js';
import {
  createGradingQueue,
  enqueueGrading,
  type GradingQueue,
} from '../../src/queue/grading-queue.js';
import { createRedisConnection } from '../../src/queue/redis-connection.js';
import { createGradingWorker, type GradingWorker } from '../../worker/grading-worker.js';
import { ObservationStore } from '../../src/attempts/observation-store.js';
import { createGradingDependencies } from '../../src/runtime/grading-dependencies.js';
import { createPrincipalCache } from '../../src/tenants/authenticate-api-key.js';
import type { ApiScope } from '../../src/tenants/scopes.js';
import { TenantRepository } from '../../src/tenants/tenant-repository.js';
import {
  createKubegradeMetrics,
  type KubegradeMetrics,
} from '../../src/metrics/kubegrade-metrics.js';
import { observeClusterRequest } from '../../src/metrics/observe-cluster-requests.js';
import {
  readQueueDepth,
  registerQueueDepthGauge,
  type QueueDepth,
} from '../../src/metrics/queue-depth.js';
import { openIntegrations, type Integrations } from '../../src/runtime/integrations.js';
import { startIntegrationWorkers } from '../../worker/start-integration-workers.js';
import { awaitCondition } from './await-condition.js';
import { createTestDatabase } from './test-database.js';
import { createTestTenantKey } from './test-tenants.js';
import { createTestLinkSigner } from './test-links.js';

export const testRedisUrl = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A log sink that keeps every line, so tests can assert what was (and was not) logged. */
export function createCapturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  // The production logger, redaction included, so tests see what an operator's logs would hold.
  const logger = createLogger({
    level: 'debug',
    name: 'kubegrade-test',
    destination: { write: (line: string) => void lines.push(line) },
  });
  return { logger, lines };
}

/** supertest against the app with one tenant's API key on every request. */
export type AuthenticatedApi = ReturnType<typeof request.agent>;

export interface TestTenant {
  tenantId: string;
  name: string;
  /** The whole API key (`kg_...`), as its creator was shown it. */
  key: string;
  keyId: string;
  api: AuthenticatedApi;
}

/** The operator token the test API accepts (ADMIN_TOKEN). */
export const testAdminToken = 'test-admin-token-0123456789abcdef0123456789';

export interface TestServices {
  app: Express;
  /** The app as the default test tenant calls it: a key with every scope. */
  api: AuthenticatedApi;
  /** The default tenant, whose key `api` uses. */
  tenant: TestTenant;
  /** Another tenant with its own key; every scope unless told otherwise. */
  createTenantWithKey: (options?: { name?: string; scopes?: ApiScope[] }) => Promise<TestTenant>;
  tenants: TenantRepository;
  prisma: PrismaClient;
  /** The test's own database, for processes the test starts. */
  databaseUrl: string;
  attempts: AttemptRepository;
  /** The attempts' observation journals. */
  observations: ObservationStore;
  results: ResultsRepository;
  links: LinkSigner;
  queue: GradingQueue;
  queueName: string;
  catalog: AssessmentCatalog;
  secrets: SecretBox;
  logLines: string[];
  logger: Logger;
  /** The API's series (served by `app` at /metrics) and the workers' (shared by all of them). */
  apiMetrics: KubegradeMetrics;
  workerMetrics: KubegradeMetrics;
  startWorker: (options?: {
    concurrency?: number;
    jobTimeoutMs?: number;
    /** Makes the grader's waits this many times shorter (match the simulated cluster's speed). */
    timeScale?: number;
    clusterRequestTimeoutMs?: number;
    /** Waits longer than this (grading time) park the attempt; 5 s as in production by default. */
    parkAfterMs?: number;
  }) => GradingWorker;
  /** Webhooks and LTI: plain http and loopback allowed, short back-off, queues of its own. */
  integrations: Integrations;
  /** The outbox dispatcher and delivery workers, as a worker process runs them. */
  startIntegrationWorkers: () => void;
  close: () => Promise<void>;
}

/**
 * Everything a test needs, isolated: its own database, its own queue name on the shared Redis,
 * and workers that it must stop (close() stops them all).
 */
export async function openTestServices(
  options: {
    bodyLimitBytes?: number;
    jobAttempts?: number;
    backoffMs?: number;
    /** CIDRs a learner's cluster may be in; the simulated cluster runs on 127.0.0.1. */
    allowCidrs?: string;
    /** Where the rubrics come from; the repository's `assessments/` by default. */
    assessmentsDirectory?: string;
    /** Per-key and per-tenant limits; high by default so that only limit tests meet them. */
    rateLimits?: { perKey: number; perTenant: number; windowMs: number; concurrentPerKey?: number };
    /** Browser origins that get CORS headers (none by default, as in production). */
    corsOrigins?: string[];
  } = {},
): Promise<TestServices> {
  const database = await createTestDatabase();
  const { logger, lines } = createCapturingLogger();
  const queueName = `test-${randomUUID()}`;
  const producer = createRedisConnection({ url: testRedisUrl, role: 'producer' });
  const queue = createGradingQueue({
    connection: producer,
    name: queueName,
    attempts: options.jobAttempts ?? 3,
    backoffMs: options.backoffMs ?? 50,
  });
  const catalog = await loadAssessmentCatalog(
    options.assessmentsDirectory === undefined ? {} : { directory: options.assessmentsDirectory },
  );
  const attempts = new AttemptRepository(database.prisma, database.pool);
  const tenants = new TenantRepository(database.prisma);
  const results = new ResultsRepository(database.prisma);
  const observations = new ObservationStore(database.pool);
  const links = createTestLinkSigner();
  const secrets = new SecretBox([{ id: 'test', key: Buffer.alloc(32, 7) }]);
  const outbound = parseOutboundPolicy({ cidrs: options.allowCidrs ?? '127.0.0.1/32', hosts: '' });
  const exportPool = new pg.Pool({ connectionString: database.databaseUrl, max: 2 });
  // As in production (src/runtime/services.ts): a connection ended by the server (the test's
  // database is dropped at close, with its sessions) is logged, not an unhandled 'error'.
  const onExportPoolError = (error: Error) => logger.warn({ err: error }, 'export pool error');
  exportPool.on('error', onExportPoolError);
  exportPool.on('connect', (client) => client.on('error', onExportPoolError));
  const readGradingQueueDepth = (): Promise<QueueDepth> => readQueueDepth(queue);
  const apiMetrics = createKubegradeMetrics({ role: 'api' });
  registerQueueDepthGauge(apiMetrics.registry, readGradingQueueDepth);
  const workerMetrics = createKubegradeMetrics({ role: 'worker' });
  const integrations = openIntegrations({
    prisma: database.prisma,
    secrets,
    connection: producer,
    config: {
      outboxPollIntervalMs: 50,
      allowHttp: true,
      requestTimeoutMs: 2_000,
      webhooks: { queueName: `${queueName}-webhooks`, maxTries: 5, backoffMs: 20 },
      lti: { queueName: `${queueName}-lti`, maxTries: 5, backoffMs: 20 },
    },
    outbound: { allowCidrs: options.allowCidrs ?? '127.0.0.1/32', allowHosts: '' },
  });
  const app = createApp({
    metrics: apiMetrics,
    readQueueDepth: readGradingQueueDepth,
    webhooks: {
      webhooks: integrations.webhooks,
      secrets,
      outbound: integrations.outbound,
      enqueueDelivery: integrations.enqueueDelivery,
    },
    lti: {
      lti: integrations.lti,
      outbound: integrations.outbound,
      toolKeys: integrations.toolKeys,
    },
    catalog,
    attempts,
    tenants,
    principalCache: createPrincipalCache({ ttlMs: 5_000 }),
    rateLimiting: {
      redis: producer,
      limits: options.rateLimits ?? { perKey: 100_000, perTenant: 100_000, windowMs: 1_000 },
    },
    resultHistory: results,
    links,
    replay: createJournalReplay({ observations }),
    liveUpdates: { pollMs: 50 },
    enqueue: (attemptId) => enqueueGrading(queue, attemptId),
    queueName,
    sealClusterAccess: (access) => sealClusterAccess(secrets, access),
    vetClusterAccess: (access, { allowInsecureTls }) =>
      vetLearnerClusterAccess({ access, allowInsecureTls, outbound }),
    readiness: [
      { name: 'postgres', check: async () => void (await database.prisma.$queryRaw`SELECT 1`) },
      { name: 'redis', check: async () => void (await producer.ping()) },
    ],
    logger,
    bodyLimitBytes: options.bodyLimitBytes ?? 256 * 1024,
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    queuePosition: (attemptId) => queuePosition({ redis: producer, queue, jobId: attemptId }),
    results: new ResultsExportReader(exportPool),
    instructorReports: new InstructorReportReader(exportPool),
    dashboardQueues: [queue],
    adminToken: testAdminToken,
  });

  const workers: GradingWorker[] = [];
  const workerConnections: Array<ReturnType<typeof createRedisConnection>> = [];
  const startWorker: TestServices['startWorker'] = (workerOptions = {}) => {
    const connection = createRedisConnection({ url: testRedisUrl, role: 'worker' });
    workerConnections.push(connection);
    const worker = createGradingWorker({
      connection,
      queueName,
      concurrency: workerOptions.concurrency ?? 2,
      jobTimeoutMs: workerOptions.jobTimeoutMs ?? 20_000,
      metrics: workerMetrics,
      grading: createGradingDependencies({
        attempts,
        observations,
        catalog,
        secrets,
        outboundPolicy: outbound,
        requestTimeoutMs: workerOptions.clusterRequestTimeoutMs ?? 2_000,
        timeScale: workerOptions.timeScale ?? 1,
        parkAfterMs: workerOptions.parkAfterMs ?? 5_000,
        onClusterRequest: (record) => observeClusterRequest(workerMetrics, record),
        logger,
      }),
      wake: async (attemptId) => {
        await (await queue.getJob(attemptId))?.promote();
      },
      logger,
    });
    workers.push(worker);
    return worker;
  };

  const integrationWorkers: Array<{ stop: () => Promise<void> }> = [];
  const startTestIntegrationWorkers = () => {
    integrationWorkers.push(
      startIntegrationWorkers({ redisUrl: testRedisUrl, integrations, secrets, logger }),
    );
  };

  const createTenantWithKey: TestServices['createTenantWithKey'] = async (tenantOptions = {}) => {
    const created = await createTestTenantKey(tenants, tenantOptions);
    return { ...created, api: request.agent(app).set('Authorization', `Bearer ${created.key}`) };
  };
  const tenant = await createTenantWithKey({ name: 'test-tenant' });

  return {
    app,
    api: tenant.api,
    tenant,
    createTenantWithKey,
    tenants,
    observations,
    prisma: database.prisma,
    databaseUrl: database.databaseUrl,
    attempts,
    results,
    links,
    queue,
    queueName,
    catalog,
    secrets,
    logLines: lines,
    logger,
    apiMetrics,
    workerMetrics,
    startWorker,
    integrations,
    startIntegrationWorkers: startTestIntegrationWorkers,
    close: async () => {
      await Promise.all(workers.map((worker) => worker.close()));
      await Promise.all(integrationWorkers.map((running) => running.stop()));
      for (const queueOfIntegration of [integrations.webhookQueue, integrations.ltiQueue]) {
        await queueOfIntegration.obliterate({ force: true }).catch(() => undefined);
      }
      await integrations.close();
      workerConnections.forEach((connection) => connection.disconnect());
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      producer.disconnect();
      await exportPool.end();
      await database.drop();
    },
  };
}

/** Polls the stored attempt until it leaves queued/running, or fails the test after a bound. */
export async function waitForFinishedAttempt(
  attempts: AttemptRepository,
  id: string,
  timeoutMs = 15_000,
): Promise<NonNullable<Awaited<ReturnType<AttemptRepository['find']>>>> {
  let attempt: Awaited<ReturnType<AttemptRepository['find']>> = null;
  return awaitCondition(
    () => `attempt ${id} to finish: still ${attempt?.status ?? 'missing'} after ${timeoutMs} ms`,
    async () => {
      attempt = await attempts.find(id);
      const finished = attempt?.status === 'graded' || attempt?.status === 'not_gradable';
      return finished && attempt ? attempt : undefined;
    },
    timeoutMs,
  );
}
