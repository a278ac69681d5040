import { createHash } from 'node:crypto';
import { appendFile, cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { MigrationError } from '../../src/db/migration-error.js';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/db/migration-files.js';
import { migrateDatabase } from '../../src/db/migrator.js';
import { databaseUrlFor, dropDatabase, randomDatabaseName } from '../support/postgres-admin.js';

const createdDatabases: string[] = [];
const createdFolders: string[] = [];

/** A database name nobody uses yet; migrateDatabase creates it, afterAll drops it. */
function freshDatabaseUrl(): string {
  const name = randomDatabaseName();
  createdDatabases.push(name);
  return databaseUrlFor(name);
}

/** A private copy of prisma/migrations that a test may edit. */
async function copyOfMigrations(): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'kubegrade-migrations-'));
  createdFolders.push(folder);
  await cp(defaultMigrationsDir(), folder, { recursive: true });
  return folder;
}

async function addMigration(folder: string, name: string, sql: string): Promise<void> {
  await mkdir(join(folder, name));
  await writeFile(join(folder, name, 'migration.sql'), sql);
}

async function query<T extends pg.QueryResultRow>(databaseUrl: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

async function migrationRows(databaseUrl: string) {
  return query<{
    id: string;
    migration_name: string;
    checksum: string;
    finished_at: Date | null;
    rolled_back_at: Date | null;
    applied_steps_count: number;
  }>(
    databaseUrl,
    'SELECT id, migration_name, checksum, finished_at, rolled_back_at, applied_steps_count FROM _prisma_migrations ORDER BY migration_name',
  );
}

const rejectionCode = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof MigrationError ? error.code : String(error)),
  );

afterAll(async () => {
  await Promise.all(createdDatabases.map(dropDatabase));
  await Promise.all(createdFolders.map((folder) => rm(folder, { recursive: true, force: true })));
});

