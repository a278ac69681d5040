/**
 * How much CPU the simulated cluster spends per API request when it holds many namespaces,
 * each with a Pod and an open watch (issue 11's target: 1,000 namespaces at <= 5 ms per request).
 *
 * The cluster runs in a process of its own (`sim/main.ts`), so its CPU is measured alone, with
 * `process.cpuUsage()` read through `GET /_sim/process` before and after a bounded run:
 * per namespace, create the namespace, create an nginx Pod, open a watch on the namespace's
 * Pods from the namespace's resourceVersion (so it replays that namespace's history), wait until
 * every watch has seen its Pod Running, then get each Pod once. The controllers' own writes
 * (scheduling, kubelet status) are part of the CPU measured, as they are on a real cluster.
 *
 *   npm run bench:sim [-- --namespaces 1000 --cpu-prof <dir>]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { load } from 'js-yaml';

const { values } = parseArgs({
  options: {
    namespaces: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '16' },
    'cpu-prof': { type: 'string' },
    'timeout-seconds': { type: 'string', default: '300' },
  },
});
const namespaces = Number(values.namespaces);
const concurrency = Number(values.concurrency);
const timeoutMs = Number(values['timeout-seconds']) * 1000;
const TARGET_MS_PER_REQUEST = 5;

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const work = mkdtempSync(join(tmpdir(), 'kubegrade-bench-sim-'));
const kubeconfigPath = join(work, 'kubeconfig');

// Speed 20: a Pod reaches Running in ~0.2 s of wall time (sandbox + pull of nginx).
const nodeArgs = [
  '--import',
  'tsx',
  ...(values['cpu-prof'] ? ['--cpu-prof', '--cpu-prof-dir', values['cpu-prof']] : []),
  'sim/main.ts',
  '--kubeconfig',
  kubeconfigPath,
  '--speed',
  '20',
  // 110 pods per node, like a kubelet's default maxPods.
  '--nodes',
  String(Math.ceil((namespaces + 1) / 100)),
];
const sim = spawn(process.execPath, nodeArgs, {
  cwd: repoRoot,
  stdio: ['ignore', 'pipe', 'inherit'],
});
await new Promise<void>((resolve, reject) => {
  let out = '';
  sim.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    if (out.includes('kubeconfig written')) {
      sim.stdout.removeAllListeners('data');
      sim.stdout.resume();
      resolve();
    }
  });
  sim.once('exit', (code) => reject(new Error(`the simulated cluster exited early (${code})`)));
});

const kubeconfig = load(readFileSync(kubeconfigPath, 'utf8')) as {
  clusters: Array<{ cluster: { server: string; 'certificate-authority-data': string } }>;
  users: Array<{ user: { token: string } }>;
};
const server = kubeconfig.clusters[0]?.cluster.server ?? '';
const ca = Buffer.from(
  kubeconfig.clusters[0]?.cluster['certificate-authority-data'] ?? '',
  'base64',
).toString();
const token = kubeconfig.users[0]?.user.token ?? '';
const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca });
const watchAgent = new Agent({ keepAlive: false, maxSockets: Infinity, ca });

let requests = 0;
function call(method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  requests += path.startsWith('/_sim') ? 0 : 1;
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      new URL(path, server),
      {
        method,
        agent,
        headers: {
          Authorization: `Bearer ${token}`,
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          if ((res.statusCode ?? 0) >= 300)
            reject(new Error(`${method} ${path}: ${res.statusCode} ${text}`));
          else resolve(JSON.parse(text) as Record<string, unknown>);
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

interface Usage {
  cpuUsage: { user: number; system: number };
  memory: { rss: number; heapUsed: number };
}
const usage = async (): Promise<Usage> => (await call('GET', '/_sim/process')) as never;

/**
 * Opens a watch and resolves `running` once an event shows the Pod Running. A watch whose
 * resourceVersion has left the cluster's history ends with an ERROR 410; like client-go's
 * reflector, the bench then lists the namespace's Pods and watches again from the list's
 * resourceVersion (both requests counted).
 */
