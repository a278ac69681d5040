import pg from 'pg';
import { pino, type Logger } from 'pino';
import { ensureDatabaseExists } from './create-database.js';
import { assertDefaultSchema, describeDatabaseUrl } from './database-url.js';
import { MigrationError } from './migration-error.js';
import { defaultMigrationsDir, readMigrationFiles, type MigrationFile } from './migration-files.js';
import {
  ensureMigrationHistoryTable,
  readMigrationHistory,
  recordAppliedMigration,
} from './migration-history.js';
import { planMigrations } from './migration-plan.js';

/**
 * Applies prisma/migrations without Prisma's native schema engine (which cannot be installed
 * everywhere kubegrade runs), keeping Prisma's `_prisma_migrations` bookkeeping so the two
 * tools stay interchangeable.
 */

export interface MigrateDatabaseOptions {
  /** postgresql:// URL of the database to migrate; it is created if it does not exist. */
  databaseUrl: string;
  /** Defaults to the repository's prisma/migrations. */
  migrationsDir?: string;
  logger?: Logger;
  /** How long to wait for a concurrent migrator to finish. Defaults to one minute. */
  lockTimeoutMs?: number;
}

export interface MigrationOutcome {
  /** Whether this run created the database. */
  databaseCreated: boolean;
  /** Names of the migrations this run applied, in order; empty when already up to date. */
  applied: string[];
}

// The key Prisma's schema engine locks, so that we also exclude a concurrent `prisma migrate`.
const PRISMA_MIGRATE_LOCK_KEY = 72707369;
const LOCK_NOT_AVAILABLE = '55P03';

export async function migrateDatabase(options: MigrateDatabaseOptions): Promise<MigrationOutcome> {
  const logger = options.logger ?? pino({ level: 'silent' });
  const database = describeDatabaseUrl(options.databaseUrl);
  assertDefaultSchema(options.databaseUrl);
  // Read the files first: a broken folder should fail before anything touches the database.
  const files = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());

  const databaseCreated = await ensureDatabaseExists({ databaseUrl: options.databaseUrl });
  if (databaseCreated) logger.info({ database }, 'created database');

  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    await acquireMigrationLock(client, options.lockTimeoutMs ?? 60_000);
    // Everything below runs while no other migrator can change the history.
    await ensureMigrationHistoryTable(client);
    const plan = planMigrations(files, await readMigrationHistory(client));
    if (plan.unknownApplied.length > 0) {
      logger.warn(
        { database, migrations: plan.unknownApplied },
        'database has migrations that are not in the migrations folder',
      );
    }
    for (const migration of plan.pending) {
      await applyMigration(client, migration);
      logger.info({ database, migration: migration.name }, 'applied migration');
    }
    return { databaseCreated, applied: plan.pending.map((migration) => migration.name) };
  } finally {
    // Ending the session also releases the advisory lock.
    await client.end();
  }
}

async function acquireMigrationLock(client: pg.Client, timeoutMs: number): Promise<void> {
  // lock_timeout bounds the wait; it is reset at once so it never applies to the migrations' DDL.
  await client.query(`SELECT set_config('lock_timeout', $1, false)`, [`${timeoutMs}ms`]);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_MIGRATE_LOCK_KEY]);
  } catch (error) {
    if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) {
      throw new MigrationError(
        'MIGRATION_LOCK_TIMEOUT',
        `Another migrator held the migration lock for more than ${timeoutMs} ms`,
        { timeoutMs },
        { cause: error },
      );
    }
    throw error;
  }
  await client.query('RESET lock_timeout');
}

/**
 * One migration, one transaction: it is applied and recorded together, or not at all, so a
 * failure leaves nothing to clean up and the next run simply tries again. (A migration that
 * needs to run outside a transaction, like CREATE INDEX CONCURRENTLY, cannot be applied here.)
 */
async function applyMigration(client: pg.Client, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  await client.query('BEGIN');
  try {
    // No parameters: pg then uses the simple query protocol, which runs a multi-statement file.
    await client.query(migration.sql);
    await recordAppliedMigration(client, migration, startedAt);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK');
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      'MIGRATION_FAILED',
      `Migration ${migration.name} failed and was rolled back: ${reason}`,
      { migration: migration.name },
      { cause: error },
    );
  }
}
