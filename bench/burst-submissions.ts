/**
 * 2,000 attempt submissions in one burst from one API key against the real API process (its own
 * database, the machine's Redis). Only 202 and 429 are acceptable answers: a bounded connection
 * pool must never turn a burst into 5xx, and no connection may go unanswered. Prints the counts by
 * status and writes bench/results/burst.json.
 *
 *   npm run bench:burst [-- --requests 2000]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { migrateDatabase } from '../src/db/migrator.js';
import { createPrismaClient } from '../src/db/prisma-client.js';
import { createApiKey } from '../src/tenants/create-api-key.js';
import { createTenant } from '../src/tenants/create-tenant.js';
import { TenantRepository } from '../src/tenants/tenant-repository.js';

import { freePort } from './support/free-port.js';
const total = Number(process.argv[process.argv.indexOf('--requests') + 1]) || 2_000;
const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const databaseName = `kubegrade_bench_burst_${process.pid}`;
const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/${databaseName}` }).toString();
const root = fileURLToPath(new URL('../', import.meta.url));
const manifest = readFileSync(`${root}assessments/first-pod/reference/my-pod.yaml`, 'utf8');

const port = await freePort();
await migrateDatabase({ databaseUrl });
const prisma = createPrismaClient({ databaseUrl });
const tenants = new TenantRepository(prisma);
const tenant = await createTenant({ tenants }, { name: 'burst' });
const { key } = await createApiKey(
  { tenants },
  { tenantName: tenant.name, scopes: ['attempts:write'] },
);

const apiLogPath = join(tmpdir(), `kubegrade-bench-burst-${process.pid}.log`);
const api = spawn(process.execPath, ['--import', 'tsx', 'src/http/main.ts'], {
  cwd: root,
  env: {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    QUEUE_NAME: `bench-burst-${process.pid}`,
  },
  // Its warnings (a 503 says which dependency failed) go to a file named at the end.
  stdio: ['ignore', openSync(apiLogPath, 'w'), 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
try {
  for (let ready = false; !ready;) {
    ready = (await fetch(`${base}/readyz`).catch(() => undefined))?.status === 200;
    if (!ready) await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const failures: Record<string, number> = {};
  const loadAverageBefore = loadavg().map((value) => +value.toFixed(2));
  const started = performance.now();
  const statuses = await Promise.all(
    Array.from({ length: total }, (_, index) =>
      fetch(`${base}/v1/attempts`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
        body: JSON.stringify({
          assessmentId: 'first-pod',
          learnerId: `burst-${index}`,
          manifest,
          // first-pod has cluster checks: without this every request is a 422 CLUSTER_REQUIRED.
          gradeWithoutCluster: true,
        }),
      }).then(
        (response) => response.status,
        (error: unknown) => {
          // No answer at all: remember why (refused, reset, timed out), to find the cause.
          const reason = connectionErrorCode(error);
          failures[reason] = (failures[reason] ?? 0) + 1;
          return 0;
        },
      ),
    ),
  );
  const seconds = (performance.now() - started) / 1000;
  const byStatus: Record<string, number> = {};
  for (const status of statuses) byStatus[status] = (byStatus[status] ?? 0) + 1;
  const unexpected = statuses.filter((status) => status !== 202 && status !== 429).length;
  const stored = await prisma.attempt.count();
  const result = {
    benchmark: 'burst-submissions',
    requests: total,
    byStatus,
    unexpected,
    noAnswerBecause: failures,
    storedAttempts: stored,
    seconds: +seconds.toFixed(2),
    limits: {
      perKey: Number(process.env.RATE_LIMIT_PER_KEY ?? 50),
      perTenant: Number(process.env.RATE_LIMIT_PER_TENANT ?? 100),
      windowMs: Number(process.env.RATE_LIMIT_WINDOW_MS ?? 1000),
      concurrentPerKey: Number(process.env.RATE_LIMIT_CONCURRENT_PER_KEY ?? 10),
    },
    node: process.version,
    // The machine is shared: its load says how much of the time was ours.
    loadAverageBefore,
    loadAverageAfter: loadavg().map((value) => +value.toFixed(2)),
    cpus: cpus().length,
    measuredAt: new Date().toISOString(),
  };
  console.log(JSON.stringify(result, null, 2));
  console.log(`API log: ${apiLogPath}`);
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(resultsDir, { recursive: true });
  writeFileSync(`${resultsDir}burst.json`, `${JSON.stringify(result, null, 2)}\n`);
  if (unexpected > 0) process.exitCode = 1;
} finally {
  api.kill('SIGTERM');
  await new Promise((resolve) => api.once('exit', resolve));
  await prisma.$disconnect();
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
  await admin.end();
}

/** The code of a failed fetch's underlying socket error (undici puts it on `cause`). */
function connectionErrorCode(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}