describe('migrateDatabase', () => {
  it('when the database does not exist, then it creates it, applies every migration once, and a second run does nothing', async () => {
    const databaseUrl = freshDatabaseUrl();
    const files = await readMigrationFiles(defaultMigrationsDir());

    const first = await migrateDatabase({ databaseUrl });
    const second = await migrateDatabase({ databaseUrl });

    expect(first).toEqual({ databaseCreated: true, applied: files.map((file) => file.name) });
    expect(second).toEqual({ databaseCreated: false, applied: [] });
    const rows = await migrationRows(databaseUrl);
    expect(rows.map((row) => row.migration_name)).toEqual(files.map((file) => file.name));
  });

  it('records migrations the way Prisma does, so `prisma migrate deploy` would see them as applied', async () => {
    const databaseUrl = freshDatabaseUrl();
    await migrateDatabase({ databaseUrl });

    const [row] = await migrationRows(databaseUrl);
    const [file] = await readMigrationFiles(defaultMigrationsDir());
    const fileBytes = await readFile(join(defaultMigrationsDir(), file!.name, 'migration.sql'));
    expect(row).toEqual({
      id: expect.stringMatching(
        /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
      ),
      migration_name: file!.name,
      checksum: createHash('sha256').update(fileBytes).digest('hex'),
      finished_at: expect.any(Date),
      rolled_back_at: null,
      applied_steps_count: 1,
    });
  });

  it('when several migrators start at once on a database that does not exist yet, then all succeed and each migration is applied once', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await addMigration(
      folder,
      '29990101000000_second',
      'CREATE TABLE "concurrency_probe" ("id" INTEGER NOT NULL);\n',
    );

    const outcomes = await Promise.all(
      Array.from({ length: 4 }, () => migrateDatabase({ databaseUrl, migrationsDir: folder })),
    );

    expect(outcomes.filter((outcome) => outcome.databaseCreated)).toHaveLength(1);
    const applied = outcomes.flatMap((outcome) => outcome.applied).sort();
    const names = (await readMigrationFiles(folder)).map((file) => file.name);
    expect(applied).toEqual(names);
    expect((await migrationRows(databaseUrl)).map((row) => row.migration_name)).toEqual(names);
  });

  it('when a migration is added later, then only that one is applied', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await migrateDatabase({ databaseUrl, migrationsDir: folder });
    await addMigration(
      folder,
      '29990101000000_add_note',
      'ALTER TABLE "attempts" ADD COLUMN "note" TEXT;\n',
    );

    const outcome = await migrateDatabase({ databaseUrl, migrationsDir: folder });

    expect(outcome.applied).toEqual(['29990101000000_add_note']);
  });

  it('when an applied migration was edited, then it refuses with MIGRATION_CHECKSUM_MISMATCH and applies nothing', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await migrateDatabase({ databaseUrl, migrationsDir: folder });
    const [first] = await readMigrationFiles(folder);
    await appendFile(
      join(folder, first!.name, 'migration.sql'),
      'ALTER TABLE "attempts" ADD COLUMN "sneaky" TEXT;\n',
    );
    await addMigration(
      folder,
      '29990101000000_next',
      'CREATE TABLE "never_applied" ("id" INTEGER);\n',
    );

    const failure = migrateDatabase({ databaseUrl, migrationsDir: folder });

    await expect(failure).rejects.toThrow(
      `Migration ${first!.name} was changed after it was applied`,
    );
    expect(await rejectionCode(migrateDatabase({ databaseUrl, migrationsDir: folder }))).toBe(
      'MIGRATION_CHECKSUM_MISMATCH',
    );
    // Only the project's own migrations, applied before the edit: the new one was not.
    expect(await migrationRows(databaseUrl)).toHaveLength(
      (await readMigrationFiles(defaultMigrationsDir())).length,
    );
  });

  it('when an applied migration only changed its line endings, then it is accepted, as Prisma accepts it', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await migrateDatabase({ databaseUrl, migrationsDir: folder });
    const [first] = await readMigrationFiles(folder);
    await writeFile(join(folder, first!.name, 'migration.sql'), first!.sql.replace(/\n/g, '\r\n'));

    await expect(migrateDatabase({ databaseUrl, migrationsDir: folder })).resolves.toEqual({
      databaseCreated: false,
      applied: [],
    });
  });

  it('when a migration fails, then its changes are rolled back, nothing is recorded, and a fixed file applies next time', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await migrateDatabase({ databaseUrl, migrationsDir: folder });
    const broken = 'ALTER TABLE "attempts" ADD COLUMN "half_done" TEXT;\nSELECT 1 / 0;\n';
    await addMigration(folder, '29990101000000_broken', broken);

    const failure = migrateDatabase({ databaseUrl, migrationsDir: folder });

    await expect(failure).rejects.toThrow(
      'Migration 29990101000000_broken failed and was rolled back: division by zero',
    );
    const columns = await query(
      databaseUrl,
      `SELECT 1 FROM information_schema.columns WHERE column_name = 'half_done'`,
    );
    expect(columns).toEqual([]);
    expect(await migrationRows(databaseUrl)).toHaveLength(
      (await readMigrationFiles(defaultMigrationsDir())).length,
    );

    await writeFile(
      join(folder, '29990101000000_broken', 'migration.sql'),
      'ALTER TABLE "attempts" ADD COLUMN "half_done" TEXT;\n',
    );
    expect((await migrateDatabase({ databaseUrl, migrationsDir: folder })).applied).toEqual([
      '29990101000000_broken',
    ]);
  });

  it('when another tool left a migration unfinished, then it refuses with MIGRATION_LEFT_UNFINISHED', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await migrateDatabase({ databaseUrl, migrationsDir: folder });
    await query(
      databaseUrl,
      `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at)
       VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990101000000_crashed', now())`,
    );

    expect(await rejectionCode(migrateDatabase({ databaseUrl, migrationsDir: folder }))).toBe(
      'MIGRATION_LEFT_UNFINISHED',
    );
  });

  it('when another migrator holds the lock too long, then it gives up with MIGRATION_LOCK_TIMEOUT', async () => {
    const databaseUrl = freshDatabaseUrl();
    await migrateDatabase({ databaseUrl });
    const holder = new pg.Client({ connectionString: databaseUrl });
    await holder.connect();
    try {
      await holder.query('SELECT pg_advisory_lock(72707369)'); // the key Prisma's migrate uses

      const code = await rejectionCode(migrateDatabase({ databaseUrl, lockTimeoutMs: 200 }));

      expect(code).toBe('MIGRATION_LOCK_TIMEOUT');
    } finally {
      await holder.end();
    }
  });

  it('when a migration folder has no migration.sql, then it refuses before touching the database', async () => {
    const databaseUrl = freshDatabaseUrl();
    const folder = await copyOfMigrations();
    await mkdir(join(folder, '29990101000000_empty'));

    expect(await rejectionCode(migrateDatabase({ databaseUrl, migrationsDir: folder }))).toBe(
      'MIGRATIONS_DIR_INVALID',
    );
    const exists = await query(
      databaseUrlFor('postgres'),
      `SELECT 1 FROM pg_database WHERE datname = '${createdDatabases.at(-1)}'`,
    );
    expect(exists).toEqual([]);
  });

  it('when the URL asks for a schema other than public, then it refuses rather than migrate the wrong one', async () => {
    const databaseUrl = `${freshDatabaseUrl()}?schema=tenant_a`;

    expect(await rejectionCode(migrateDatabase({ databaseUrl }))).toBe('DATABASE_URL_INVALID');
  });
});
