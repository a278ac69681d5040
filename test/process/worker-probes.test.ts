import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '../support/test-database.js';

/** The worker process's own listener, as the Kubernetes probes and Prometheus reach it. */

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});

afterAll(async () => {
  await database.drop();
});

// Starting tsx on a loaded 2-core machine can take longer than Jest's default 30 s.
it('serves /healthz, /readyz, /metrics and /drain on METRICS_PORT until it stops', async () => {
  const child = spawn('node_modules/.bin/tsx', ['worker/main.ts'], {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      LOG_LEVEL: 'info',
      DATABASE_URL: database.databaseUrl,
      QUEUE_NAME: `probes-${randomUUID()}`,
      METRICS_PORT: '0',
      HOST: '127.0.0.1',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  try {
    // The start line says which port the listener took (0 asks the system for a free one).
    const port = await new Promise<number>((resolve, reject) => {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        const started = stdout
          .split('\n')
          .filter((line) => line.includes('"worker started"'))
          .map((line) => JSON.parse(line) as { metricsPort: number })[0];
        if (started) resolve(started.metricsPort);
      });
      child.on('exit', () => reject(new Error(`worker exited before starting:\n${stdout}`)));
    });
    const base = `http://127.0.0.1:${port}`;

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ok',
      checks: { postgres: 'ok', redis: 'ok' },
    });
    const metrics = await fetch(`${base}/metrics`);
    expect(metrics.status).toBe(200);
    const text = await metrics.text();
    expect(text).toMatch(/^kubegrade_queue_jobs\{state="waiting",role="worker"\} 0$/m);
    expect(text).toMatch(/^kubegrade_db_pool_connections\{state="max",role="worker"\} 10$/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_p99_seconds\{role="worker"\} /m);
    expect((await fetch(`${base}/nothing`)).status).toBe(404);
    // The preStop hook: with no job in hand the worker has nothing to finish.
    const drained = await fetch(`${base}/drain`);
    expect(await drained.json()).toEqual({ status: 'drained' });

    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
  }
}, 120_000);
