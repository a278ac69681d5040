import { runCli } from '../../src/cli/main.js';
import { hashApiKey } from '../../src/tenants/api-key-secret.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

let database: TestDatabase;
let environment: NodeJS.ProcessEnv;

beforeAll(async () => {
  database = await createTestDatabase();
  environment = { ...process.env, DATABASE_URL: database.databaseUrl };
});

afterAll(async () => {
  await database.drop();
});

async function run(...argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io = {
    out: (text: string) => void out.push(text),
    err: (text: string) => void err.push(text),
    progress: () => undefined,
  };
  const exitCode = await runCli(argv, io, environment);
  return { exitCode, out: out.join('\n'), err: err.join('\n') };
}

describe('kubegrade admin', () => {
  it('creates a tenant, refuses the same name twice with TENANT_EXISTS', async () => {
    expect((await run('admin', 'tenant', 'create', 'moodle-prod')).exitCode).toBe(0);
    const again = await run('admin', 'tenant', 'create', 'moodle-prod');
    expect(again.exitCode).toBe(3);
    expect(again.err).toContain('TENANT_EXISTS');
    expect(await database.prisma.tenant.count({ where: { name: 'moodle-prod' } })).toBe(1);
  });

  it('creates a key, prints it once, and stores only its SHA-256 with the scopes', async () => {
    await run('admin', 'tenant', 'create', 'canvas');
    const created = await run(
      'admin',
      'key',
      'create',
      '--tenant',
      'canvas',
      '--scopes',
      'attempts:write,results:read',
    );
    expect(created.exitCode).toBe(0);
    const key = /^key (kg_\S+)$/m.exec(created.out)?.[1];
    expect(key).toMatch(/^kg_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    expect(created.err).toMatch(/shown only this once/);
    const rows = await database.prisma.apiKey.findMany({ where: { tenant: { name: 'canvas' } } });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.hash).toBe(hashApiKey(key!));
    expect(rows[0]!.scopes).toEqual(['attempts:write', 'results:read']);
    expect(JSON.stringify(rows)).not.toContain(key!.slice(16));
  });

  it('revokes a key by prefix or by id', async () => {
    await run('admin', 'tenant', 'create', 'brightspace');
    const keys = [];
    for (let i = 0; i < 2; i += 1) {
      const created = await run(
        'admin',
        'key',
        'create',
        '--tenant',
        'brightspace',
        '--scopes',
        'results:read',
        '--json',
      );
      keys.push(JSON.parse(created.out) as { id: string; prefix: string });
    }
    expect((await run('admin', 'key', 'revoke', keys[0]!.prefix)).exitCode).toBe(0);
    expect((await run('admin', 'key', 'revoke', keys[1]!.id)).exitCode).toBe(0);
    const rows = await database.prisma.apiKey.findMany({
      where: { tenant: { name: 'brightspace' } },
    });
    expect(rows.map((row) => row.revokedAt)).toEqual([expect.any(Date), expect.any(Date)]);
    const unknown = await run('admin', 'key', 'revoke', 'ffffffffffff');
    expect({ exitCode: unknown.exitCode, err: unknown.err }).toEqual({
      exitCode: 3,
      err: expect.stringContaining('API_KEY_NOT_FOUND'),
    });
  });

  it('answers usage (exit 2) for an unknown scope, a missing tenant flag or an unknown verb', async () => {
    expect(
      (await run('admin', 'key', 'create', '--tenant', 'canvas', '--scopes', 'root')).exitCode,
    ).toBe(2);
    expect((await run('admin', 'key', 'create', '--scopes', 'results:read')).exitCode).toBe(2);
    expect((await run('admin', 'tenant', 'delete', 'canvas')).exitCode).toBe(2);
    const noTenant = await run(
      'admin',
      'key',
      'create',
      '--tenant',
      'nobody',
      '--scopes',
      'results:read',
    );
    expect(noTenant.exitCode).toBe(3);
    expect(noTenant.err).toContain('TENANT_NOT_FOUND');
  });
});
