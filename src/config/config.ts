import { z } from 'zod';
import { parseOutboundPolicy } from '../cluster/outbound/outbound-policy.js';
import { parseSecretKeys, type SecretKey } from '../cluster/secret-box.js';
import { parseCorsOrigins } from '../http/cors.js';
import { defaultQueuePrefix } from '../queue/grading-job.js';

/**
 * The one configuration object of every kubegrade process, read from the environment once at
 * start-up. A bad value stops start-up with a message naming the variable.
 */

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const booleanFlag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const environmentSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .default('postgresql://postgres@127.0.0.1:5432/kubegrade'),
  /** How long a query waits for a PostgreSQL connection before the request answers 503. */
  DATABASE_CONNECT_TIMEOUT_MS: positiveInt.default(5_000),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  /** Comma-separated `host:port` Sentinels; with them REDIS_URL names only credentials and TLS. */
  REDIS_SENTINELS: z
    .string()
    .regex(/^[^\s,:]+:\d+(,[^\s,:]+:\d+)*$/, 'host:port,host:port')
    .optional(),
  /** The master group name the Sentinels watch. */
  REDIS_SENTINEL_MASTER: z.string().min(1).default('mymaster'),
  /** Prefix of every BullMQ key; the {hash tag} keeps one queue's keys in one Redis Cluster slot. */
  QUEUE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_{}:-]+$/, 'letters, digits, _ - : { } only')
    .default(defaultQueuePrefix),
  /** PostgreSQL connections per process (each API and worker process has its own pool). */
  DATABASE_POOL_SIZE: positiveInt.max(500).default(10),
  /**
   * The hottest statements (an attempt's insert and read) are named, so each connection plans
   * them once. Behind PgBouncer in transaction mode that needs PgBouncer 1.21+ with
   * max_prepared_statements above 0; set false for an older or unconfigured one.
   */
  DATABASE_PREPARED_STATEMENTS: booleanFlag.default(true),
  /** Where a worker serves /metrics and /healthz (the API serves them on its own port). */
  METRICS_PORT: port.default(9464),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('grading'),
  // Grading waits on learners' clusters (watches, stability windows): IO-bound, so many per process.
  WORKER_CONCURRENCY: positiveInt.max(256).default(16),
  /** The longest one grading job may run before it is abandoned and retried. */
  JOB_TIMEOUT_MS: positiveInt.default(15 * 60_000),
  JOB_ATTEMPTS: positiveInt.max(20).default(3),
  JOB_BACKOFF_MS: positiveInt.default(2_000),
  /** How long the API waits for in-flight requests on SIGTERM before closing them anyway. */
  API_SHUTDOWN_TIMEOUT_MS: positiveInt.default(10_000),
  /**
   * Connections the kernel holds for the API before it accepts them. Node's 511 overflowed under
   * a burst of 2,000 connections: the kernel dropped the extra SYNs and clients timed out before
   * their retransmission got in. Linux caps it at net.core.somaxconn.
   */
  HTTP_LISTEN_BACKLOG: positiveInt.max(65_535).default(4096),
  /** What a 503 (PostgreSQL or Redis unavailable) tells clients in Retry-After, in seconds. */
  RETRY_AFTER_SECONDS: positiveInt.max(3600).default(5),
  /** Waits on a learner's cluster longer than this park the attempt instead of holding a slot. */
  PARK_AFTER_MS: positiveInt.default(5_000),
  /** How often each worker looks for unfinished attempts whose job was lost. */
  RECONCILE_INTERVAL_MS: positiveInt.default(30_000),
  /** An attempt younger than this may be between its INSERT and its enqueue: not reconciled. */
  RECONCILE_GRACE_MS: positiveInt.default(60_000),
  OUTAGE_RETRY_MS: positiveInt.default(5_000),
  /** Grading runs (first try, retries, re-enqueues) after which a lost attempt is ended. */
  MAX_GRADING_RUNS: positiveInt.max(50).default(6),
  /** How long the worker waits for in-flight jobs on SIGTERM before giving up. */
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  BODY_LIMIT_BYTES: positiveInt.default(256 * 1024),
  ASSESSMENTS_DIR: z.string().min(1).optional(),
  TRUST_PROXY: booleanFlag.default(false),
  /** Comma-separated browser origins (`https://lms.example.org`) allowed to call the API. */
  CORS_ORIGINS: z.string().default(''),
  /** Bearer (or Basic password) for operator endpoints: the queue dashboard, results export. */
  ADMIN_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  /** Per-request time limit for calls to a learner's cluster. */
  CLUSTER_REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  /** Comma-separated CIDRs that learners' clusters may be in despite being private/loopback. */
  OUTBOUND_ALLOW_CIDRS: z.string().default(''),
  /** Comma-separated host names that may be reached despite the outbound guard. */
  OUTBOUND_ALLOW_HOSTS: z.string().default(''),
  /** Makes the grader's waits N times shorter; only for demos against a sped-up simulated cluster. */
  GRADING_TIME_SCALE: z.coerce.number().positive().max(1000).default(1),
  /** `id:base64key,...`: 32-byte AES keys for credentials at rest; the first one seals. */
  CLUSTER_SECRET_KEYS: z.string().optional(),
  /** How long after submission cluster credentials are kept before the attempt is abandoned. */
  CLUSTER_SECRET_TTL_MS: positiveInt.default(60 * 60_000),
  /** How often a worker looks for attempts whose credentials outlived CLUSTER_SECRET_TTL_MS. */
  CLUSTER_SECRET_SWEEP_INTERVAL_MS: positiveInt.default(60_000),
  /** How often each worker turns new attempt events into webhook deliveries and LTI score posts. */
  OUTBOX_POLL_INTERVAL_MS: positiveInt.default(1_000),
  /** Lets webhook and LMS URLs use plain http (development and tests against local servers). */
  INTEGRATIONS_ALLOW_HTTP: booleanFlag.default(false),
  /** Per-request time limit for webhook deliveries and LMS calls. */
  INTEGRATION_REQUEST_TIMEOUT_MS: positiveInt.default(10_000),
  WEBHOOK_QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('webhooks'),
  /** Tries per delivery before it is marked failed, and the exponential back-off base. */
  WEBHOOK_MAX_TRIES: positiveInt.max(30).default(8),
  WEBHOOK_BACKOFF_MS: positiveInt.default(10_000),
  LTI_QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('lti-scores'),
  LTI_MAX_TRIES: positiveInt.max(30).default(8),
  LTI_BACKOFF_MS: positiveInt.default(10_000),
  /** How long an API process trusts a verified key before looking it up again (revocation delay). */
  API_KEY_CACHE_TTL_MS: positiveInt.max(300_000).default(5_000),
  /** Requests per API key, and per tenant (all its keys), in each RATE_LIMIT_WINDOW_MS. */
  RATE_LIMIT_PER_KEY: positiveInt.default(50),
  RATE_LIMIT_PER_TENANT: positiveInt.default(100),
  RATE_LIMIT_WINDOW_MS: positiveInt.min(1000).default(1000),
  /** Requests of one API key in progress at once in one API process (as many as pool connections). */
  RATE_LIMIT_CONCURRENT_PER_KEY: positiveInt.max(10_000).default(10),
  /** base64 of at least 32 random bytes: signs the feedback and instructor links (HS256). */
  LINK_SIGNING_KEY: z.string().optional(),
  /** How long a learner's feedback link opens the page. */
  FEEDBACK_LINK_TTL_SECONDS: positiveInt.default(7 * 24 * 3600),
  /** How long an instructor link opens the instructor views. */
  INSTRUCTOR_LINK_TTL_SECONDS: positiveInt.max(7 * 24 * 3600).default(8 * 3600),
  /** Where browsers reach the API (`https://grader.example.org`); links are relative without it. */
  PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export type Config = {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  /** How long a query waits for a connection (new, or free in a full pool) before failing. */
  databaseConnectTimeoutMs: number;
  /** PostgreSQL connections per process (DATABASE_POOL_SIZE). */
  databasePoolSize: number;
  /** Name the hottest statements so each connection plans them once (DATABASE_PREPARED_STATEMENTS). */
  databasePreparedStatements: boolean;
  redisUrl: string;
  /** Set when Redis is reached through Sentinel; see src/queue/redis-connection.ts. */
  redisSentinel:
    { sentinels: Array<{ host: string; port: number }>; masterName: string } | undefined;
  http: {
    host: string;
    port: number;
    bodyLimitBytes: number;
    trustProxy: boolean;
    /** Exact origins that get CORS headers; empty means none do. */
    corsOrigins: string[];
    /** SIGTERM: in-flight requests get this long before the API exits anyway. */
    shutdownTimeoutMs: number;
    /** Pending connections the kernel queues before the API accepts them (HTTP_LISTEN_BACKLOG). */
    listenBacklog: number;
    /** Seconds a 503 asks clients to wait (`Retry-After`). */
    retryAfterSeconds: number;
    /** A revoked key stops working in a running API process within this time. */
    apiKeyCacheTtlMs: number;
    rateLimits: { perKey: number; perTenant: number; windowMs: number; concurrentPerKey: number };
    /** Operator endpoints (queue dashboard, export) need it; unset, they answer 401. */
    adminToken: string | undefined;
  };
  logLevel: string;
  queue: { name: string; prefix: string };
  /** The worker's metrics and probe listener. */
  metrics: { port: number };
  worker: {
    concurrency: number;
    jobTimeoutMs: number;
    jobAttempts: number;
    jobBackoffMs: number;
    shutdownTimeoutMs: number;
    parkAfterMs: number;
    reconcileIntervalMs: number;
    reconcileGraceMs: number;
    /** A job that met a PostgreSQL or Redis outage waits this long (up to twice) without spending a try. */
    outageRetryMs: number;
    maxGradingRuns: number;
  };
  assessmentsDir: string | undefined;
  /** Signed links to the feedback page and the instructor views (src/links/signed-links.ts). */
  links: {
    signingKey: Uint8Array;
    feedbackTtlSeconds: number;
    instructorTtlSeconds: number;
    publicBaseUrl: string | undefined;
  };
  /** Keys that seal cluster credentials at rest; see src/cluster/secret-box.ts. */
  clusterSecretKeys: SecretKey[];
  cluster: {
    requestTimeoutMs: number;
    allowCidrs: string;
    allowHosts: string;
    gradingTimeScale: number;
    /** Credentials of an attempt still unfinished this long after it was received are erased. */
    secretTtlMs: number;
    secretSweepIntervalMs: number;
  };
  /** Webhooks and LTI grade passback; see src/integrations/. */
  integrations: IntegrationsConfig;
};

