import express, { type Express } from 'express';
import helmet from 'helmet';
import type { AssessmentCatalog } from '../assessments/assessment-catalog.js';
import { createAssessmentsRouter } from './assessments-router.js';
import type { AttemptRepository } from '../attempts/attempt-repository.js';
import { createAttemptsRouter } from '../attempts/attempts-router.js';
import type { SubmitAttemptDependencies } from '../attempts/submit-attempt.js';
import type { LinkSigner } from '../links/signed-links.js';
import { createLinkUrls } from '../links/link-urls.js';
import { createInstructorLinksRouter } from '../links/instructor-links-router.js';
import type { PagesDependencies } from '../pages/pages-router.js';
import type { Logger } from '../logging/logger.js';
import type { PrincipalCache } from '../tenants/authenticate-api-key.js';
import type { TenantRepository } from '../tenants/tenant-repository.js';
import { createAuthenticate, principalOf, requireScope } from './authentication.js';
import type { GradingQueue } from '../queue/grading-queue.js';
import type { ResultsSource } from '../results/export-results.js';
import { createResultsRouter } from '../results/results-router.js';
import { requireAdminToken } from './admin-auth.js';
import type { LiveUpdateLimits } from '../pages/feedback/feedback-events.js';
import { createPagesRouter } from '../pages/pages-router.js';
import type { ReplayGrade } from '../results/replay-from-journal.js';
import { createResultChangesRouter } from '../results/result-changes-router.js';
import type { ResultsRepository } from '../results/results-repository.js';
import { createCorsMiddleware } from './cors.js';
import { createQueueDashboard } from './queue-dashboard.js';
import { defaultRetryAfterSeconds } from './error-catalogue.js';
import { createErrorHandler, requireJsonBody, routeNotFound } from './error-handler.js';
import {
  createWebhooksRouter,
  type WebhooksRouterDependencies,
} from '../webhooks/webhooks-router.js';
import { createLtiRouter, type LtiRouterDependencies } from '../lti/lti-router.js';
import type { ToolKeyStore } from '../lti/tool-key-store.js';
import { createHealthRouter, type ReadinessProbe } from './health-router.js';
import { createRequestLogging } from './request-logging.js';
import { createConcurrencyLimiting } from './concurrency-limiting.js';
import { createRateLimiting, type RateLimits } from './rate-limiting.js';
import type { Redis } from 'ioredis';
import type { KubegradeMetrics } from '../metrics/kubegrade-metrics.js';
import type { QueueDepth } from '../metrics/queue-depth.js';
import { createMetricsRouter } from './metrics-router.js';
import { apiVersion, openApiDoc, toolJwksDoc } from './openapi/public-route-docs.js';
import { buildOpenApiDocument } from './openapi/openapi-document.js';

export interface AppDependencies {
  catalog: AssessmentCatalog;
  attempts: AttemptRepository;
  tenants: TenantRepository;
  /** Verified API keys, so that a burst from one key does not look its key up every time. */
  principalCache: PrincipalCache;
  /** Versions of results, overrides and regrades. */
  resultHistory: ResultsRepository;
  /** Grades a stored attempt again from its recorded evidence (regrades). */
  replay: ReplayGrade;
  /** Signs the feedback and instructor links handed to browsers. */
  links: LinkSigner;
  /** Where browsers reach the API; links are relative without it. */
  publicBaseUrl?: string;
  /** Bounds on the feedback page's live updates (tests poll faster). */
  liveUpdates?: Partial<LiveUpdateLimits>;
  enqueue: (attemptId: string) => Promise<void>;
  queueName: string;
  sealClusterAccess: SubmitAttemptDependencies['sealClusterAccess'];
  vetClusterAccess: SubmitAttemptDependencies['vetClusterAccess'];
  readiness: ReadinessProbe[];
  /** Webhook endpoints and their delivery log (/v1/webhooks); the processes always give it. */
  webhooks?: WebhooksRouterDependencies;
  /** LTI registration and passback log (/v1/lti), and the tool's public keys. */
  lti?: LtiRouterDependencies & { toolKeys: ToolKeyStore };
  logger: Logger;
  bodyLimitBytes: number;
  trustProxy?: boolean;
  /** Browser origins allowed to call the API cross-origin; none (no CORS headers) by default. */
  corsOrigins?: string[];
  /** Per-key and per-tenant limits counted in this Redis; none when absent. */
  rateLimiting?: { redis: Redis; limits: RateLimits };
  /** What every 503 tells clients in `Retry-After`, in seconds. */
  retryAfterSeconds?: number;
  /** A queued attempt's place in the waiting list, shown in its view. */
  queuePosition?: (attemptId: string) => Promise<number | undefined>;
  /** Stored results for GET /v1/results/export. */
  results?: ResultsSource;
  /** Aggregates for the instructor views (/instructor/<JWT>); not served without it. */
  instructorReports?: PagesDependencies['instructorReports'];
  /** The grading queues shown on the operator dashboard at /admin/queues. */
  dashboardQueues?: GradingQueue[];
  /** Operator endpoints (dashboard, export) need it; unset, they answer 401. */
  adminToken?: string;
  /** Served at /metrics; submitted attempts are counted in it. */
  metrics?: KubegradeMetrics;
  /** Served at /queue-depth for the autoscaler. */
  readQueueDepth?: () => Promise<QueueDepth>;
}

