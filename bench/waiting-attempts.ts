/**
 * What an attempt costs while it waits for the learner to delete their Pod: one worker process
 * holds N attempts (default 2,000) parked on their deletion, each in its own namespace of the
 * simulated cluster. Prints the worker's memory and CPU per waiting attempt, then lets every
 * learner delete their Pod and checks that each attempt is graded once, with full marks.
 *
 *   npm run bench:waiting [-- --attempts 2000 --concurrency 64 --heap-snapshots]
 *
 * A concurrency other than 64 writes bench/results/waiting-attempts-concurrency-<n>.json.
 *
 * The worker's event-loop lag (p99 per second, from its /metrics), the stalled jobs BullMQ saw
 * (a lost lock) and attempts graded by more than one run are reported beside the memory.
 * --heap-snapshots has the worker write a heap snapshot when idle and when holding every
 * attempt (node --heapsnapshot-signal), to see what a waiting attempt keeps.
 * Uses the local PostgreSQL and Redis (its own database and queue name) like the test suite.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { QueueEvents } from 'bullmq';
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
import { freePort } from './support/free-port.js';
import { machineLoad, writeBenchResult } from './support/bench-result.js';
import { serviceCommand } from './support/service-entry.js';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '64' },
    // Grading time per real ms. Below 1 the lesson's 5-minute wait for the deletion lasts
    // longer, so that every attempt is still waiting when the last one parks on a busy machine.
    'time-scale': { type: 'string', default: '0.25' },
    'parking-limit-seconds': { type: 'string', default: '900' },
    'heap-snapshots': { type: 'boolean', default: false },
  },
});
const count = Number(values.attempts);
const concurrency = Number(values.concurrency);
// Another concurrency is another figure (the lag it trades for speed), kept beside the default's.
const resultName =
  concurrency === 64 ? 'waiting-attempts' : `waiting-attempts-concurrency-${concurrency}`;
const metricsPort = await freePort();
const snapshotDirectory = mkdtempSync(join(tmpdir(), 'kubegrade-waiting-'));
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
  METRICS_PORT: String(metricsPort),
  HOST: '127.0.0.1',
  CLUSTER_SECRET_KEYS: secretKeys,
  OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
  WORKER_CONCURRENCY: String(concurrency),
  GRADING_TIME_SCALE: values['time-scale'],
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
// One node with room for every learner's Pod (a real node takes 110; the Pods request nothing).
const cluster = await startSimulatedCluster({
  speed: Number(values['time-scale']),
  nodes: [{ name: 'sim-node-1', pods: count + 100, cpu: '1000', memory: '4000Gi' }],
});
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

const workerCommand = serviceCommand(
  'worker/main.ts',
  values['heap-snapshots']
    ? ['--heapsnapshot-signal=SIGUSR2', `--diagnostic-dir=${snapshotDirectory}`]
    : [],
);
const worker = spawn(workerCommand.command, workerCommand.args, {
  env: environment,
  cwd: process.cwd(),
  stdio: ['ignore', 'ignore', 'inherit'],
});
// A lost lock shows as a stalled job: BullMQ hands the job to another run.
const queueEvents = new QueueEvents(queueName, {
  connection: services.redis.duplicate({ maxRetriesPerRequest: null }),
  ...(services.queue.opts.prefix ? { prefix: services.queue.opts.prefix } : {}),
});
let stalledJobs = 0;
queueEvents.on('stalled', () => (stalledJobs += 1));
// The worker is up once it has registered with the queue.
await until(async () => (await services.queue.getWorkersCount()) > 0, 'the worker to start');

/** The worker's own view: event-loop lag since the last scrape (prom-client resets it), heap. */
const scrape = async () => {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  const metric = (name: string) =>
    Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([\\d.e+-]+)`, 'm').exec(text)?.[1]);
  return {
    lagP99Ms: metric('nodejs_eventloop_lag_p99_seconds') * 1000,
    lagMaxMs: metric('nodejs_eventloop_lag_max_seconds') * 1000,
    heapUsedBytes: metric('nodejs_heap_size_used_bytes'),
    externalBytes: metric('nodejs_external_memory_bytes'),
  };
};
type Phase = 'submitting' | 'holding' | 'waking';
let phase: Phase = 'submitting';
const lagByPhase: Record<Phase, number[]> = { submitting: [], holding: [], waking: [] };
const lagMaxByPhase: Record<Phase, number> = { submitting: 0, holding: 0, waking: 0 };
const sampler = setInterval(() => {
  const at = phase;
  scrape().then(
    (sample) => {
      lagByPhase[at].push(sample.lagP99Ms);
      lagMaxByPhase[at] = Math.max(lagMaxByPhase[at], sample.lagMaxMs);
    },
    () => undefined,
  );
}, 1_000);
const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0
    ? null
    : +sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!.toFixed(1);
};
const lagFigures = (at: Phase) => ({
  samples: lagByPhase[at].length,
  p99OfSecondlyP99Ms: percentile(lagByPhase[at], 99),
  medianOfSecondlyP99Ms: percentile(lagByPhase[at], 50),
  maxMs: +lagMaxByPhase[at].toFixed(1),
});
const snapshot = async (label: string) => {
  if (!values['heap-snapshots']) return;
  const before = new Set(readdirSync(snapshotDirectory));
  worker.kill('SIGUSR2');
  await until(
    async () =>
      readdirSync(snapshotDirectory).some(
        (file) => file.endsWith('.heapsnapshot') && !before.has(file),
      ),
    `the ${label} heap snapshot`,
  );
  console.log(`heap snapshot (${label}) written to ${snapshotDirectory}`);
};
await new Promise((resolve) => setTimeout(resolve, 2_000));
const idleHeap = await scrape();
const idle = usageOf(worker.pid!);
await snapshot('idle');

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
// Bounded: on a machine too busy to park them all before the first ones' waits run out, the
// figures are taken over those waiting at the bound, and the result says how many that was.
const parkingDeadline = Date.now() + Number(values['parking-limit-seconds']) * 1000;
let waiting: number;
while ((waiting = Number(await parkedCount())) < count && Date.now() < parkingDeadline) {
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const allParkedMs = Date.now() - started;
phase = 'holding';
const loaded = usageOf(worker.pid!);
const loadedHeap = await scrape();
await snapshot('holding');

// Nothing happens on the clusters for a while: what does holding them cost?
const windowMs = 20_000;
await new Promise((resolve) => setTimeout(resolve, windowMs));
const after = usageOf(worker.pid!);

/** What holding them costs, written as soon as it is measured (the end may take long). */
const holdingFigures = () => ({
  what: 'attempts waiting for the learner to delete their Pod, all in one worker process',
  attempts: count,
  workerConcurrency: concurrency,
  gradingTimeScale: Number(values['time-scale']),
  compiled: workerCommand.compiled,
  waitingAtOnce: waiting,
  secondsUntilAllWaiting: waiting === count ? +(allParkedMs / 1000).toFixed(1) : null,
  memoryPerWaitingAttemptKiB: {
    rss: +((loaded.rssBytes - idle.rssBytes) / waiting / 1024).toFixed(1),
    heapUsed: +((loadedHeap.heapUsedBytes - idleHeap.heapUsedBytes) / waiting / 1024).toFixed(1),
    external: +((loadedHeap.externalBytes - idleHeap.externalBytes) / waiting / 1024).toFixed(1),
  },
  workerRssMiB: {
    idle: +(idle.rssBytes / 2 ** 20).toFixed(1),
    holding: +(loaded.rssBytes / 2 ** 20).toFixed(1),
  },
  cpuWhileWaiting: {
    windowSeconds: windowMs / 1000,
    workerCpuMs: after.cpuMs - loaded.cpuMs,
    cpuMicrosecondsPerWaitingAttemptPerSecond: +(
      ((after.cpuMs - loaded.cpuMs) * 1000) /
      waiting /
      (windowMs / 1000)
    ).toFixed(1),
  },
  workerCpuMsPerAttemptUntilWaiting: +((loaded.cpuMs - idle.cpuMs) / count).toFixed(1),
  eventLoopLag: {
    target: 'p99 <= 100 ms',
    submittingAndParking: lagFigures('submitting'),
    holding: lagFigures('holding'),
  },
});
writeBenchResult(resultName, {
  ...holdingFigures(),
  stalledJobsSoFar: stalledJobs,
  phase: 'holding',
});

console.log('every learner deletes their Pod');
phase = 'waking';
// Twenty learners at a time, as a class would; progress is printed as they go.
let deleted = 0;
const deleteNext = async (): Promise<void> => {
  for (let namespace = namespaces.shift(); namespace; namespace = namespaces.shift()) {
    await learner.deleteNamespacedPod({ namespace, name: 'my-pod' });
    if (++deleted % 250 === 0) console.log(`${deleted} Pods deleted`);
  }
};
await Promise.all(Array.from({ length: 20 }, deleteNext));
const unfinished = () =>
  services.prisma.attempt.count({ where: { status: { in: ['queued', 'running'] } } });
const finishDeadline = Date.now() + 900_000;
while ((await unfinished()) > 0 && Date.now() < finishDeadline) {
  await new Promise((resolve) => setTimeout(resolve, 500));
}
const rows = await services.prisma.attempt.findMany({
  select: { status: true, score: true, maxScore: true, gradingRuns: true },
});
// Two stored gradings of one attempt; saveGrade finishes only a running attempt, so 0.
const [twice] = await services.prisma.$queryRaw<{ n: bigint }[]>`
  SELECT count(*) AS n FROM (
    SELECT attempt_id FROM result_versions WHERE cause = 'graded'
     GROUP BY attempt_id HAVING count(*) > 1) AS graded_twice`;
const fullMarks = rows.filter(
  (row) => row.status === 'graded' && Number(row.score) === Number(row.maxScore),
).length;

clearInterval(sampler);
writeBenchResult(resultName, {
  ...holdingFigures(),
  eventLoopLagWaking: lagFigures('waking'),
  stalledJobs,
  finished: rows.filter((row) => row.status === 'graded' || row.status === 'not_gradable').length,
  gradedWithFullMarks: fullMarks,
  gradedTwice: Number(twice?.n ?? 0),
  attemptsWithMoreThanOneRun: rows.filter((row) => row.gradingRuns > 1).length,
  loadAtEnd: machineLoad().loadavg,
});

worker.kill('SIGTERM');
await new Promise((resolve) => worker.once('exit', resolve));
await queueEvents.close();
await services.queue.obliterate({ force: true });
await services.close();
await cluster.stop();
const admin_ = new pg.Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
await admin_.connect();
await admin_.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
await admin_.end();
