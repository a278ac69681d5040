/**
 * How long one attempt takes from POST to graded, on this machine, through the real API and
 * worker processes, PostgreSQL and Redis. Prints the figures and writes bench/results/.
 * The attempt is graded without a cluster (its cluster checks are skipped): this measures the
 * service's own path, not a learner cluster's waits (bench:cluster does those).
 *
 *   npm run bench:latency [-- --attempts 50]
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateDatabase } from '../src/db/migrator.js';
import { createBenchTenantKey } from './support/bench-tenant.js';
import { freePort } from './support/free-port.js';
import { writeBenchResult } from './support/bench-result.js';
import { serviceCommand } from './support/service-entry.js';

const count = Number(process.argv[process.argv.indexOf('--attempts') + 1]) || 50;
const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const databaseName = `kubegrade_bench_latency_${process.pid}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString();
const root = fileURLToPath(new URL('../', import.meta.url));
const manifest = readFileSync(`${root}assessments/first-pod/reference/my-pod.yaml`, 'utf8');

const port = await freePort();
await migrateDatabase({ databaseUrl });
const { headers } = await createBenchTenantKey(databaseUrl, 'latency');

const environment = {
  ...process.env,
  NODE_OPTIONS: '',
  DATABASE_URL: databaseUrl,
  PORT: String(port),
  HOST: '127.0.0.1',
  METRICS_PORT: '0',
  LOG_LEVEL: 'warn',
  QUEUE_NAME: `bench-latency-${process.pid}`,
  WORKER_CONCURRENCY: '1',
  CLUSTER_SECRET_KEYS: `bench:${randomBytes(32).toString('base64')}`,
};
function start(entry: string): { child: ChildProcess; compiled: boolean } {
  const { command, args, compiled } = serviceCommand(entry);
  const child = spawn(command, args, { cwd: root, env: environment, stdio: 'ignore' });
  return { child, compiled };
}
const api = start('src/http/main.ts');
const worker = start('worker/main.ts');
const base = `http://127.0.0.1:${port}`;

async function gradeOne(index: number): Promise<number> {
  const started = performance.now();
  const posted = await fetch(`${base}/v1/attempts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      assessmentId: 'first-pod',
      learnerId: `bench-${index}`,
      manifest,
      answers: { 'pending-causes': 'FailedScheduling for lack of cpu, or ErrImagePull' },
      gradeWithoutCluster: true,
    }),
  });
  if (posted.status !== 202) throw new Error(`POST answered ${posted.status}`);
  const { id } = (await posted.json()) as { id: string };
  // Poll as an integration would, but tightly, so the figure is the grader's and not the poll's.
  for (;;) {
    const read = await fetch(`${base}/v1/attempts/${id}`, { headers });
    const body = (await read.json()) as { status: string };
    if (body.status === 'graded' || body.status === 'not_gradable') break;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now() - started;
}

try {
  for (let ready = false; !ready;) {
    ready = (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await gradeOne(-1); // warm-up: first query plans, first BullMQ scripts, the worker started
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) samples.push(await gradeOne(i));
  samples.sort((a, b) => a - b);
  const at = (q: number) =>
    samples[Math.min(samples.length - 1, Math.floor(q * samples.length))] ?? NaN;
  writeBenchResult('attempt-latency', {
    attempts: count,
    workerConcurrency: 1,
    compiledServices: api.compiled,
    path: 'POST /v1/attempts (first-pod, gradeWithoutCluster) → worker → GET until graded',
    ms: {
      p50: +at(0.5).toFixed(1),
      p90: +at(0.9).toFixed(1),
      p99: +at(0.99).toFixed(1),
      max: +(samples.at(-1) ?? NaN).toFixed(1),
    },
  });
} finally {
  for (const { child } of [api, worker]) child.kill('SIGTERM');
  await Promise.all(
    [api, worker].map(({ child }) => new Promise((resolve) => child.once('exit', resolve))),
  );
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
  await admin.end();
}