/** Builds the Express app from its dependencies; the server entry point owns their lifecycle. */
export function createApp(deps: AppDependencies): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(createRequestLogging(deps.logger));
  // The pages load only their own stylesheet and script; live updates connect to this origin.
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: false,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'"],
          imgSrc: ["'self'"],
          connectSrc: ["'self'"],
          fontSrc: ["'self'"],
          objectSrc: ["'none'"],
          baseUri: ["'none'"],
          formAction: ["'self'"],
          frameAncestors: ["'none'"],
        },
      },
    }),
  );
  if (deps.corsOrigins !== undefined && deps.corsOrigins.length > 0) {
    app.use(createCorsMiddleware(deps.corsOrigins));
  }
  const retryAfterSeconds = deps.retryAfterSeconds ?? defaultRetryAfterSeconds;
  app.use(createHealthRouter(deps.readiness, { retryAfterSeconds }));
  const requireAdmin = requireAdminToken(deps.adminToken);
  if (deps.dashboardQueues !== undefined) {
    app.use(
      '/admin/queues',
      requireAdmin,
      createQueueDashboard(deps.dashboardQueues, '/admin/queues'),
    );
  }
  if (deps.metrics) {
    app.use(
      createMetricsRouter({
        registry: deps.metrics.registry,
        ...(deps.readQueueDepth ? { readQueueDepth: deps.readQueueDepth } : {}),
      }),
    );
  }
  const lti = deps.lti;
  if (lti) {
    // Public: LMS platforms fetch it to verify the tool's client assertions.
    app.get('/.well-known/jwks.json', toolJwksDoc, async (_req, res) => {
      res.set('Cache-Control', 'public, max-age=300').json(await lti.toolKeys.publicJwks());
    });
  }
  // Public, before the API's authentication: built once from the routes registered below.
  let openApiDocument: unknown;
  app.get('/v1/openapi.json', openApiDoc, (_req, res) => {
    openApiDocument ??= buildOpenApiDocument(app, { version: apiVersion });
    res.set('Cache-Control', 'public, max-age=300').json(openApiDocument);
  });
  const linkUrls = createLinkUrls(deps.links, deps.publicBaseUrl);
  app.use(
    createPagesRouter({
      attempts: deps.attempts,
      results: deps.resultHistory,
      catalog: deps.catalog,
      links: deps.links,
      logger: deps.logger,
      ...(deps.liveUpdates ? { liveUpdates: deps.liveUpdates } : {}),
      ...(deps.instructorReports ? { instructorReports: deps.instructorReports } : {}),
    }),
  );

  const api = express.Router();
  api.use(
    createAuthenticate({ tenants: deps.tenants, cache: deps.principalCache, logger: deps.logger }),
  );
  // Limited before the body is read: a refused request costs neither parsing nor the database.
  if (deps.rateLimiting) {
    const { concurrentPerKey } = deps.rateLimiting.limits;
    // First, as it costs no Redis round trip: a key with too much in progress is refused at once.
    if (concurrentPerKey !== undefined) {
      api.use(createConcurrencyLimiting({ perKey: concurrentPerKey }));
    }
    api.use(createRateLimiting(deps.rateLimiting.redis, deps.rateLimiting.limits));
  }
  api.use(requireJsonBody);
  api.use(express.json({ limit: deps.bodyLimitBytes, strict: true }));
  api.use('/assessments', createAssessmentsRouter(deps.catalog));
  const { metrics } = deps;
  api.use(
    '/attempts',
    createAttemptsRouter({
      ...deps,
      linkUrls,
      ...(metrics
        ? { onAttemptSubmitted: () => metrics.attempts.inc({ status: 'submitted' }) }
        : {}),
    }),
  );
  if (deps.results !== undefined) {
    api.use(
      '/results',
      createResultsRouter({
        results: deps.results,
        authorize: requireScope('results:read'),
        tenantOf: (res) => principalOf(res).tenantId,
      }),
    );
  }
  api.use(createInstructorLinksRouter({ catalog: deps.catalog, linkUrls }));
  if (deps.webhooks) api.use('/webhooks', createWebhooksRouter(deps.webhooks));
  if (lti) api.use('/lti', createLtiRouter(lti));
  api.use(createResultChangesRouter({ ...deps, results: deps.resultHistory }));
  app.use('/v1', api);

  app.use(routeNotFound);
  app.use(createErrorHandler(deps.logger, { retryAfterSeconds }));
  return app;
}
