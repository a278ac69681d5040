/**
 * The soak: correct learners against the simulated cluster while the platform is hurt. Each
 * learner (in their own namespace) applies the reference Pod, waits for Running, submits through
 * the API (retrying 429/503 like an LMS), deletes the Pod when the attempt view says so, and
 * waits for the grade. Meanwhile a worker is SIGKILLed and restarted, Redis is restarted with its
 * data lost, PostgreSQL is stopped for 20 s, and 20% of cluster requests are faulted.
 *
 * It starts its own PostgreSQL and Redis on spare loopback ports (never the machine's shared
 * ones) and stops them itself. Prints and writes bench/results/soak.json:
 * submitted, graded, not gradable (with reasons), lost, graded twice, below full marks.
 *
 *   npm run soak [-- --learners 300 --rounds 1 --speed 1 --parallel 40]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  appendFileSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import pg from 'pg';
import { startSimulatedCluster } from '../sim/start-simulated-cluster.js';
import { loadConfig } from '../src/config/config.js';
import { migrateDatabase } from '../src/db/migrator.js';
import { createLogger } from '../src/logging/logger.js';
import { openServices } from '../src/runtime/services.js';
import { createApiKey } from '../src/tenants/create-api-key.js';
import { createTenant } from '../src/tenants/create-tenant.js';
import { freePort } from './support/free-port.js';

const argument = (name: string, fallback: number) =>
  Number(process.argv[process.argv.indexOf(name) + 1]) || fallback;
const learners = argument('--learners', 300);
// Real time by default: compressed time makes a 20 s outage eat most of a learner's 300 s
// window to delete the Pod, which no real outage does.
const speed = argument('--speed', 1);
const parallel = argument('--parallel', 40);
const rounds = argument('--rounds', 1);
const pgBin = '/usr/lib/postgresql/15/bin';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const started = Date.now();
const log = (text: string) =>
  console.log(`[${((Date.now() - started) / 1000).toFixed(0)} s] ${text}`);

// --- a private PostgreSQL and Redis -----------------------------------------------------------

const asPostgres = (command: string, args: string[]) =>
  process.getuid?.() === 0
    ? ['runuser', ['-u', 'postgres', '--', command, ...args]]
    : [command, args];
function runPg(command: string, args: string[]): void {
  const [program, programArgs] = asPostgres(join(pgBin, command), args) as [string, string[]];
  const result = spawnSync(program, programArgs, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
}
const pgPort = await freePort();
const pgDir = mkdtempSync(join(tmpdir(), 'kubegrade-soak-pg-'));
if (process.getuid?.() === 0) {
  const uid = Number(spawnSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).stdout.trim());
  chownSync(pgDir, uid, gid);
}
runPg('initdb', ['-D', join(pgDir, 'data'), '-A', 'trust', '-U', 'postgres', '--no-sync']);
const pgOptions = `-p ${pgPort} -k ${pgDir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200`;
const startPostgres = () =>
  runPg('pg_ctl', [
    '-D',
    join(pgDir, 'data'),
    '-o',
    pgOptions,
    '-l',
    join(pgDir, 'log'),
    '-w',
    'start',
  ]);
const stopPostgres = () => runPg('pg_ctl', ['-D', join(pgDir, 'data'), '-m', 'fast', '-w', 'stop']);
startPostgres();
const children: ChildProcess[] = [];
let postgresRunning = true;
// Whatever happens (a failure, Ctrl-C), the soak leaves no server of its own running.
process.on('exit', () => {
  for (const child of children) child.kill('SIGKILL');
  if (postgresRunning) {
    try {
      stopPostgres();
    } catch {
      // already stopped
    }
  }
  rmSync(pgDir, { recursive: true, force: true });
});
process.on('SIGINT', () => process.exit(130));

const redisPort = await freePort();
let redis: ChildProcess | undefined;
const startRedis = () => {
  redis = spawn(
    'redis-server',
    ['--port', String(redisPort), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    { stdio: 'ignore' },
  );
  children.push(redis);
};
const stopRedis = async () => {
  const child = redis;
  child?.kill('SIGKILL');
  if (child) await new Promise((resolve) => child.once('exit', resolve));
};
startRedis();

const databaseUrl = `postgresql://postgres@127.0.0.1:${pgPort}/kubegrade_soak`;
const redisUrl = `redis://127.0.0.1:${redisPort}`;
await migrateDatabase({ databaseUrl });

// --- kubegrade: an API and two workers, as processes ------------------------------------------

const apiPort = await freePort();
const environment = {
  ...process.env,
  NODE_ENV: 'test',
  NODE_OPTIONS: '',
  LOG_LEVEL: 'info',
  DATABASE_URL: databaseUrl,
  REDIS_URL: redisUrl,
  PORT: String(apiPort),
  HOST: '127.0.0.1',
  QUEUE_NAME: 'soak',
  METRICS_PORT: '0',
  CLUSTER_SECRET_KEYS: `soak:${randomBytes(32).toString('base64')}`,
  OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
  GRADING_TIME_SCALE: String(speed),
  WORKER_CONCURRENCY: '32',
  JOB_ATTEMPTS: '5',
  JOB_TIMEOUT_MS: '120000',
  JOB_BACKOFF_MS: '1000',
  RECONCILE_INTERVAL_MS: '5000',
  RECONCILE_GRACE_MS: '15000',
  RATE_LIMIT_PER_KEY: '100000',
  RATE_LIMIT_PER_TENANT: '100000',
  // One key plays every learner at once; the per-key limits are for real integrators.
  RATE_LIMIT_CONCURRENT_PER_KEY: '10000',
};
const finishedLines = new Map<string, number>();
/** Every service's output, kept for the post-mortem of a soak that finds something. */
const logsDir = mkdtempSync(join(tmpdir(), 'kubegrade-soak-logs-'));
function service(entry: string, name: string): ChildProcess {
  const logFile = join(logsDir, `${name.replace(/[^a-z0-9]+/gi, '-')}.log`);
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: environment,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    appendFileSync(logFile, chunk);
    buffer += chunk.toString();
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.includes('grading finished')) continue;
      try {
        const entry = JSON.parse(line) as { attemptId?: string; status?: string };
        if (entry.attemptId && entry.status === 'graded')
          finishedLines.set(entry.attemptId, (finishedLines.get(entry.attemptId) ?? 0) + 1);
      } catch {
        // not a log line of ours
      }
    }
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    appendFileSync(logFile, chunk);
    stderr = (stderr + chunk.toString()).slice(-2000);
  });
  children.push(child);
  child.once('exit', (code, signal) => {
    log(`${name} exited (${code ?? signal})`);
    if (code !== 0 && code !== null) console.error(`${name}'s last output:\n${buffer}${stderr}`);
  });
  return child;
}
const api = service('src/http/main.ts', 'api');
let workerA = service('worker/main.ts', 'worker A');
const workerB = service('worker/main.ts', 'worker B');

