/**
 * Intake: POST /v1/attempts and GET of a graded attempt, driven by autocannon (50 connections,
 * loopback) against a real API process started here, with its own database and queue. Reports
 * requests/s, latency percentiles and, the figure that survives a loaded machine, the API
 * process's CPU milliseconds per request.
 *
 *   npm run bench:intake [-- --seconds 10]
 * Targets: >= 1,500 POST/s with p99 <= 50 ms; GET >= 3,000/s.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';
import { migrateDatabase } from '../src/db/migrator.js';
import { createLogger } from '../src/logging/logger.js';
import { processCpuMs, writeBenchResult } from './support/bench-result.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kubegrade';
const databaseName = `kubegrade_bench_${randomUUID().slice(0, 8)}`;
const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
const port = 20_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;

await migrateDatabase({ databaseUrl, logger: createLogger({ level: 'warn', name: 'bench' }) });
// The compiled API when it is built (what production runs), else the sources through tsx.
const built = (() => {
  try {
    readFileSync('dist/src/http/main.js');
    return true;
  } catch {
    return false;
  }
})();
const api = spawn(
  built ? process.execPath : 'node_modules/.bin/tsx',
  [built ? 'dist/src/http/main.js' : 'src/http/main.ts'],
  {
    env: {
      ...process.env,
      NODE_ENV: 'development',
      DATABASE_URL: databaseUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      QUEUE_NAME: `bench-intake-${process.pid}`,
      DATABASE_POOL_SIZE: '20',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  },
);
try {
  for (;;) {
    const ready = await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const manifest = readFileSync('assessments/first-pod/reference/my-pod.yaml', 'utf8');
  const body = JSON.stringify({
    assessmentId: 'first-pod',
    learnerId: 'bench-learner',
    courseId: 'bench',
    manifest,
    answers: { 'pending-causes': 'FailedScheduling for lack of CPU, or ErrImagePull' },
  });
  // Warm up (JIT, pool connections), then measure.
  await run({ method: 'POST', path: '/v1/attempts', body }, 2);
  const post = await measure({ method: 'POST', path: '/v1/attempts', body });

  // A graded attempt to read: mark one graded directly, as a worker would have left it.
  const { id } = (await (
    await fetch(`${base}/v1/attempts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
  ).json()) as { id: string };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    `UPDATE attempts SET status = 'graded', score = 3, max_score = 10, passed = false, finished_at = now() WHERE id = $1`,
    [id],
  );
  await client.end();
  await run({ method: 'GET', path: `/v1/attempts/${id}` }, 2);
  const get = await measure({ method: 'GET', path: `/v1/attempts/${id}` });

  writeBenchResult('intake', {
    seconds,
    connections,
    compiled: built,
    post: { ...post, targetPerSecond: 1500, targetP99Ms: 50 },
    getGraded: { ...get, targetPerSecond: 3000 },
    note: 'Requests per second fall with the machine load; API CPU ms per request is the stable figure: at 1 core, the attainable rate is about 1000 / apiCpuMsPerRequest.',
  });
} finally {
  api.kill('SIGTERM');
  await new Promise((resolve) => api.once('exit', resolve));
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}

function run(request: { method: 'POST' | 'GET'; path: string; body?: string }, duration: number) {
  return autocannon({
    url: `${base}${request.path}`,
    method: request.method,
    headers: { 'content-type': 'application/json' },
    ...(request.body ? { body: request.body } : {}),
    connections,
    duration,
  });
}

async function measure(request: { method: 'POST' | 'GET'; path: string; body?: string }) {
  const cpuBefore = processCpuMs(api.pid!);
  const result = await run(request, seconds);
  const cpuMs = processCpuMs(api.pid!) - cpuBefore;
  const completed = result.requests.total;
  const figures = {
    requestsPerSecond: Math.round(result.requests.average),
    completed,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    apiCpuMsPerRequest: +(cpuMs / Math.max(1, completed)).toFixed(3),
    requestsPerApiCpuSecond: Math.round((completed * 1000) / Math.max(1, cpuMs)),
  };
  console.log(request.method, request.path, figures);
  return figures;
}
