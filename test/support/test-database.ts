import { createHash } from 'node:crypto';
import pg from 'pg';
import { migrateDatabase } from '../../src/db/migrator.js';
import { defaultMigrationsDir, readMigrationFiles } from '../../src/db/migration-files.js';
import { createPrismaClientWithPool } from '../../src/db/prisma-client.js';
import type { PrismaClient } from '../../src/generated/prisma/client.js';
import {
  databaseUrlFor,
  dropDatabase,
  randomDatabaseName,
  withAdminClient,
} from './postgres-admin.js';

/**
 * A migrated database of its own for each test file, fast: the migrations run once into a
 * template database, and each test database is a copy of it (CREATE DATABASE ... TEMPLATE).
 */

export interface TestDatabase {
  databaseUrl: string;
  prisma: PrismaClient;
  /** The node-postgres pool under `prisma` (ended with it). */
  pool: pg.Pool;
  /** Disconnects the client and drops the database. */
  drop(): Promise<void>;
}

export async function createTestDatabase(): Promise<TestDatabase> {
  const name = randomDatabaseName();
  const copyTemplate = async () => {
    const template = await migratedTemplate();
    await withAdminClient((client) =>
      client.query(
        `CREATE DATABASE ${pg.escapeIdentifier(name)} TEMPLATE ${pg.escapeIdentifier(template)}`,
      ),
    );
  };
  try {
    await copyTemplate();
  } catch (error) {
    // A run of another checkout (other migrations) may have dropped our template as outdated.
    if ((error as { code?: string }).code !== '3D000') throw error;
    templateInThisProcess = undefined;
    await copyTemplate();
  }
  const databaseUrl = databaseUrlFor(name);
  const { prisma, pool } = createPrismaClientWithPool({ databaseUrl, maxConnections: 5 });
  return {
    databaseUrl,
    prisma,
    pool,
    drop: async () => {
      await prisma.$disconnect();
      await dropDatabase(name);
    },
  };
}

let templateInThisProcess: Promise<string> | undefined;

/** Built once per process at most, and once per set of migrations across all processes. */
function migratedTemplate(): Promise<string> {
  templateInThisProcess ??= ensureTemplate().catch((error: unknown) => {
    templateInThisProcess = undefined; // let the next test try again rather than inherit the failure
    throw error;
  });
  return templateInThisProcess;
}

// Any fixed number works; it only has to differ from other users of advisory locks on `postgres`.
const TEMPLATE_LOCK_KEY = 0x6b677464; // "kgtd"

/**
 * The template's name carries a hash of the migrations, so an edited or added migration gets a
 * fresh template instead of a stale one. Jest workers build it under an advisory lock, one at a
 * time; it is built under a temporary name and renamed when complete, so a crash mid-build never
 * leaves a half-migrated template behind under the real name.
 */
async function ensureTemplate(): Promise<string> {
  const files = await readMigrationFiles(defaultMigrationsDir());
  const fingerprint = createHash('sha256')
    .update(files.map((file) => `${file.name}:${file.checksum}`).join('\n'))
    .digest('hex')
    .slice(0, 16);
  const template = `kubegrade_template_${fingerprint}`;
  const building = `${template}_building`;

  return withAdminClient(async (admin) => {
    await admin.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK_KEY]);
    try {
      const existing = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
        template,
      ]);
      if (existing.rowCount === 1) {
        await stampTemplate(admin, template);
        return template;
      }
      // A leftover from a run that crashed while holding the lock we now hold.
      await dropDatabase(building);
      await migrateDatabase({ databaseUrl: databaseUrlFor(building) });
      await admin.query(
        `ALTER DATABASE ${pg.escapeIdentifier(building)} RENAME TO ${pg.escapeIdentifier(template)}`,
      );
      await stampTemplate(admin, template);
      await dropOutdatedTemplates(admin, template);
      return template;
    } finally {
      await admin.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK_KEY]);
    }
  });
}

/**
 * Templates of earlier migration sets would otherwise pile up, one per edit of a migration. Only
 * those unused for a day go: several clones on one machine (each with its own migrations) share
 * this PostgreSQL, and dropping another clone's template at once would fail its running tests.
 * Each template is stamped with the time it was last chosen (its comment) for that reason.
 */
async function dropOutdatedTemplates(admin: pg.Client, current: string): Promise<void> {
  const { rows } = await admin.query<{ datname: string; comment: string | null }>(
    `SELECT datname, shobj_description(oid, 'pg_database') AS comment FROM pg_database
     WHERE datname LIKE 'kubegrade\\_template\\_%' AND datname <> $1`,
    [current],
  );
  const dayAgo = Date.now() - 24 * 60 * 60_000;
  for (const { datname, comment } of rows) {
    const lastUsed = Date.parse(comment ?? '');
    // A template without a stamp was made by an older checkout: its owner may still use it.
    if (!Number.isNaN(lastUsed) && lastUsed < dayAgo) await dropDatabase(datname);
  }
}

async function stampTemplate(admin: pg.Client, template: string): Promise<void> {
  await admin.query(
    `COMMENT ON DATABASE ${pg.escapeIdentifier(template)} IS ${pg.escapeLiteral(new Date().toISOString())}`,
  );
}
