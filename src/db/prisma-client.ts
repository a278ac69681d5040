import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface CreatePrismaClientOptions {
  /** postgresql:// URL of a database migrated by migrateDatabase. */
  databaseUrl: string;
  /** Size of the connection pool; node-postgres defaults to 10. */
  maxConnections?: number;
  /**
   * How long a query waits for a connection (a new one, or a free one from a full pool) before
   * it fails. node-postgres waits forever by default: an outage would hang requests, not fail them.
   */
  connectTimeoutMs?: number;
  /**
   * Told about connection errors that no query is waiting for (the server shut down or killed an
   * idle session: 57P01). Such an error is emitted as an 'error' event, which would end the
   * process if nobody listened; the connection itself is dropped and replaced on next use.
   */
  onConnectionError?: (error: Error) => void;
}

/**
 * A PrismaClient that talks to PostgreSQL through node-postgres (Prisma 7's driver adapter),
 * so no native query engine is needed at runtime.
 */
export function createPrismaClient(options: CreatePrismaClientOptions): PrismaClient {
  return createPrismaClientWithPool(options).prisma;
}

/**
 * The same, with the pool it made, so that its use can be observed (`pool.totalCount`,
 * `idleCount`, `waitingCount` in /metrics).
 *
 * Behind PgBouncer in transaction pooling, nothing here needs a session: node-postgres sends
 * unnamed statements unless given a name, and an interactive transaction keeps its one server
 * connection until it ends. (The migrator's advisory lock is the one session feature; run
 * migrations against PostgreSQL directly or through a session-pooled PgBouncer port.)
 */
export function createPrismaClientWithPool(options: CreatePrismaClientOptions): {
  prisma: PrismaClient;
  pool: pg.Pool;
} {
  const onError = options.onConnectionError ?? (() => undefined);
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  pool.on('error', onError);
  // The pool only listens to a connection while it is idle, and the adapter only while it holds
  // it for a transaction: a session killed in between (57P01) would crash the process. Every
  // connection gets a listener of its own for its whole life; the pool's handling is unchanged.
  pool.on('connect', (client) => client.on('error', onError));
  const adapter = new PrismaPg(pool, { disposeExternalPool: true });
  return { prisma: new PrismaClient({ adapter }), pool };
}