const config = loadConfig(environment);
const admin = await openServices(
  config,
  createLogger({ level: 'silent', name: 'soak' }),
  'producer',
);
await createTenant({ tenants: admin.tenants }, { name: 'soak' });
const { key } = await createApiKey(
  { tenants: admin.tenants },
  { tenantName: 'soak', scopes: ['attempts:write', 'attempts:read', 'results:read'] },
);
await admin.close();

// --- the cluster, faulted ---------------------------------------------------------------------

const cluster = await startSimulatedCluster({ speed });
const faults = [
  { kind: 'status', status: 429, retryAfterSeconds: 1 },
  { kind: 'status', status: 500 },
  { kind: 'status', status: 503 },
  { kind: 'drop' },
  { kind: 'latency', latencyMs: 1_500 },
] as const;
// Five rules of 4.4% each: about 20% of the grader's requests meet at least one.
for (const fault of faults) cluster.control.addFault({ path: '/**', ...fault, probability: 0.044 });
cluster.control.addFault({
  path: '/**',
  watch: true,
  kind: 'watch-close-early',
  afterMs: 500,
  probability: 0.2,
});

const readOnly = cluster.kubeconfigYaml({ token: 'readOnly' });
const learnerConfig = new k8s.KubeConfig();
learnerConfig.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
const kube = learnerConfig.makeApiClient(k8s.CoreV1Api);
const manifest = readFileSync(
  fileURLToPath(new URL('../assessments/first-pod/reference/my-pod.yaml', import.meta.url)),
  'utf8',
);
const answers = { 'pending-causes': 'FailedScheduling for lack of CPU, or ErrImagePull' };

/** A learner's own kubectl calls meet the faults too: they try again, as a person would. */
async function persist(work: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; ; attempt += 1) {
    try {
      await work();
      return;
    } catch (error) {
      // A create whose answer was lost (a dropped connection) did happen: 409 on the retry.
      if ((error as { code?: number }).code === 409) return;
      if (attempt > 200) throw error;
      await sleep(200);
    }
  }
}

