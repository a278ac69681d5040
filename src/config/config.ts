import { z } from 'zod';
import { parseSecretKeys, type SecretKey } from '../cluster/secret-box.js';

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
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// or rediss:// URL')
    .default('redis://127.0.0.1:6379'),
  PORT: port.default(3000),
  HOST: z.string().min(1).default('0.0.0.0'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  QUEUE_NAME: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only')
    .default('grading'),
  WORKER_CONCURRENCY: positiveInt.max(256).default(4),
  /** The longest one grading job may run before it is abandoned and retried. */
  JOB_TIMEOUT_MS: positiveInt.default(120_000),
  JOB_ATTEMPTS: positiveInt.max(20).default(3),
  JOB_BACKOFF_MS: positiveInt.default(2_000),
  /** How long the worker waits for in-flight jobs on SIGTERM before giving up. */
  SHUTDOWN_TIMEOUT_MS: positiveInt.default(30_000),
  BODY_LIMIT_BYTES: positiveInt.default(256 * 1024),
  ASSESSMENTS_DIR: z.string().min(1).optional(),
  TRUST_PROXY: booleanFlag.default(false),
  /** `id:base64key,...`: 32-byte AES keys for credentials at rest; the first one seals. */
  CLUSTER_SECRET_KEYS: z.string().optional(),
});

export type Config = {
  nodeEnv: 'development' | 'test' | 'production';
  databaseUrl: string;
  redisUrl: string;
  http: { host: string; port: number; bodyLimitBytes: number; trustProxy: boolean };
  logLevel: string;
  queue: { name: string };
  worker: {
    concurrency: number;
    jobTimeoutMs: number;
    jobAttempts: number;
    jobBackoffMs: number;
    shutdownTimeoutMs: number;
  };
  assessmentsDir: string | undefined;
  /** Keys that seal cluster credentials at rest; see src/cluster/secret-box.ts. */
  clusterSecretKeys: SecretKey[];
};

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
  return {
    nodeEnv: env.NODE_ENV,
    databaseUrl: env.DATABASE_URL,
    redisUrl: env.REDIS_URL,
    http: {
      host: env.HOST,
      port: env.PORT,
      bodyLimitBytes: env.BODY_LIMIT_BYTES,
      trustProxy: env.TRUST_PROXY,
    },
    logLevel: env.LOG_LEVEL,
    queue: { name: env.QUEUE_NAME },
    worker: {
      concurrency: env.WORKER_CONCURRENCY,
      jobTimeoutMs: env.JOB_TIMEOUT_MS,
      jobAttempts: env.JOB_ATTEMPTS,
      jobBackoffMs: env.JOB_BACKOFF_MS,
      shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    },
    assessmentsDir: env.ASSESSMENTS_DIR,
    clusterSecretKeys,
  };
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
