import { createLogger } from '../logging/logger.js';
import { describeDatabaseUrl, passwordOf } from './database-url.js';
import { isMigrationError } from './migration-error.js';
import { migrateDatabase } from './migrator.js';

/**
 * `npm run db:migrate`: brings DATABASE_URL's database up to date, creating it if needed.
 * Reads only DATABASE_URL (not the full service config) so it can run in an init container
 * that has none of the service's other settings.
 */

const databaseUrl = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/kubegrade';
const logger = createLogger({ name: 'db-migrate', level: process.env.LOG_LEVEL || 'info' });

/** Our messages never contain the URL; a driver's might, so scrub the password anyway. */
function withoutPassword(text: string): string {
  let password = '';
  try {
    password = passwordOf(databaseUrl);
  } catch {
    // An unparseable URL has no password we could find; the message is about that already.
  }
  return password === '' ? text : text.split(password).join('[redacted]');
}

try {
  const database = describeDatabaseUrl(databaseUrl);
  const outcome = await migrateDatabase({ databaseUrl, logger });
  logger.info(
    { database, databaseCreated: outcome.databaseCreated, applied: outcome.applied },
    outcome.applied.length > 0
      ? `applied ${outcome.applied.length} migration(s)`
      : 'database already up to date',
  );
} catch (error) {
  const message = withoutPassword(error instanceof Error ? error.message : String(error));
  const code = isMigrationError(error) ? error.code : (error as { code?: unknown }).code;
  logger.error({ code }, `migration failed: ${message}`);
  process.exitCode = 1;
}