export interface IntegrationsConfig {
  outboxPollIntervalMs: number;
  allowHttp: boolean;
  requestTimeoutMs: number;
  webhooks: { queueName: string; maxTries: number; backoffMs: number };
  lti: { queueName: string; maxTries: number; backoffMs: number };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** Reads and validates the environment. Throws ConfigError naming each bad variable. */
export function loadConfig(environment: NodeJS.ProcessEnv = process.env): Config {
  // Empty strings mean "not set": docker-compose often passes `VAR=` through.
  const present = Object.fromEntries(Object.entries(environment).filter(([, v]) => v !== ''));
  const parsed = environmentSchema.safeParse(present);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const env = parsed.data;
  const clusterSecretKeys = readSecretKeys(env.CLUSTER_SECRET_KEYS, env.NODE_ENV);
  try {
    parseOutboundPolicy({ cidrs: env.OUTBOUND_ALLOW_CIDRS, hosts: env.OUTBOUND_ALLOW_HOSTS });
  } catch (error) {
    throw new ConfigError([
      `OUTBOUND_ALLOW_CIDRS/OUTBOUND_ALLOW_HOSTS: ${(error as Error).message}`,
    ]);
  }
  const corsOrigins = readCorsOrigins(env.CORS_ORIGINS);
  // Erasing credentials while a legitimate job may still be retrying would fail good attempts.
  if (env.CLUSTER_SECRET_TTL_MS <= env.JOB_TIMEOUT_MS * env.JOB_ATTEMPTS) {
    throw new ConfigError([
      `CLUSTER_SECRET_TTL_MS: must be longer than JOB_TIMEOUT_MS x JOB_ATTEMPTS (${env.JOB_TIMEOUT_MS * env.JOB_ATTEMPTS} ms)`,
    ]);
  }
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    databaseConnectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT_MS,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databasePreparedStatements: env.DATABASE_PREPARED_STATEMENTS,
    redisUrl: env.REDIS_URL,
    redisSentinel:
      env.REDIS_SENTINELS === undefined
        ? undefined
        : {
            sentinels: env.REDIS_SENTINELS.split(',').map((entry) => {
              const [host, portText] = entry.split(':') as [string, string];
              return { host, port: Number(portText) };
            }),
            masterName: env.REDIS_SENTINEL_MASTER,
          },
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
      corsOrigins,
      shutdownTimeoutMs: env.API_SHUTDOWN_TIMEOUT_MS,
      listenBacklog: env.HTTP_LISTEN_BACKLOG,
      retryAfterSeconds: env.RETRY_AFTER_SECONDS,
      apiKeyCacheTtlMs: env.API_KEY_CACHE_TTL_MS,
      rateLimits: {
        perKey: env.RATE_LIMIT_PER_KEY,
        perTenant: env.RATE_LIMIT_PER_TENANT,
        windowMs: env.RATE_LIMIT_WINDOW_MS,
        concurrentPerKey: env.RATE_LIMIT_CONCURRENT_PER_KEY,
      },
      adminToken: env.ADMIN_TOKEN,
    },
    logLevel: env.LOG_LEVEL,
    queue: { name: env.QUEUE_NAME, prefix: env.QUEUE_PREFIX },
    metrics: { port: env.METRICS_PORT },
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      jobTimeoutMs: env.JOB_TIMEOUT_MS,
      jobAttempts: env.JOB_ATTEMPTS,
      jobBackoffMs: env.JOB_BACKOFF_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
      parkAfterMs: env.PARK_AFTER_MS,
      reconcileIntervalMs: env.RECONCILE_INTERVAL_MS,
      reconcileGraceMs: env.RECONCILE_GRACE_MS,
      outageRetryMs: env.OUTAGE_RETRY_MS,
      maxGradingRuns: env.MAX_GRADING_RUNS,
    },
    assessmentsDir: env.ASSESSMENTS_DIR,
    links: {
      signingKey: readLinkSigningKey(env.LINK_SIGNING_KEY, env.NODE_ENV),
      feedbackTtlSeconds: env.FEEDBACK_LINK_TTL_SECONDS,
      instructorTtlSeconds: env.INSTRUCTOR_LINK_TTL_SECONDS,
      publicBaseUrl: env.PUBLIC_BASE_URL?.replace(/\/+$/, ''),
    },
    clusterSecretKeys,
    cluster: {
      requestTimeoutMs: env.CLUSTER_REQUEST_TIMEOUT_MS,
      allowCidrs: env.OUTBOUND_ALLOW_CIDRS,
      allowHosts: env.OUTBOUND_ALLOW_HOSTS,
      gradingTimeScale: env.GRADING_TIME_SCALE,
      secretTtlMs: env.CLUSTER_SECRET_TTL_MS,
      secretSweepIntervalMs: env.CLUSTER_SECRET_SWEEP_INTERVAL_MS,
    },
    integrations: {
      outboxPollIntervalMs: env.OUTBOX_POLL_INTERVAL_MS,
      allowHttp: env.INTEGRATIONS_ALLOW_HTTP,
      requestTimeoutMs: env.INTEGRATION_REQUEST_TIMEOUT_MS,
      webhooks: {
        queueName: env.WEBHOOK_QUEUE_NAME,
        maxTries: env.WEBHOOK_MAX_TRIES,
        backoffMs: env.WEBHOOK_BACKOFF_MS,
      },
      lti: {
        queueName: env.LTI_QUEUE_NAME,
        maxTries: env.LTI_MAX_TRIES,
        backoffMs: env.LTI_BACKOFF_MS,
      },
    },
  };
}

