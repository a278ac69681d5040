/**
 * Grading CPU per attempt, side by side with the naive anchor (bench/kubectl-per-check.sh: one
 * kubectl process per check) against the same simulated cluster in the same run. A learner
 * (kubectl) applies my-pod in a namespace of its own, submits through the real API, deletes the
 * Pod once the grader recorded the running moment; a real worker process grades. The figure is
 * the worker process's CPU per attempt, read from /proc, so the machine's load does not enter it.
 *
 *   npm run bench:grading [-- --attempts 16 --warm-up 3 --anchor-runs 3 --profile]
 * --profile runs the worker under `node --cpu-prof` and writes the top functions of the measured
 * attempts (warm-up excluded) into the result.
 * Target: the worker's CPU per attempt at least 50x below the anchor's. The steady-state figure
 * is the worker's CPU over the measured attempts, after warm-up attempts have compiled the hot
 * code; the total (start-up and warm-up included, over every attempt) and what the worker spends
 * idle (timers, polling) are reported beside it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { migrateDatabase } from '../src/db/migrator.js';
import { createLogger } from '../src/logging/logger.js';
import { mainThreadCpuMs, processCpuMs, writeBenchResult } from './support/bench-result.js';
import { createBenchTenantKey } from './support/bench-tenant.js';
import { findCpuProfile, summarizeCpuProfile } from './support/cpu-profile.js';
import { serviceCommand } from './support/service-entry.js';

const { values } = parseArgs({
  options: {
    attempts: { type: 'string', default: '16' },
    'warm-up': { type: 'string', default: '3' },
    'anchor-runs': { type: 'string', default: '3' },
    speed: { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
  },
});
const attempts = Number(values.attempts);
const warmUps = Math.max(1, Number(values['warm-up']));
const anchorRuns = Number(values['anchor-runs']);
const speed = Number(values.speed);
const work = mkdtempSync(join(tmpdir(), 'kubegrade-grading-bench-'));
const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kubegrade';
const databaseName = `kubegrade_bench_${randomUUID().slice(0, 8)}`;
const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
const apiPort = 20_000 + Math.floor(Math.random() * 20_000);
const simPort = apiPort + 1;
const base = `http://127.0.0.1:${apiPort}`;
const metricsPort = apiPort + 2;
const children: ChildProcess[] = [];
let compiled = true;

function start(
  entry: string,
  args: string[],
  env: Record<string, string> = {},
  nodeOptions: string[] = [],
): ChildProcess {
  const command = serviceCommand(entry, nodeOptions);
  compiled &&= command.compiled;
  const child = spawn(command.command, [...command.args, ...args], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      LOG_LEVEL: 'warn',
      QUEUE_NAME: `bench-grading-${process.pid}`,
      OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
      GRADING_TIME_SCALE: String(speed),
      RATE_LIMIT_PER_KEY: '100000',
      RATE_LIMIT_PER_TENANT: '100000',
      RATE_LIMIT_CONCURRENT_PER_KEY: '10000',
      ...env,
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  return child;
}

/** Requests the worker made to learners' clusters so far, from its /metrics. */
async function clusterRequests(): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
  return [...text.matchAll(/^kubegrade_cluster_requests_total\{[^}]*\} (\d+)/gm)].reduce(
    (sum, [, value]) => sum + Number(value),
    0,
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const adminKubeconfig = join(work, 'admin.kubeconfig');
const readOnlyKubeconfig = join(work, 'read-only.kubeconfig');
function kubectl(...args: string[]) {
  return kubectlWithInput(undefined, ...args);
}
function kubectlWithInput(input: string | undefined, ...args: string[]) {
  const result = spawnSync('kubectl', ['--kubeconfig', adminKubeconfig, ...args], {
    encoding: 'utf8',
    ...(input === undefined ? {} : { input }),
  });
  if (result.status !== 0) throw new Error(`kubectl ${args.join(' ')}: ${result.stderr}`);
  return result.stdout;
}
async function learnerApplies(namespace: string) {
  // Applied as JSON: `kubectl create namespace` sends protobuf, which the simulated cluster
  // decodes only for the kinds the grader reads.
  kubectlWithInput(
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } }),
    'apply',
    '-f',
    '-',
  );
  kubectl('apply', '-n', namespace, '-f', 'assessments/first-pod/reference/my-pod.yaml');
  kubectl(
    'wait',
    '-n',
    namespace,
    '--for=jsonpath={.status.phase}=Running',
    'pod/my-pod',
    '--timeout=60s',
  );
}

