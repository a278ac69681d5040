import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { withDatabaseName } from '../../src/db/database-url.js';

/**
 * The PostgreSQL server tests run against, and the few administrative statements they need.
 * TEST_DATABASE_URL may point elsewhere; only its server and credentials are used.
 */
export const testServerUrl =
  process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const databaseUrlFor = (databaseName: string): string =>
  withDatabaseName(testServerUrl, databaseName);

/** A name no other test (in this or a parallel jest worker) will pick. */
export const randomDatabaseName = (prefix = 'kubegrade_test'): string =>
  `${prefix}_${randomBytes(8).toString('hex')}`;

/** Runs `work` on a session connected to the `postgres` maintenance database. */
export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrlFor('postgres') });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Drops a database even if a test left connections open to it. */
export async function dropDatabase(databaseName: string): Promise<void> {
  await withAdminClient((client) =>
    client.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`),
  );
}
