/**
 * Intake: POST /v1/attempts (without and with a learner kubeconfig) and GET of a graded attempt,
 * driven by autocannon in a process of its own (50 connections, loopback) against a real API
 * process started here, with its own database, queue, tenant and API key (made the way the CLI
 * and the demo make them). Reports requests/s and latency percentiles and, the figure that
 * survives a loaded machine, the API process's CPU milliseconds per request, beside where the
 * rest of the two cores went per request (autocannon, this database's PostgreSQL backends, the
 * shared Redis server, other processes).
 *
 *   npm run bench:intake [-- --seconds 10 --profile --rate 600]
 * --profile runs the API under `node --cpu-prof` and writes its top functions into the result.
 * --rate offers a fixed rate instead of as fast as answers come (compare CPU per request at
 * equal batching). BENCH_LOG_LEVEL sets the API's LOG_LEVEL (warn by default).
 * Targets: >= 1,500 POST/s with p99 <= 50 ms; GET >= 3,000/s.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { startSimulatedCluster } from '../sim/start-simulated-cluster.js';
import { migrateDatabase } from '../src/db/migrator.js';
import { createLogger } from '../src/logging/logger.js';
import { createBenchTenantKey } from './support/bench-tenant.js';
import {
  machineBusyCpuMs,
  machineLoad,
  processCpuMs,
  processTreeCpuMs,
  writeBenchResult,
} from './support/bench-result.js';
import { findCpuProfile, summarizeCpuProfile } from './support/cpu-profile.js';
import { serviceCommand } from './support/service-entry.js';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '50' },
    profile: { type: 'boolean', default: false },
    // A fixed offered rate (requests/s over all connections) instead of as fast as it answers:
    // CPU per request then compares across changes at equal batching, whatever the load.
    rate: { type: 'string' },
  },
});
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const adminUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/kubegrade';
const databaseName = `kubegrade_bench_${randomUUID().slice(0, 8)}`;
const databaseUrl = adminUrl.replace(/\/[^/]*$/, `/${databaseName}`);
const port = 20_000 + Math.floor(Math.random() * 20_000);
const base = `http://127.0.0.1:${port}`;
const work = mkdtempSync(join(tmpdir(), 'kubegrade-intake-bench-'));

await migrateDatabase({ databaseUrl, logger: createLogger({ level: 'warn', name: 'bench' }) });
const { headers } = await createBenchTenantKey(databaseUrl, `bench-intake-${process.pid}`);
// Only its kubeconfig is used: submitting vets it (CA, address) but does not call the cluster.
const cluster = await startSimulatedCluster({ speed: 1 });

const api = serviceCommand(
  'src/http/main.ts',
  values.profile ? ['--cpu-prof', `--cpu-prof-dir=${work}`] : [],
);
const apiProcess = spawn(api.command, api.args, {
  env: {
    ...process.env,
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
    QUEUE_NAME: `bench-intake-${process.pid}`,
    DATABASE_POOL_SIZE: '20',
    OUTBOUND_ALLOW_CIDRS: '127.0.0.1/32',
    // One tenant plays a whole class here; the per-key limits are for real integrators.
    RATE_LIMIT_PER_KEY: '1000000',
    RATE_LIMIT_PER_TENANT: '1000000',
    RATE_LIMIT_CONCURRENT_PER_KEY: '10000',
  },
  stdio: ['ignore', 'ignore', 'inherit'],
});
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
  const submission = {
    assessmentId: 'first-pod',
    learnerId: 'bench-learner',
    courseId: 'bench',
    manifest,
    answers: { 'pending-causes': 'FailedScheduling for lack of CPU, or ErrImagePull' },
  };
  const body = JSON.stringify({ ...submission, gradeWithoutCluster: true });
  const bodyWithCluster = JSON.stringify({
    ...submission,
    cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }), namespace: 'learner' },
  });
  const post = await measure('POST /v1/attempts', { method: 'POST', path: '/v1/attempts', body });
  const postWithCluster = await measure('POST /v1/attempts with a kubeconfig', {
    method: 'POST',
    path: '/v1/attempts',
    body: bodyWithCluster,
  });

  // A graded attempt to read: mark one graded directly, as a worker would have left it.
  const created = await fetch(`${base}/v1/attempts`, { method: 'POST', headers, body });
  if (created.status !== 202) throw new Error(`POST answered ${created.status}`);
  const { id } = (await created.json()) as { id: string };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    `UPDATE attempts SET status = 'graded', score = 3, max_score = 10, passed = false, finished_at = now() WHERE id = $1`,
    [id],
  );
  await client.end();
  const get = await measure('GET /v1/attempts/:id (graded)', {
    method: 'GET',
    path: `/v1/attempts/${id}`,
  });

  apiProcess.kill('SIGTERM');
  await new Promise((resolve) => apiProcess.once('exit', resolve));
  const profileFile = values.profile ? findCpuProfile(work) : undefined;
  if (profileFile) {
    // Kept outside the work directory for a closer look (npx tsx bench/cpu-profile-top.ts).
    const kept = join(tmpdir(), `kubegrade-intake-api-${process.pid}.cpuprofile`);
    copyFileSync(profileFile, kept);
    console.log(`API CPU profile: ${kept}`);
  }
  writeBenchResult('intake', {
    seconds,
    connections,
    loadGenerator: 'autocannon CLI in its own process, loopback',
    compiled: api.compiled,
    ...(values.rate === undefined ? {} : { offeredRatePerSecond: Number(values.rate) }),
    post: { ...post, targetPerSecond: 1500, targetP99Ms: 50 },
    postWithKubeconfig: postWithCluster,
    getGraded: { ...get, targetPerSecond: 3000 },
    ...(profileFile
      ? { apiCpuProfile: { ...summarizeCpuProfile(profileFile, 20), covers: 'the whole run' } }
      : {}),
    note: 'The machine is shared (see loadavg, machineBusyPercent and cpuMsPerRequest.otherProcesses beside each figure): requests per second fall with its load; API CPU ms per request is the steadier figure (it still rises when batching falls: compare runs at one --rate). On a free core the attainable rate of one API process is about 1000 / apiCpuMsPerRequest; on this machine the two cores are shared by the API, PostgreSQL, Redis, autocannon and the other sessions, so a rate is bound by 2000 / cpuMsPerRequest.machineBusy.',
  });
} finally {
  if (apiProcess.exitCode === null && apiProcess.signalCode === null) {
    apiProcess.kill('SIGTERM');
    await new Promise((resolve) => apiProcess.once('exit', resolve));
  }
  await cluster.stop();
  rmSync(work, { recursive: true, force: true });
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS "${databaseName}" WITH (FORCE)`);
  await admin.end();
}

interface AutocannonJson {
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
  /** The autocannon process's own CPU time (ms). */
  cpuMs: number;
}

