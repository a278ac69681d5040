import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client.js';

export interface CreatePrismaClientOptions {
  /** postgresql:// URL of a database migrated by migrateDatabase. */
  databaseUrl: string;
  /** Size of the connection pool; node-postgres defaults to 10. */
  maxConnections?: number;
}

/**
 * A PrismaClient that talks to PostgreSQL through node-postgres (Prisma 7's driver adapter),
 * so no native query engine is needed at runtime.
 */
export function createPrismaClient(options: CreatePrismaClientOptions): PrismaClient {
  const adapter = new PrismaPg({
    connectionString: options.databaseUrl,
    ...(options.maxConnections === undefined ? {} : { max: options.maxConnections }),
  });
  return new PrismaClient({ adapter });
}
