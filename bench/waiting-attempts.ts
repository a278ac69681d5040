/**
 * What an attempt costs while it waits for the learner to delete their Pod: one worker process
 * holds N attempts (default 2,000) parked on their deletion, each in its own namespace of the
 * simulated cluster. Prints the worker's memory and CPU per waiting attempt, then lets every
 * learner delete their Pod and checks that each attempt is graded once, with full marks.
 *
 *   npm run bench:waiting [-- --attempts 2000]
 *
 * Uses the local PostgreSQL and Redis (its own database and queue name) like the test suite.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import pg from 'pg';
import { startSimulatedCluster } from '../sim/start-simulated-cluster.js';
import { submitAttempt } from '../src/attempts/submit-attempt.js';
import { vetLearnerClusterAccess } from '../src/cluster/connect-learner-cluster.js';
import { sealClusterAccess } from '../src/cluster/sealed-cluster-access.js';
import { loadConfig } from '../src/config/config.js';
import { withDatabaseName } from '../src/db/database-url.js';
import { migrateDatabase } from '../src/db/migrator.js';
import { createLogger } from '../src/logging/logger.js';
import { enqueueGrading } from '../src/queue/grading-queue.js';
import { openServices } from '../src/runtime/services.js';
import { createTenant } from '../src/tenants/create-tenant.js';

const count = Number(process.argv[process.argv.indexOf('--attempts') + 1]) || 2_000;
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const databaseName = `kubegrade_bench_waiting_${randomBytes(4).toString('hex')}`;
const databaseUrl = withDatabaseName(serverUrl, databaseName);
const queueName = `bench-waiting-${randomBytes(4).toString('hex')}`;
const secretKeys = `bench:${randomBytes(32).toString('base64')}`;
const manifest = readFileSync(
  fileURLToPath(new URL('../assessments/first-pod/reference/my-pod.yaml', import.meta.url)),
  'utf8',
);
const answers = { 'pending-causes': 'FailedScheduling for lack of CPU, or ErrImagePull' };

const environment = {
  ...process.env,
  NODE_ENV: 'test',
  LOG_LEVEL: 'warn',
  DATABASE_URL: databaseUrl,
  QUEUE_NAME: queueName,
  METRICS_PORT: '0',
  CLUSTER_SECRET_KEYS: secretKeys,
  OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
  WORKER_CONCURRENCY: '16',
};

const until = async (probe: () => Promise<boolean>, what: string, limitMs = 900_000) => {
  const deadline = Date.now() + limitMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
};

/** Resident memory (bytes) and CPU time (ms) of a process, from /proc. */
function usageOf(pid: number): { rssBytes: number; cpuMs: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
  const ticks = Number(fields[11]) + Number(fields[12]); // utime + stime, in clock ticks (100/s)
  return { rssBytes: rssKb * 1024, cpuMs: ticks * 10 };
}

await migrateDatabase({ databaseUrl });
const cluster = await startSimulatedCluster({ speed: 1 });
const config = loadConfig(environment);
const logger = createLogger({ level: 'warn', name: 'bench' });
const services = await openServices(config, logger, 'producer');
const tenant = await createTenant({ tenants: services.tenants }, { name: `bench-${queueName}` });

console.log(`creating ${count} learners' Pods, one namespace each`);
const namespaces = Array.from({ length: count }, (_, index) => `learner-${index}`);
const pod = load(manifest) as Record<string, unknown> & { metadata: Record<string, unknown> };
await cluster.control.seed(
  namespaces.map((namespace) => ({ ...pod, metadata: { ...pod.metadata, namespace } })),
);
const readOnly = cluster.kubeconfigYaml({ token: 'readOnly' });
const learnerConfig = new k8s.KubeConfig();
learnerConfig.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
const learner = learnerConfig.makeApiClient(k8s.CoreV1Api);

