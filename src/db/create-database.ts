import pg from 'pg';
import { databaseNameOf, withDatabaseName } from './database-url.js';

const INVALID_CATALOG_NAME = '3D000';
const DUPLICATE_DATABASE = '42P04';
// Two CREATE DATABASE racing on one name can also trip pg_database's unique index.
const UNIQUE_VIOLATION = '23505';

const errorCodeOf = (error: unknown): unknown =>
  typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;

/**
 * Creates the database the URL names unless it exists. Returns whether this call created it.
 * Only a missing database sends us to the `postgres` maintenance database, so a role that may
 * connect to its own database but not to `postgres` still works once the database exists.
 */
export async function ensureDatabaseExists(options: { databaseUrl: string }): Promise<boolean> {
  const probe = new pg.Client({ connectionString: options.databaseUrl });
  try {
    await probe.connect();
    await probe.end();
    return false;
  } catch (error) {
    // A client that failed to connect has no session to end.
    if (errorCodeOf(error) !== INVALID_CATALOG_NAME) throw error;
  }

  const admin = new pg.Client({
    connectionString: withDatabaseName(options.databaseUrl, 'postgres'),
  });
  await admin.connect();
  try {
    await admin.query(
      `CREATE DATABASE ${pg.escapeIdentifier(databaseNameOf(options.databaseUrl))}`,
    );
    return true;
  } catch (error) {
    // Another process created it between our probe and our CREATE: the outcome we wanted.
    const code = errorCodeOf(error);
    if (code === DUPLICATE_DATABASE || code === UNIQUE_VIOLATION) return false;
    throw error;
  } finally {
    await admin.end();
  }
}