function readCorsOrigins(value: string): string[] {
  try {
    return parseCorsOrigins(value);
  } catch (error) {
    throw new ConfigError([`CORS_ORIGINS: ${(error as Error).message}`]);
  }
}

/**
 * A development key keeps the quick start to one command; production must bring its own,
 * because a key written in the source protects nothing.
 */
const developmentKey =
  'dev:' + Buffer.alloc(32, 'kubegrade-development-only-key!!').toString('base64');

function readSecretKeys(value: string | undefined, nodeEnv: Config['nodeEnv']): SecretKey[] {
  if (value === undefined) {
    if (nodeEnv === 'production') {
      throw new ConfigError([
        'CLUSTER_SECRET_KEYS: required in production (id:base64 of 32 bytes)',
      ]);
    }
    return parseSecretKeys(developmentKey);
  }
  try {
    const keys = parseSecretKeys(value);
    if (keys.length === 0) throw new Error('no key given');
    for (const key of keys) {
      if (key.key.length !== 32) throw new Error(`key "${key.id}" is not 32 bytes of base64`);
    }
    return keys;
  } catch (error) {
    throw new ConfigError([`CLUSTER_SECRET_KEYS: ${(error as Error).message}`]);
  }
}

/** Like the cluster keys: a development default for the quick start, refused in production. */
function readLinkSigningKey(value: string | undefined, nodeEnv: Config['nodeEnv']): Uint8Array {
  if (value === undefined) {
    if (nodeEnv === 'production') {
      throw new ConfigError(['LINK_SIGNING_KEY: required in production (base64 of 32+ bytes)']);
    }
    return Buffer.alloc(32, 'kubegrade-development-link-key!!');
  }
  const key = Buffer.from(value, 'base64');
  if (key.length < 32) {
    throw new ConfigError(['LINK_SIGNING_KEY: must be base64 of at least 32 bytes']);
  }
  return key;
}

/** For process entry points: a bad configuration ends the process with the message, exit 1. */
export function loadConfigOrExit(environment: NodeJS.ProcessEnv = process.env): Config {
  try {
    return loadConfig(environment);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
