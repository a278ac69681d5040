import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrlFor, dropDatabase, randomDatabaseName } from '../support/postgres-admin.js';

const repositoryRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Runs `npm run db:migrate`'s entry point the way npm does, with only DATABASE_URL set for it. */
function runMigrateCli(databaseUrl: string): Promise<{ exitCode: number; output: string }> {
  const tsx = join(repositoryRoot, 'node_modules', '.bin', 'tsx');
  return new Promise((resolve) => {
    execFile(
      tsx,
      ['src/db/migrate-cli.ts'],
      { cwd: repositoryRoot, env: { PATH: process.env.PATH, DATABASE_URL: databaseUrl } },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        resolve({ exitCode, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('npm run db:migrate', () => {
  const databaseName = randomDatabaseName();
  afterAll(() => dropDatabase(databaseName));

  it('when the database is new, then it logs what it applied and exits 0', async () => {
    const { exitCode, output } = await runMigrateCli(databaseUrlFor(databaseName));

    expect(exitCode).toBe(0);
    expect(output).toContain('"databaseCreated":true');
    expect(output).toMatch(/"applied":\["\d{14}_init"/);
  });

  it('when the database cannot be reached, then it exits 1 with a message that never shows the password', async () => {
    const { exitCode, output } = await runMigrateCli(
      'postgresql://postgres:hunter2-secret@127.0.0.1:1/kubegrade',
    );

    expect(exitCode).toBe(1);
    expect(output).toContain('migration failed: connect ECONNREFUSED 127.0.0.1:1');
    expect(output).not.toContain('hunter2-secret');
  });

  it('when DATABASE_URL is malformed, then the error does not echo it back', async () => {
    const { exitCode, output } = await runMigrateCli(
      'postgresql://postgres:hunter2-secret@[not-a-host/kubegrade',
    );

    expect(exitCode).toBe(1);
    expect(output).toContain('DATABASE_URL_INVALID');
    expect(output).not.toContain('hunter2-secret');
  });
});