function openWatch(
  ns: string,
  resourceVersion: string,
): { running: Promise<void>; events: () => number } {
  let events = 0;
  const running = new Promise<void>((resolve, reject) => {
    const watchFrom = (rv: string): void => {
      requests += 1;
      const req = request(
        new URL(`/api/v1/namespaces/${ns}/pods?watch=1&resourceVersion=${rv}`, server),
        { agent: watchAgent, headers: { Authorization: `Bearer ${token}` } },
        (res) => {
          let buffer = '';
          res.on('data', (chunk: Buffer) => {
            buffer += chunk.toString();
            let nl: number;
            while ((nl = buffer.indexOf('\n')) >= 0) {
              const line = buffer.slice(0, nl);
              buffer = buffer.slice(nl + 1);
              events += 1;
              const event = JSON.parse(line) as {
                type: string;
                object: { status?: { phase?: string }; code?: number };
              };
              if (event.type === 'ERROR') {
                watchErrors.push(event.object.code ?? 0);
                relist().catch(reject);
              } else if (event.object.status?.phase === 'Running') resolve();
            }
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end();
    };
    const relist = async (): Promise<void> => {
      const list = await call('GET', `/api/v1/namespaces/${ns}/pods`);
      const items = list.items as Array<{ status?: { phase?: string } }>;
      if (items.some((pod) => pod.status?.phase === 'Running')) resolve();
      else watchFrom((list.metadata as { resourceVersion: string }).resourceVersion);
    };
    watchFrom(resourceVersion);
  });
  return { running, events: () => events };
}

async function pool<T>(count: number, run: (i: number) => Promise<T>): Promise<T[]> {
  const out: T[] = new Array<T>(count);
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        out[i] = await run(i);
      }
    }),
  );
  return out;
}

let running = 0;
/** Status codes of watches that ended with an ERROR event (410: their resourceVersion expired). */
const watchErrors: number[] = [];
const deadline = setTimeout(() => {
  // A bound, not a target: report how far it got, then stop the cluster (writing its profile).
  void usage().then((now) => {
    const cpuMs = cpuMsBetween(before, now);
    console.error(
      `bench did not finish within ${timeoutMs / 1000} s: ${running}/${namespaces} Pods seen Running, ` +
        `${requests} requests, ${cpuMs.toFixed(0)} ms of cluster CPU (${(cpuMs / requests).toFixed(1)} ms per request), ` +
        `${watchErrors.length} watches ended with ERROR (${[...new Set(watchErrors)].join(', ')})`,
    );
    sim.once('exit', () => process.exit(1));
    sim.kill('SIGTERM');
  });
}, timeoutMs);

function cpuMsBetween(a: Usage, b: Usage): number {
  return (b.cpuUsage.user + b.cpuUsage.system - a.cpuUsage.user - a.cpuUsage.system) / 1000;
}

const before = await usage();
const started = performance.now();
const watches = await pool(namespaces, async (i) => {
  const ns = `bench-${i}`;
  const created = await call('POST', '/api/v1/namespaces', { metadata: { name: ns } });
  const rv = (created.metadata as { resourceVersion: string }).resourceVersion;
  await call('POST', `/api/v1/namespaces/${ns}/pods`, {
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] },
  });
  return openWatch(ns, rv);
});
await Promise.all(watches.map((w) => w.running.then(() => (running += 1))));
await pool(namespaces, (i) => call('GET', `/api/v1/namespaces/bench-${i}/pods/web`));
const wallMs = performance.now() - started;
const after = await usage();
clearTimeout(deadline);

const cpuMs = cpuMsBetween(before, after);
const msPerRequest = cpuMs / requests;
const result = {
  benchmark: 'simulated-cluster-namespaces-with-pod-and-watch',
  namespaces,
  apiRequests: requests,
  watchEventsReceived: watches.reduce((n, w) => n + w.events(), 0),
  watchesExpired: watchErrors.length,
  simCpuMs: +cpuMs.toFixed(0),
  simCpuMsPerRequest: +msPerRequest.toFixed(3),
  targetMsPerRequest: TARGET_MS_PER_REQUEST,
  meetsTarget: msPerRequest <= TARGET_MS_PER_REQUEST,
  wallSeconds: +(wallMs / 1000).toFixed(2),
  simRssMiB: +(after.memory.rss / 1048576).toFixed(1),
  loadavg: loadavg().map((l) => +l.toFixed(2)),
  cpuProfile: values['cpu-prof'] ?? null,
  node: process.version,
  measuredAt: new Date().toISOString(),
};
console.log(JSON.stringify(result, null, 2));
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}sim-namespaces.json`, `${JSON.stringify(result, null, 2)}\n`);

agent.destroy();
watchAgent.destroy();
await new Promise<void>((resolve) => {
  sim.once('exit', () => resolve());
  sim.kill('SIGTERM');
});
rmSync(work, { recursive: true, force: true });