/** Runs the autocannon CLI in a process of its own and returns its JSON summary. */
function autocannon(
  request: { method: 'POST' | 'GET'; path: string; body?: string },
  duration: number,
): Promise<AutocannonJson> {
  const args = [
    'node_modules/autocannon/autocannon.js',
    '--json',
    '--no-progress',
    '-c',
    String(connections),
    '-d',
    String(duration),
    '-m',
    request.method,
    ...(values.rate === undefined ? [] : ['--overallRate', values.rate]),
    ...Object.entries(headers).flatMap(([name, value]) => ['-H', `${name}=${value}`]),
  ];
  if (request.body !== undefined) {
    const file = join(work, `body-${randomUUID()}.json`);
    writeFileSync(file, request.body);
    args.push('-i', file);
  }
  args.push(`${base}${request.path}`);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  // Its CPU is read while it runs (a process that has exited has none left to read).
  let cpuMs = 0;
  const sampler = setInterval(() => {
    try {
      cpuMs = processCpuMs(child.pid!);
    } catch {
      // Exited between two samples: the last reading stands.
    }
  }, 100);
  return new Promise((resolve, reject) => {
    child.stdout.once('end', () => {
      try {
        cpuMs = processCpuMs(child.pid!);
      } catch {
        // Already gone.
      }
    });
    child.once('exit', (code) => {
      clearInterval(sampler);
      if (code !== 0) return reject(new Error(`autocannon exited ${code}`));
      resolve({ ...(JSON.parse(output) as AutocannonJson), cpuMs });
    });
  });
}

/** The PostgreSQL backends serving the bench's database (the API's pool), by pid. */
async function databaseBackendPids(): Promise<number[]> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ pid: number }>(
      'SELECT pid FROM pg_stat_activity WHERE datname = $1',
      [databaseName],
    );
    return rows.map((row) => row.pid);
  } finally {
    await admin.end();
  }
}

function cpuOfPids(pids: number[]): Map<number, number> {
  const cpu = new Map<number, number>();
  for (const pid of pids) {
    try {
      cpu.set(pid, processCpuMs(pid));
    } catch {
      // Ended.
    }
  }
  return cpu;
}

/** The shared redis-server's pid (other sessions use it too: its CPU is an upper bound). */
function redisServerPid(): number | undefined {
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'redis-server')
        return Number(entry);
    } catch {
      // Ended while listed.
    }
  }
  return undefined;
}

async function measure(
  label: string,
  request: { method: 'POST' | 'GET'; path: string; body?: string },
) {
  await autocannon(request, 2); // warm-up: JIT, pool connections
  const redisPid = redisServerPid();
  const backendsBefore = cpuOfPids(await databaseBackendPids());
  const redisBefore = redisPid === undefined ? 0 : processCpuMs(redisPid);
  const machineBefore = machineBusyCpuMs();
  const cpuBefore = processTreeCpuMs(apiProcess.pid!);
  const result = await autocannon(request, seconds);
  const cpuMs = processTreeCpuMs(apiProcess.pid!) - cpuBefore;
  const machineMs = machineBusyCpuMs() - machineBefore;
  const redisMs = redisPid === undefined ? 0 : processCpuMs(redisPid) - redisBefore;
  let postgresMs = 0;
  for (const [pid, after] of cpuOfPids(await databaseBackendPids())) {
    postgresMs += after - (backendsBefore.get(pid) ?? 0);
  }
  const completed = result.requests.total;
  const perRequest = (ms: number) => +(ms / Math.max(1, completed)).toFixed(3);
  const figures = {
    requestsPerSecond: Math.round(result.requests.average),
    completed,
    non2xx: result.non2xx,
    errors: result.errors,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, max: result.latency.max },
    apiCpuMsPerRequest: perRequest(cpuMs),
    requestsPerApiCpuSecond: Math.round((completed * 1000) / Math.max(1, cpuMs)),
    // Where the rest of the machine's two cores went, per request: the load generator, this
    // database's PostgreSQL backends, the (shared) Redis server, and everything else running.
    cpuMsPerRequest: {
      api: perRequest(cpuMs),
      autocannon: perRequest(result.cpuMs),
      postgresBackends: perRequest(postgresMs),
      redisServerShared: perRequest(redisMs),
      otherProcesses: perRequest(machineMs - cpuMs - result.cpuMs - postgresMs - redisMs),
      machineBusy: perRequest(machineMs),
    },
    machineBusyPercent: Math.round((100 * machineMs) / (seconds * 1000 * cpus().length)),
    loadavg: machineLoad().loadavg,
  };
  console.log(label, figures);
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
  }
  return figures;
}