try {
  await migrateDatabase({ databaseUrl, logger: createLogger({ level: 'warn', name: 'bench' }) });
  start('sim/main.ts', [
    '--kubeconfig',
    adminKubeconfig,
    '--read-only-kubeconfig',
    readOnlyKubeconfig,
    '--port',
    String(simPort),
    '--speed',
    String(speed),
  ]);
  start('src/http/main.ts', [], { PORT: String(apiPort), HOST: '127.0.0.1' });
  const worker = start(
    'worker/main.ts',
    [],
    { METRICS_PORT: String(metricsPort), HOST: '127.0.0.1', WORKER_CONCURRENCY: '16' },
    values.profile ? ['--cpu-prof', `--cpu-prof-dir=${work}`] : [],
  );
  const { headers } = await createBenchTenantKey(databaseUrl, `bench-grading-${process.pid}`);
  while (!existsSync(readOnlyKubeconfig)) await pause(100);
  while (
    !(await fetch(`${base}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await pause(200);
  const manifest = readFileSync('assessments/first-pod/reference/my-pod.yaml', 'utf8');
  const kubeconfig = readFileSync(readOnlyKubeconfig, 'utf8');

  const gradeOne = async (namespace: string) => {
    await learnerApplies(namespace);
    const posted = await fetch(`${base}/v1/attempts`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        assessmentId: 'first-pod',
        learnerId: 'bench',
        manifest,
        answers: { 'pending-causes': 'FailedScheduling for lack of CPU, or ErrImagePull' },
        cluster: { kubeconfig, namespace },
      }),
    });
    const { id } = (await posted.json()) as { id: string };
    type View = {
      status: string;
      score: number | null;
      maxScore: number | null;
      checks: Array<{ id: string }>;
    };
    const read = async () =>
      (await (await fetch(`${base}/v1/attempts/${id}`, { headers })).json()) as View;
    while (!(await read()).checks.some((check) => check.id === 'pod-is-bare')) await pause(50);
    kubectl('delete', '-n', namespace, 'pod/my-pod', '--wait=false');
    let view = await read();
    while (view.status === 'queued' || view.status === 'running') {
      await pause(100);
      view = await read();
    }
    if (view.status !== 'graded' || view.score !== view.maxScore)
      throw new Error(`attempt ${id} ended ${view.status} ${view.score}/${view.maxScore}`);
  };

  while (
    !(await fetch(`http://127.0.0.1:${metricsPort}/readyz`).then(
      (r) => r.ok,
      () => false,
    ))
  )
    await pause(200);
  await pause(2_000); // the start-up's last compiles and collections
  // What the worker spends doing nothing (timers, queue polling), over a few idle seconds.
  const idleCpuBefore = processCpuMs(worker.pid!);
  const idleStarted = performance.now();
  await pause(5_000);
  const idleCpuMsPerSecond =
    ((processCpuMs(worker.pid!) - idleCpuBefore) * 1000) / (performance.now() - idleStarted);

  // JIT, pools, the sim's first namespaces.
  for (let i = 0; i < warmUps; i += 1) await gradeOne(`warm-up-${i}`);
  const requestsBefore = await clusterRequests();
  const cpuBefore = processCpuMs(worker.pid!);
  const mainBefore = mainThreadCpuMs(worker.pid!);
  const monotonicUs = () => Number(process.hrtime.bigint() / 1000n);
  const windowFromUs = monotonicUs();
  const started = performance.now();
  for (let i = 0; i < attempts; i += 1) await gradeOne(`bench-${i}`);
  const windowToUs = monotonicUs();
  const workerCpuMs = processCpuMs(worker.pid!) - cpuBefore;
  const workerMainThreadCpuMs = mainThreadCpuMs(worker.pid!) - mainBefore;
  const workerTotalCpuMs = processCpuMs(worker.pid!);
  const wallMs = performance.now() - started;
  const requestsPerAttempt = (await clusterRequests()) - requestsBefore;

  // The anchor, against the same cluster: one kubectl per check.
  const anchorCpuMs: number[] = [];
  for (let i = 0; i < anchorRuns; i += 1) {
    const namespace = `anchor-${i}`;
    await learnerApplies(namespace);
    const ready = join(work, `ready-${i}`);
    const script = spawn('bash', ['bench/kubectl-per-check.sh', namespace], {
      env: { ...process.env, KUBECONFIG: readOnlyKubeconfig, READY_FILE: ready },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let output = '';
    script.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const done = new Promise((resolve) => script.once('exit', resolve));
    while (!existsSync(ready)) await pause(50);
    kubectl('delete', '-n', namespace, 'pod/my-pod', '--wait=false');
    await done;
    // `times` prints the shell's own times, then its children's: "0m1.234s 0m0.456s".
    const children = output.trim().split('\n').at(-1) ?? '';
    const seconds = [...children.matchAll(/(\d+)m([\d.]+)s/g)].map(
      ([, m, s]) => Number(m) * 60 + Number(s),
    );
    anchorCpuMs.push(Math.round((seconds[0]! + seconds[1]!) * 1000));
  }
  const perAttempt = workerCpuMs / attempts;
  worker.kill('SIGTERM'); // writes its CPU profile, when asked for one
  await new Promise((resolve) => worker.once('exit', resolve));
  const profileFile = values.profile ? findCpuProfile(work) : undefined;
  if (profileFile) {
    const kept = join(tmpdir(), `kubegrade-grading-worker-${process.pid}.cpuprofile`);
    copyFileSync(profileFile, kept);
    console.log(`worker CPU profile: ${kept}`);
  }
  const anchorPerAttempt = anchorCpuMs.reduce((a, b) => a + b, 0) / anchorCpuMs.length;
  writeBenchResult('grading-cpu', {
    attempts,
    compiled,
    simulatedTimeSpeed: speed,
    warmUpAttempts: warmUps,
    workerCpuMsPerAttempt: +perAttempt.toFixed(1),
    workerMainThreadCpuMsPerAttempt: +(workerMainThreadCpuMs / attempts).toFixed(1),
    workerIdleCpuMsPerSecond: +idleCpuMsPerSecond.toFixed(2),
    workerIdleCpuMsPerAttempt: +((idleCpuMsPerSecond * wallMs) / 1000 / attempts).toFixed(1),
    workerTotalCpuMsPerAttempt: +(workerTotalCpuMs / (attempts + warmUps)).toFixed(1),
    kubernetesRequestsPerAttempt: +(requestsPerAttempt / attempts).toFixed(1),
    wallMsPerAttempt: Math.round(wallMs / attempts),
    anchorKubectlCpuMsPerAttempt: Math.round(anchorPerAttempt),
    anchorRuns: anchorCpuMs,
    timesBelowAnchor: +(anchorPerAttempt / perAttempt).toFixed(1),
    timesBelowAnchorCountingStartUp: +(
      anchorPerAttempt /
      (workerTotalCpuMs / (attempts + warmUps))
    ).toFixed(1),
    target: 'worker CPU per attempt >= 50x below the kubectl-per-check anchor',
    ...(profileFile
      ? {
          workerCpuProfile: {
            ...summarizeCpuProfile(profileFile, 20, { fromUs: windowFromUs, toUs: windowToUs }),
            covers: 'the measured attempts only (start-up, idle time and warm-up excluded)',
            windowUs: { fromUs: windowFromUs, toUs: windowToUs },
          },
        }
      : {}),
    note: "CPU is read from /proc for the worker process and from bash's `times` for the anchor's kubectl children, so the machine's load changes wall time, not these figures (much). workerCpuMsPerAttempt is the steady state: the worker's CPU over the measured attempts after the warm-up ones, idle timers included (workerIdleCpuMsPerAttempt of it); workerTotalCpuMsPerAttempt divides the process's whole CPU, start-up included, by every attempt it graded.",
  });
} finally {
  for (const child of children) child.kill('SIGTERM');
  await Promise.all(
    children.map((child) =>
      child.exitCode === null && child.signalCode === null
        ? new Promise((r) => child.once('exit', r))
        : null,
    ),
  );
  rmSync(work, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}