async function callApi(method: string, path: string, body?: unknown) {
  for (;;) {
    try {
      const response = await fetch(`http://127.0.0.1:${apiPort}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${key}`,
          'content-type': 'application/json',
          ...(body === undefined
            ? {}
            : { 'idempotency-key': (body as { learnerId: string }).learnerId }),
        },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(15_000),
      });
      if (response.status === 429 || response.status >= 500) {
        const retryAfter = Number(response.headers.get('retry-after') ?? 1);
        await sleep(Math.min(5, retryAfter) * 1000);
        continue;
      }
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    } catch {
      await sleep(500); // the API is restarting or unreachable: an LMS tries again
    }
  }
}

const outcome = { submitted: 0, refused: 0 };
const attemptIds: string[] = [];
/** Where each learner is, so a soak that does not finish says who is stuck and where. */
const stages = new Map<number, string>();
const progress = setInterval(() => {
  const counts: Record<string, number> = {};
  for (const stage of stages.values()) counts[stage] = (counts[stage] ?? 0) + 1;
  log(`learners: ${JSON.stringify(counts)}`);
}, 10_000);

async function playLearner(index: number): Promise<void> {
  stages.set(index, 'applying');
  await playLearnerSteps(index);
  stages.set(index, 'done');
}

async function playLearnerSteps(index: number): Promise<void> {
  const namespace = `learner-${index}`;
  const pod = load(manifest) as k8s.V1Pod;
  await persist(() => kube.createNamespace({ body: { metadata: { name: namespace } } }));
  await persist(() => kube.createNamespacedPod({ namespace, body: pod }));
  await persist(async () => {
    const current = await kube.readNamespacedPod({ namespace, name: 'my-pod' });
    if (current.status?.phase !== 'Running') throw new Error('not running yet');
  });
  stages.set(index, 'submitting');
  const posted = await callApi('POST', '/v1/attempts', {
    assessmentId: 'first-pod',
    learnerId: `soak-learner-${index}`,
    courseId: 'soak',
    manifest,
    answers,
    cluster: { kubeconfig: readOnly, namespace },
  });
  if (posted.status !== 202) {
    outcome.refused += 1;
    return;
  }
  outcome.submitted += 1;
  const id = String(posted.body.id);
  attemptIds.push(id);
  stages.set(index, 'following');
  for (;;) {
    const view = await callApi('GET', `/v1/attempts/${id}`);
    if (view.status !== 200)
      throw new Error(`GET attempt: ${view.status} ${JSON.stringify(view.body)}`);
    const nextStep = view.body.nextStep as { action?: string } | string | null | undefined;
    const deleteNow =
      nextStep === 'delete-pod' ||
      (typeof nextStep === 'object' && nextStep?.action === 'delete-pod');
    if (deleteNow) break;
    if (view.body.status === 'graded' || view.body.status === 'not_gradable') return;
    await sleep(500);
  }
  stages.set(index, 'deleting');
  await persist(async () => {
    try {
      await kube.deleteNamespacedPod({ namespace, name: 'my-pod' });
    } catch (error) {
      if ((error as { code?: number }).code !== 404) throw error;
    }
  });
}

// --- chaos ------------------------------------------------------------------------------------

let learnersActive = true;
let chaosRounds = 0;
const learnersDone = () => [...stages.values()].filter((stage) => stage === 'done').length;
/** Resolves once the given share of learners is done (or all of them have stopped). */
async function untilDone(share: number): Promise<void> {
  while (learnersActive && learnersDone() < share * learners) await sleep(500);
}
/**
 * The harm, spread over the learners' work so that each blow lands on attempts in every stage:
 * a round SIGKILLs a worker, then restarts Redis with its data lost, then stops PostgreSQL for
 * 20 s. `--rounds N` repeats the round N times across the run (the default is once).
 */
const chaos = (async () => {
  for (let round = 1; round <= rounds; round += 1) {
    const start = (round - 1) / rounds;
    const step = 1 / rounds / 4;
    await untilDone(start + step);
    if (!learnersActive) break;
    chaosRounds = round;
    log(`round ${round}: SIGKILL worker A`);
    workerA.kill('SIGKILL');
    await sleep(3_000);
    workerA = service('worker/main.ts', 'worker A (restarted)');
    await untilDone(start + 2 * step);
    log(`round ${round}: Redis restarted, its data lost`);
    await stopRedis();
    await sleep(2_000);
    startRedis();
    await untilDone(start + 3 * step);
    log(`round ${round}: PostgreSQL stopped for 20 s`);
    stopPostgres();
    postgresRunning = false;
    await sleep(20_000);
    startPostgres();
    postgresRunning = true;
    log(`round ${round}: PostgreSQL back`);
  }
})();

