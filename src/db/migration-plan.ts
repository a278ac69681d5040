import { MigrationError } from './migration-error.js';
import { sqlMatchesChecksum, type MigrationFile } from './migration-files.js';
import type { MigrationRecord } from './migration-history.js';

export interface MigrationPlan {
  /** Migrations to apply, in order. */
  pending: MigrationFile[];
  /** Recorded as applied but absent from the folder (e.g. deployed from a newer branch). */
  unknownApplied: string[];
}

const isApplied = (record: MigrationRecord): boolean =>
  record.finishedAt !== null && record.rolledBackAt === null;

// Only another tool can leave such a row: ours records a migration in the migration's own transaction.
const isUnfinished = (record: MigrationRecord): boolean =>
  record.finishedAt === null && record.rolledBackAt === null;

/** Decides what to apply, refusing when the recorded history and the files disagree. */
export function planMigrations(files: MigrationFile[], history: MigrationRecord[]): MigrationPlan {
  const unfinished = history.find(isUnfinished);
  if (unfinished) {
    throw new MigrationError(
      'MIGRATION_LEFT_UNFINISHED',
      `Migration ${unfinished.migrationName} was started on ${unfinished.startedAt.toISOString()} ` +
        'and never finished. Inspect the database, then mark it with `prisma migrate resolve` ' +
        'before migrating again.',
      { migration: unfinished.migrationName },
    );
  }

  const appliedChecksums = new Map<string, string>();
  for (const record of history.filter(isApplied)) {
    appliedChecksums.set(record.migrationName, record.checksum);
  }

  const pending: MigrationFile[] = [];
  for (const file of files) {
    const appliedChecksum = appliedChecksums.get(file.name);
    if (appliedChecksum === undefined) {
      pending.push(file);
    } else if (!sqlMatchesChecksum(file.sql, appliedChecksum)) {
      throw new MigrationError(
        'MIGRATION_CHECKSUM_MISMATCH',
        `Migration ${file.name} was changed after it was applied to this database ` +
          `(applied checksum ${appliedChecksum}, file checksum ${file.checksum}). ` +
          'Restore the file and put the change in a new migration.',
        { migration: file.name, appliedChecksum, fileChecksum: file.checksum },
      );
    }
  }

  const fileNames = new Set(files.map((file) => file.name));
  const unknownApplied = [...appliedChecksums.keys()].filter((name) => !fileNames.has(name));
  return { pending, unknownApplied };
}
