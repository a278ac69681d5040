/**
 * Why a migration run stopped. Each code has one meaning, so the CLI and tests can branch on it;
 * messages never contain the database URL (it may hold a password).
 */
export type MigrationErrorCode =
  /** DATABASE_URL could not be parsed or names something the migrator does not support. */
  | 'DATABASE_URL_INVALID'
  /** The migrations folder is missing or holds a migration without its migration.sql. */
  | 'MIGRATIONS_DIR_INVALID'
  /** An applied migration's file was edited afterwards; the database no longer matches the files. */
  | 'MIGRATION_CHECKSUM_MISMATCH'
  /** Another tool (e.g. `prisma migrate deploy`) recorded a migration that started and never finished. */
  | 'MIGRATION_LEFT_UNFINISHED'
  /** A migration's SQL failed; its transaction was rolled back and nothing of it was recorded. */
  | 'MIGRATION_FAILED'
  /** Another migrator held the migration lock for longer than we were willing to wait. */
  | 'MIGRATION_LOCK_TIMEOUT';

export class MigrationError extends Error {
  readonly code: MigrationErrorCode;
  readonly details: Record<string, unknown>;

  constructor(
    code: MigrationErrorCode,
    message: string,
    details: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'MigrationError';
    this.code = code;
    this.details = details;
  }
}

export function isMigrationError(value: unknown): value is MigrationError {
  return value instanceof MigrationError;
}