const worker = spawn(process.execPath, ['--import', 'tsx', 'worker/main.ts'], {
  env: environment,
  stdio: ['ignore', 'ignore', 'inherit'],
});
// The worker is up once it has registered with the queue.
await until(async () => (await services.queue.getWorkersCount()) > 0, 'the worker to start');
const idle = usageOf(worker.pid!);

console.log(`submitting ${count} attempts`);
const started = Date.now();
for (const namespace of namespaces) {
  await submitAttempt(
    {
      catalog: services.catalog,
      attempts: services.attempts,
      enqueue: (id) => enqueueGrading(services.queue, id),
      queueName,
      sealClusterAccess: (access) => sealClusterAccess(services.secrets, access),
      vetClusterAccess: (access, { allowInsecureTls }) =>
        vetLearnerClusterAccess({ access, allowInsecureTls, outbound: services.outboundPolicy }),
      logger,
    },
    {
      tenantId: tenant.id,
      idempotencyKey: undefined,
      request: {
        assessmentId: 'first-pod',
        learnerId: namespace,
        courseId: 'bench',
        manifest,
        answers,
        cluster: { kubeconfig: readOnly, namespace },
      } as Parameters<typeof submitAttempt>[1]['request'],
    },
  );
}
const parkedCount = async () =>
  (
    await services.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM attempts WHERE status = 'running' AND next_step IS NOT NULL`
  )[0]?.n ?? 0n;
await until(
  async () => Number(await parkedCount()) >= count,
  'every attempt to wait for its deletion',
);
const allParkedMs = Date.now() - started;
const loaded = usageOf(worker.pid!);

// Nothing happens on the clusters for a while: what does holding them cost?
const windowMs = 20_000;
await new Promise((resolve) => setTimeout(resolve, windowMs));
const after = usageOf(worker.pid!);

console.log('every learner deletes their Pod');
for (const namespace of namespaces) {
  await learner.deleteNamespacedPod({ namespace, name: 'my-pod' });
}
await until(
  async () =>
    (await services.prisma.attempt.count({ where: { status: { in: ['queued', 'running'] } } })) ===
    0,
  'every attempt to finish',
);
const rows = await services.prisma.attempt.findMany({
  select: { status: true, score: true, maxScore: true, gradingRuns: true },
});
const fullMarks = rows.filter(
  (row) => row.status === 'graded' && Number(row.score) === Number(row.maxScore),
).length;

const result = {
  benchmark: 'attempts-waiting-for-deletion-in-one-worker',
  attempts: count,
  workerConcurrency: 16,
  secondsUntilAllWaiting: +(allParkedMs / 1000).toFixed(1),
  memoryPerWaitingAttemptKiB: +((loaded.rssBytes - idle.rssBytes) / count / 1024).toFixed(1),
  workerRssMiB: {
    idle: +(idle.rssBytes / 2 ** 20).toFixed(1),
    holding: +(loaded.rssBytes / 2 ** 20).toFixed(1),
  },
  cpuWhileWaiting: {
    windowSeconds: windowMs / 1000,
    workerCpuMs: after.cpuMs - loaded.cpuMs,
    cpuMicrosecondsPerWaitingAttemptPerSecond: +(
      ((after.cpuMs - loaded.cpuMs) * 1000) /
      count /
      (windowMs / 1000)
    ).toFixed(1),
  },
  workerCpuMsPerAttemptUntilWaiting: +((loaded.cpuMs - idle.cpuMs) / count).toFixed(1),
  finished: rows.length,
  gradedWithFullMarks: fullMarks,
  gradedMoreThanOnce: rows.filter((row) => row.gradingRuns > 1).length,
  machine: { cpus: cpus().length, loadavg: loadavg() },
  node: process.version,
  measuredAt: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}waiting-attempts.json`, `${JSON.stringify(result, null, 2)}\n`);

worker.kill('SIGTERM');
await new Promise((resolve) => worker.once('exit', resolve));
await services.queue.obliterate({ force: true });
await services.close();
await cluster.stop();
const admin_ = new pg.Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
await admin_.connect();
await admin_.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
await admin_.end();
