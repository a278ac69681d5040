import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MigrationError } from './migration-error.js';

/** One folder of prisma/migrations: `<timestamp>_<name>/migration.sql`. */
export interface MigrationFile {
  /** The folder name, which is also the `migration_name` Prisma records. */
  name: string;
  sql: string;
  /** sha256 of migration.sql in lowercase hex, exactly as Prisma computes it. */
  checksum: string;
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/**
 * Prisma accepts a file whose only change is its line endings (a Windows checkout), so we do
 * too: otherwise the two tools would disagree about whether a migration was edited.
 */
export function sqlMatchesChecksum(sql: string, checksum: string): boolean {
  const withLf = sql.replace(/\r\n/g, '\n');
  const withCrlf = withLf.replace(/\n/g, '\r\n');
  return [sql, withLf, withCrlf].some((variant) => checksumOf(variant) === checksum);
}

/**
 * The repository's prisma/migrations, found by walking up from this module, so that it resolves
 * the same from src/ under tsx, from dist/ after a build, and whatever the working directory is.
 */
export function defaultMigrationsDir(): string {
  let directory = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(directory, 'prisma', 'migrations');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) {
      throw new MigrationError(
        'MIGRATIONS_DIR_INVALID',
        'No prisma/migrations folder found above src/db; pass migrationsDir explicitly',
      );
    }
    directory = parent;
  }
}

/** Every migration in the folder, in the order Prisma applies them (folder names sorted). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await readdir(migrationsDir, { withFileTypes: true });
  } catch (error) {
    throw new MigrationError(
      'MIGRATIONS_DIR_INVALID',
      `Cannot read the migrations folder ${migrationsDir}`,
      { migrationsDir },
      { cause: error },
    );
  }
  // Plain byte order, as Prisma sorts them; localeCompare would depend on the machine's locale.
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

  return Promise.all(
    names.map(async (name) => {
      const path = join(migrationsDir, name, 'migration.sql');
      let sql: string;
      try {
        sql = await readFile(path, 'utf8');
      } catch (error) {
        throw new MigrationError(
          'MIGRATIONS_DIR_INVALID',
          `Migration ${name} has no readable migration.sql`,
          { migration: name },
          { cause: error },
        );
      }
      return { name, sql, checksum: checksumOf(sql) };
    }),
  );
}
