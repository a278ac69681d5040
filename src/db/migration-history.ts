import { randomUUID } from 'node:crypto';
import type { ClientBase } from 'pg';
import { z } from 'zod';
import type { MigrationFile } from './migration-files.js';

/**
 * The `_prisma_migrations` table, created and written exactly as Prisma's own migrate does, so
 * that `prisma migrate deploy` or `migrate status` run later see our migrations as applied.
 */

// Same definition as Prisma's schema engine uses for PostgreSQL.
const createTableSql = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

const migrationRecordSchema = z.object({
  migration_name: z.string(),
  checksum: z.string(),
  started_at: z.date(),
  finished_at: z.date().nullable(),
  rolled_back_at: z.date().nullable(),
});

/** One row of `_prisma_migrations`. A migration may have several (rolled back, then re-applied). */
export interface MigrationRecord {
  migrationName: string;
  checksum: string;
  startedAt: Date;
  finishedAt: Date | null;
  rolledBackAt: Date | null;
}

export async function ensureMigrationHistoryTable(client: ClientBase): Promise<void> {
  await client.query(createTableSql);
}

export async function readMigrationHistory(client: ClientBase): Promise<MigrationRecord[]> {
  const { rows } = await client.query(
    `SELECT migration_name, checksum, started_at, finished_at, rolled_back_at
       FROM "_prisma_migrations" ORDER BY started_at, migration_name`,
  );
  return rows.map((row) => {
    const record = migrationRecordSchema.parse(row);
    return {
      migrationName: record.migration_name,
      checksum: record.checksum,
      startedAt: record.started_at,
      finishedAt: record.finished_at,
      rolledBackAt: record.rolled_back_at,
    };
  });
}

/**
 * Records a migration as fully applied. Called inside the migration's own transaction, so the
 * row exists if and only if the migration's changes do.
 */
export async function recordAppliedMigration(
  client: ClientBase,
  migration: MigrationFile,
  startedAt: Date,
): Promise<void> {
  // applied_steps_count is 1 because, like Prisma, we run the whole file as one step.
  await client.query(
    `INSERT INTO "_prisma_migrations"
       (id, checksum, finished_at, migration_name, logs, rolled_back_at, started_at, applied_steps_count)
     VALUES ($1, $2, clock_timestamp(), $3, NULL, NULL, $4, 1)`,
    [randomUUID(), migration.checksum, migration.name, startedAt],
  );
}
