import { jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:net';
import {
  freePort,
  processTestTimeoutMs,
  startServiceProcess,
  waitFor,
} from '../support/service-process.js';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The real `npm start` and `npm run worker` programs, as an operator runs them. */

jest.setTimeout(processTestTimeoutMs);

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

/** `npm run <script>`: npm, then the service; a signal sent to npm must reach the service. */
function npmRun(script: string, env: Record<string, string>) {
  return startServiceProcess(
    script,
    { DATABASE_URL: database.databaseUrl, ...env },
    { command: 'npm', args: ['run', '--silent', script] },
  );
}

describe('npm start (the API)', () => {
  it('serves until SIGTERM, ready when PostgreSQL and Redis are, then exits 0', async () => {
    const port = await freePort();
    const api = npmRun('start', { PORT: String(port), HOST: '127.0.0.1' });
    try {
      await waitFor(async () => {
        const response = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        return response?.status === 200;
      }, 'the API to be ready');
      // SIGTERM to npm itself: the API process must be the one that handles it.
      api.child.kill('SIGTERM');
      expect(await api.exited).toBe(0);
      expect(api.logLines().map((line) => line.msg)).toEqual(
        expect.arrayContaining(['stopping API', 'API stopped']),
      );
    } finally {
      await api.stop();
    }
  });

  it('refuses to start with a bad setting, naming the variable', async () => {
    const api = startServiceProcess('src/http/main.ts', { PORT: 'eighty' });
    expect(await api.exited).toBe(1);
    expect(api.output.stderr).toMatch(/PORT/);
  });

  it('exits 1 with a message naming the port when the port is already in use', async () => {
    const taken: Server = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const { port } = taken.address() as { port: number };
    try {
      const api = startServiceProcess('src/http/main.ts', {
        PORT: String(port),
        HOST: '127.0.0.1',
        DATABASE_URL: database.databaseUrl,
      });
      expect(await api.exited).toBe(1);
      const fatal = api.logLines().find((line) => line.level === 60);
      expect(fatal?.msg).toBe(`cannot listen on 127.0.0.1:${port}: the port is already in use`);
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});

describe('npm run worker', () => {
  it('stops gracefully with exit 0 on a SIGTERM sent the moment it says it started', async () => {
    const worker = npmRun('worker', { QUEUE_NAME: `entry-${randomUUID()}`, METRICS_PORT: '0' });
    try {
      await worker.waitForLog('worker started');
      worker.child.kill('SIGTERM');
      expect(await worker.exited).toBe(0);
      expect(worker.logLines().map((line) => line.msg)).toContain('worker stopped');
    } finally {
      await worker.stop();
    }
  });
});