log(`${learners} learners start (${parallel} at a time)`);
let next = 0;
await Promise.all(
  Array.from({ length: parallel }, async () => {
    while (next < learners) {
      const index = next++;
      await playLearner(index);
    }
  }),
);
clearInterval(progress);
learnersActive = false;
await chaos;
log('every learner is done; waiting for the last grades');

const db = new pg.Client({ connectionString: databaseUrl });
await db.connect();
const deadline = Date.now() + 15 * 60_000;
for (;;) {
  const { rows } = await db.query<{ n: string }>(
    `SELECT count(*) AS n FROM attempts WHERE status IN ('queued', 'running')`,
  );
  if (Number(rows[0]?.n) === 0 || Date.now() > deadline) break;
  await sleep(2_000);
}
const { rows } = await db.query<{
  id: string;
  status: string;
  score: string | null;
  max_score: string | null;
  not_gradable_reason: string | null;
  not_gradable_code: string | null;
}>(`SELECT id, status, score, max_score, not_gradable_reason, not_gradable_code FROM attempts`);
// The outbox holds one attempt.graded event per grading that was saved: more than one for an
// attempt means it was graded twice (the log count above misses a run killed after saving).
const { rows: eventsTwice } = await db.query<{ n: string }>(
  `SELECT count(*) AS n FROM (SELECT attempt_id FROM attempt_events WHERE type = 'attempt.graded'
     GROUP BY attempt_id HAVING count(*) > 1) twice`,
);
// What kept correct learners below full marks, grouped, so a failed soak says where to look.
const { rows: shortfalls } = await db.query<{
  check_id: string;
  outcome: string;
  message: string;
  n: string;
}>(
  `SELECT c.check_id, c.outcome, left(c.message, 160) AS message, count(*) AS n
     FROM check_results c JOIN attempts a ON a.id = c.attempt_id
    WHERE a.status = 'graded' AND c.outcome <> 'passed'
    GROUP BY 1, 2, 3 ORDER BY count(*) DESC LIMIT 20`,
);
await db.end();

function countBy(keys: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
  return counts;
}
const byId = new Map(rows.map((row) => [row.id, row]));
const graded = rows.filter((row) => row.status === 'graded');
const notGradable = rows.filter((row) => row.status === 'not_gradable');
const result = {
  benchmark: 'soak-correct-learners-under-faults',
  learners,
  simulatedTimeSpeed: speed,
  submitted: outcome.submitted,
  refusedSubmissions: outcome.refused,
  graded: graded.length,
  notGradable: notGradable.length,
  notGradableWithoutReason: notGradable.filter((row) => !row.not_gradable_reason).length,
  notGradableReasons: [
    ...countBy(
      notGradable.map(
        (row) => `${row.not_gradable_code}: ${row.not_gradable_reason?.slice(0, 200)}`,
      ),
    ),
  ].map(([reason, count]) => ({ reason, count })),
  shortfalls: shortfalls.map((row) => ({ ...row, n: Number(row.n) })),
  logs: logsDir,
  lost: attemptIds.filter((id) => {
    const row = byId.get(id);
    return row === undefined || row.status === 'queued' || row.status === 'running';
  }).length,
  gradedTwice: Math.max(
    [...finishedLines.values()].filter((count) => count > 1).length,
    Number(eventsTwice[0]?.n ?? 0),
  ),
  chaosRounds,
  correctLearnersBelowFullMarks: graded.filter((row) => Number(row.score) < Number(row.max_score))
    .length,
  faults:
    'about 20% of cluster requests: 429, 500, 503, dropped connections, 1.5 s latency; 20% of watches closed early',
  chaos: [
    'worker SIGKILLed and restarted',
    'Redis restarted with data lost',
    'PostgreSQL stopped 20 s',
  ],
  seconds: Math.round((Date.now() - started) / 1000),
  machine: { cpus: cpus().length, loadavg: loadavg() },
  node: process.version,
  measuredAt: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}soak.json`, `${JSON.stringify(result, null, 2)}\n`);

for (const child of [api, workerA, workerB]) child.kill('SIGTERM');
await sleep(2_000);
for (const child of [api, workerA, workerB]) child.kill('SIGKILL');
await cluster.stop();
await stopRedis();
const failed =
  result.lost > 0 ||
  result.gradedTwice > 0 ||
  result.correctLearnersBelowFullMarks > 0 ||
  result.notGradableWithoutReason > 0;
process.exit(failed ? 1 : 0);
