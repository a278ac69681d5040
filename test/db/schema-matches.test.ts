import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { migrateDatabase } from '../../src/db/migrator.js';
import { databaseUrlFor, dropDatabase, randomDatabaseName } from '../support/postgres-admin.js';
import { factsFromDatabase } from './support/facts-from-database.js';
import { factsFromDatamodel } from './support/facts-from-datamodel.js';
import { readSchemaDatamodel, schemaPath } from './support/read-schema-datamodel.js';
import { compareSchemaFacts, type SchemaFacts } from './support/schema-facts.js';

/**
 * The migrations are hand-written (Prisma's schema engine cannot run here), so this test is what
 * keeps them honest: a database built by prisma/migrations must be exactly what schema.prisma
 * describes, as Prisma itself reads it.
 */
describe('a database migrated from prisma/migrations', () => {
  const databaseName = randomDatabaseName();
  let client: pg.Client;
  let databaseFacts: SchemaFacts;

  beforeAll(async () => {
    await migrateDatabase({ databaseUrl: databaseUrlFor(databaseName) });
    client = new pg.Client({ connectionString: databaseUrlFor(databaseName) });
    await client.connect();
    databaseFacts = await factsFromDatabase(client);
  });

  afterAll(async () => {
    await client?.end();
    await dropDatabase(databaseName);
  });

  it('matches schema.prisma in every table, column, enum, key, index and foreign key', async () => {
    const schemaFacts = factsFromDatamodel(await readSchemaDatamodel());

    expect(compareSchemaFacts(schemaFacts, databaseFacts)).toEqual([]);
    // Guard against a vacuous pass (say, both sides read as empty), and show the conventions.
    expect(schemaFacts.size).toBeGreaterThan(40);
    expect(databaseFacts.get('column attempts.status')).toBe(
      "attempt_status NOT NULL DEFAULT 'queued'::attempt_status",
    );
    expect(databaseFacts.get('column evidence.id')).toBe(
      "bigint NOT NULL DEFAULT nextval('evidence_id_seq'::regclass)",
    );
    expect(databaseFacts.get('foreign key check_results_attempt_id_fkey')).toBe(
      'check_results (attempt_id) -> attempts (id) ON DELETE CASCADE ON UPDATE CASCADE',
    );
  });

  it('would be caught drifting when schema.prisma changes without a migration', async () => {
    const original = await readFile(schemaPath, 'utf8');
    const edited = original
      .replace(
        /(model Attempt \{\n)/,
        '$1  reviewerNote String? @map("reviewer_note") @db.VarChar(500)\n',
      )
      .replace('kind       String   @db.VarChar(100)', 'kind       String   @db.VarChar(120)')
      .replace('@@index([learnerId])', '@@index([learnerId])\n  @@index([receivedAt])')
      .replace(
        'attempt Attempt @relation(fields: [attemptId], references: [id], onDelete: Cascade)\n\n  @@index([attemptId])',
        'attempt Attempt @relation(fields: [attemptId], references: [id], onDelete: Restrict)\n\n  @@index([attemptId])',
      )
      .replace('  error\n', '  error\n  waived\n')
      .replace(/^ {2}hint .*\n/m, '');
    expect(edited).not.toBe(original);

    const problems = compareSchemaFacts(
      factsFromDatamodel(await readSchemaDatamodel(edited)),
      databaseFacts,
    );

    // arrayContaining: a real drift in schema.prisma should fail the test above, not this one too.
    expect(problems).toEqual(
      expect.arrayContaining([
        'column attempts.reviewer_note: in schema.prisma (character varying(500) NULL) but missing from the database',
        'column check_results.hint: in the database (text NULL) but not in schema.prisma',
        'column evidence.kind: schema.prisma says "character varying(120) NOT NULL", the database has "character varying(100) NOT NULL"',
        'enum check_outcome: schema.prisma says "(passed, failed, error, waived, skipped)", the database has "(passed, failed, error, skipped)"',
        'foreign key evidence_attempt_id_fkey: schema.prisma says "evidence (attempt_id) -> attempts (id) ON DELETE RESTRICT ON UPDATE CASCADE", the database has "evidence (attempt_id) -> attempts (id) ON DELETE CASCADE ON UPDATE CASCADE"',
        'index attempts_received_at_idx: in schema.prisma (on attempts (received_at)) but missing from the database',
      ]),
    );
  });
});
