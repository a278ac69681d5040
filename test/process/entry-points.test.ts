import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The real `npm start` and `npm run worker` programs, as an operator runs them. */

const tsx = 'node_modules/.bin/tsx';
let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function run(entry: string, env: Record<string, string>) {
  const child = spawn(tsx, [entry], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.databaseUrl,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output = { stdout: '', stderr: '' };
  child.stdout.on('data', (chunk: Buffer) => (output.stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output.stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output, exited };
}

async function waitFor(
  condition: () => Promise<boolean> | boolean,
  what: string,
  timeoutMs = 20_000,
) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function stop(child: ChildProcess) {
  if (child.exitCode === null) child.kill('SIGTERM');
}

describe('npm start (the API)', () => {
  it('serves until SIGTERM, ready when PostgreSQL and Redis are, then exits 0', async () => {
    const port = await freePort();
    const api = run('src/http/main.ts', { PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return response?.status === 200;
      }, 'the API to be ready');
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
    } finally {
      stop(api.child);
    }
  });

  it('refuses to start with a bad setting, naming the variable', async () => {
    const api = run('src/http/main.ts', { PORT: 'eighty' });
    expect(await api.exited).toBe(1);
    expect(api.output.stderr).toMatch(/PORT/);
  });
});

describe('npm run worker', () => {
  it('starts, and on SIGTERM stops gracefully with exit 0', async () => {
    const worker = run('worker/main.ts', { QUEUE_NAME: `entry-${randomUUID()}` });
    try {
      await waitFor(() => worker.output.stdout.includes('worker started'), 'the worker to start');
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.output.stdout).toContain('worker stopped');
    } finally {
      stop(worker.child);
    }
  });
});
