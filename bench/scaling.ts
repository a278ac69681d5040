/**
 * Scaling out: the same burst of attempts graded by 1, 2 and 4 worker processes. Each round has
 * its own database and queue; the attempts are stored and queued while the queue is paused,
 * then every worker starts at once, so the figure is grading alone: attempts graded per second
 * from resume to the last grade, the workers' CPU per attempt, and whether any attempt was
 * graded by more than one run (a stalled job, a lost lock).
 *
 * The attempts are graded without a cluster (their cluster checks are skipped): the queue,
 * PostgreSQL, the manifest and quiz checks, and the result writes. What a cluster adds per
 * attempt is bench:grading's figure; waiting on learners is bench:waiting's.
 *
 *   npm run bench:scaling [-- --attempts 600 --workers 1,2,4]
 * Target: throughput rises with processes until the cores are full; nothing graded twice.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { QueueEvents } from 'bullmq';
import pg from 'pg';
import { submitAttempt } from '../src/attempts/submit-attempt.js';
import { loadConfig } from '../src/config/config.js';
import { withDatabaseName } from '../src/db/database-url.js';
import { migrateDatabase } from '../src/db/migrator.js';
import { createLogger } from '../src/logging/logger.js';
import { enqueueGrading } from '../src/queue/grading-queue.js';
import { openServices } from '../src/runtime/services.js';
import { createTenant } from '../src/tenants/create-tenant.js';
import {
  machineBusyCpuMs,
  machineLoad,
  processCpuMs,
  writeBenchResult,
} from './support/bench-result.js';
import { serviceCommand } from './support/service-entry.js';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '3000' },
    workers: { type: 'string', default: '1,2,4' },
    concurrency: { type: 'string', default: '16' },
  },
});
const count = Number(values.attempts);
const workerCounts = values.workers.split(',').map(Number);
const serverUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const manifest = readFileSync('assessments/first-pod/reference/my-pod.yaml', 'utf8');
const answers = { 'pending-causes': 'FailedScheduling for lack of CPU, or ErrImagePull' };
const logger = createLogger({ level: 'warn', name: 'bench' });
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function round(workers: number) {
  const databaseName = `kubegrade_bench_scaling_${randomBytes(4).toString('hex')}`;
  const databaseUrl = withDatabaseName(serverUrl, databaseName);
  const queueName = `bench-scaling-${randomBytes(4).toString('hex')}`;
  const environment = {
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: databaseUrl,
    QUEUE_NAME: queueName,
    METRICS_PORT: '0',
    HOST: '127.0.0.1',
    WORKER_CONCURRENCY: values.concurrency,
  };
  await migrateDatabase({ databaseUrl });
  const config = loadConfig(environment);
  const services = await openServices(config, logger, 'producer');
  const children: ChildProcess[] = [];
  const queueEvents = new QueueEvents(queueName, {
    connection: services.redis.duplicate({ maxRetriesPerRequest: null }),
    ...(services.queue.opts.prefix ? { prefix: services.queue.opts.prefix } : {}),
  });
  try {
    let stalledJobs = 0;
    queueEvents.on('stalled', () => (stalledJobs += 1));
    const tenant = await createTenant({ tenants: services.tenants }, { name: queueName });
    await services.queue.pause();
    for (let index = 0; index < count; index += 1) {
      await submitAttempt(
        {
          catalog: services.catalog,
          attempts: services.attempts,
          enqueue: (id) => enqueueGrading(services.queue, id),
          queueName,
          sealClusterAccess: () => {
            throw new Error('no cluster in this bench');
          },
          vetClusterAccess: async () => undefined,
          logger,
        },
        {
          tenantId: tenant.id,
          idempotencyKey: undefined,
          request: {
            assessmentId: 'first-pod',
            learnerId: `learner-${index}`,
            courseId: 'bench',
            manifest,
            answers,
            gradeWithoutCluster: true,
          } as Parameters<typeof submitAttempt>[1]['request'],
        },
      );
    }
    const command = serviceCommand('worker/main.ts');
    // The workers' warnings (why a run was retried) are read back for the result.
    const logPath = join(tmpdir(), `${queueName}-workers.log`);
    const logFile = openSync(logPath, 'w');
    for (let index = 0; index < workers; index += 1) {
      children.push(
        spawn(command.command, command.args, {
          env: environment,
          stdio: ['ignore', logFile, 'inherit'],
        }),
      );
    }
    while ((await services.queue.getWorkersCount()) < workers) await pause(200);
    const cpuBefore = children.map((child) => processCpuMs(child.pid!));
    const machineBefore = machineBusyCpuMs();
    const started = performance.now();
    await services.queue.resume();
    const unfinished = () =>
      services.prisma.attempt.count({ where: { status: { in: ['queued', 'running'] } } });
    while ((await unfinished()) > 0) await pause(100);
    const seconds = (performance.now() - started) / 1000;
    // How full the cores were: throughput can rise with more workers only while they are not.
    const machineBusyPercent = Math.round(
      ((machineBusyCpuMs() - machineBefore) / (seconds * 1000 * cpus().length)) * 100,
    );
    const cpuMs = children.reduce(
      (sum, child, index) => sum + processCpuMs(child.pid!) - cpuBefore[index]!,
      0,
    );
    const rows = await services.prisma.attempt.findMany({
      select: { status: true, gradingRuns: true },
    });
    // Graded twice would mean two stored gradings of one attempt; saveGrade only finishes a
    // running attempt, so this must be 0 whatever the runs did.
    const [twice] = await services.prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM (
        SELECT attempt_id FROM result_versions WHERE cause = 'graded'
         GROUP BY attempt_id HAVING count(*) > 1) AS graded_twice`;
    closeSync(logFile);
    const retryReasons: Record<string, number> = {};
    for (const line of readFileSync(logPath, 'utf8').split('\n')) {
      if (!line.includes('"level":40') && !line.includes('"level":50')) continue;
      const entry = JSON.parse(line) as { msg?: string; err?: { message?: string } };
      const reason = `${entry.msg ?? ''}: ${(entry.err?.message ?? '').slice(0, 120)}`;
      retryReasons[reason] = (retryReasons[reason] ?? 0) + 1;
    }
    rmSync(logPath, { force: true });
    const figures = {
      workerProcesses: workers,
      attempts: count,
      seconds: +seconds.toFixed(1),
      attemptsPerSecond: +(count / seconds).toFixed(1),
      workerCpuMsPerAttempt: +(cpuMs / count).toFixed(1),
      machineBusyPercent,
      graded: rows.filter((row) => row.status === 'graded').length,
      gradedTwice: Number(twice?.n ?? 0),
      attemptsWithMoreThanOneRun: rows.filter((row) => row.gradingRuns > 1).length,
      stalledJobs,
      workerWarnings: retryReasons,
      loadavg: machineLoad().loadavg,
    };
    console.log(figures);
    return figures;
  } finally {
    for (const child of children) child.kill('SIGTERM');
    await Promise.all(
      children.map((child) =>
        child.exitCode === null && child.signalCode === null
          ? new Promise((resolve) => child.once('exit', resolve))
          : null,
      ),
    );
    await queueEvents.close();
    await services.queue.obliterate({ force: true });
    await services.close();
    const admin = new pg.Client({ connectionString: withDatabaseName(serverUrl, 'postgres') });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(databaseName)} WITH (FORCE)`);
    await admin.end();
  }
}

const rounds: Awaited<ReturnType<typeof round>>[] = [];
for (const workers of workerCounts) rounds.push(await round(workers));
// Another concurrency than the default is another figure, kept beside the default's.
const resultName =
  values.concurrency === '16' ? 'scaling' : `scaling-concurrency-${values.concurrency}`;
writeBenchResult(resultName, {
  what: 'one burst of attempts (graded without a cluster) by 1, 2 and 4 worker processes',
  workerConcurrency: Number(values.concurrency),
  rounds,
  speedup: Object.fromEntries(
    rounds.map((r) => [
      `${r.workerProcesses}`,
      +(r.attemptsPerSecond / rounds[0]!.attemptsPerSecond).toFixed(2),
    ]),
  ),
  note: 'The machine has 2 cores shared with other sessions (loadavg beside each round): throughput can rise only until the cores are full (machineBusyPercent, all processes), and PostgreSQL and Redis run on the same cores.',
});
