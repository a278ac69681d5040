/** Shared helpers for the simulated-cluster tests: clients, kubectl, bounded waits. */
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import {
  startSimulatedCluster,
  type SimulatedCluster,
  type SimulatedClusterOptions,
} from '../../sim/start-simulated-cluster.js';

/** The manifest from the lesson (your-first-pod.md). */
export const LESSON_POD_YAML = `apiVersion: v1
kind: Pod
metadata:
  name: my-pod
  labels:
    app: web
spec:
  containers:
    - name: web
      image: nginx:1.28
      ports:
        - containerPort: 80
`;

export const lessonPod = (): k8s.V1Pod => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'my-pod', labels: { app: 'web' } },
  spec: { containers: [{ name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] }] },
});

/** Fast by default: 1 simulated second per ~5 ms. */
/** The Deployment the reference set's Deployment, ReplicaSet and Pods were recorded from. */
export const recordedDeploymentRequest = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web-deploy' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web-deploy' } },
    template: {
      metadata: { labels: { app: 'web-deploy' } },
      spec: {
        containers: [{ name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] }],
      },
    },
  },
};

export function startTestCluster(options: SimulatedClusterOptions = {}): Promise<SimulatedCluster> {
  return startSimulatedCluster({ speed: 200, ...options });
}

export function kubeConfigFor(
  cluster: SimulatedCluster,
  token: 'admin' | 'readOnly' = 'admin',
): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfigYaml({ token }));
  return kc;
}

export function coreApi(
  cluster: SimulatedCluster,
  token: 'admin' | 'readOnly' = 'admin',
): k8s.CoreV1Api {
  return kubeConfigFor(cluster, token).makeApiClient(k8s.CoreV1Api);
}

export function appsApi(
  cluster: SimulatedCluster,
  token: 'admin' | 'readOnly' = 'admin',
): k8s.AppsV1Api {
  return kubeConfigFor(cluster, token).makeApiClient(k8s.AppsV1Api);
}

/** Polls `probe` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  describe: string,
  probe: () => Promise<T | undefined>,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for ${describe}${lastError ? `: ${String(lastError)}` : ''}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** The HTTP status of a rejected client call (ApiException.code). */
export async function statusOf(
  call: Promise<unknown>,
): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof k8s.ApiException) {
      const body =
        typeof error.body === 'string'
          ? (JSON.parse(error.body) as Record<string, unknown>)
          : (error.body as Record<string, unknown>);
      return { code: error.code, body };
    }
    throw error;
  }
  throw new Error('expected the call to fail');
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface KubectlRunOptions {
  /** Written to kubectl's stdin, which is then closed. */
  stdin?: string;
  /** Extra environment, e.g. `KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false` to force SPDY for exec. */
  env?: Record<string, string>;
}

/** A directory holding a kubeconfig for this cluster, for running the kubectl on PATH. */
export async function kubectlFor(cluster: SimulatedCluster): Promise<{
  run(args: string[], options?: KubectlRunOptions): Promise<KubectlResult>;
  /**
   * Starts a command that does not end by itself (`get --watch`, `logs -f`), resolves with its
   * output once `until` matches it, and stops it.
   */
  follow(args: string[], until: RegExp): Promise<string>;
  dir: string;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), 'kubegrade-sim-'));
  const kubeconfig = join(dir, 'kubeconfig');
  await writeFile(kubeconfig, cluster.kubeconfigYaml(), { mode: 0o600 });
  const environment = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({
    ...process.env,
    KUBECONFIG: kubeconfig,
    HOME: dir,
    ...extra,
  });
  const run = (args: string[], options: KubectlRunOptions = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfig, ...args],
        { timeout: 20_000, env: environment(options.env) },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout, stderr });
        },
      );
      child.stdin?.end(options.stdin ?? '');
    });
  const follow = (args: string[], until: RegExp): Promise<string> =>
    new Promise((resolve, reject) => {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfig, ...args], {
        env: environment(),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      let err = '';
      child.stdout.on('data', (chunk: Buffer) => {
        out += chunk.toString();
        if (until.test(out)) {
          child.kill('SIGTERM');
          resolve(out);
        }
      });
      child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
      child.on('exit', (code) => {
        if (!until.test(out))
          reject(
            new Error(`kubectl ${args.join(' ')} exited (${code}) before ${until}: ${out}${err}`),
          );
      });
    });
  return { run, follow, dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  json(): Record<string, unknown>;
}

/** One HTTPS request to the cluster without a client library (token: admin unless given). */
export function rawRequest(
  cluster: SimulatedCluster,
  method: string,
  path: string,
  options: { body?: unknown; contentType?: string; token?: string | null; accept?: string } = {},
): Promise<RawResponse> {
  const url = new URL(path, cluster.url);
  const payload =
    options.body === undefined
      ? undefined
      : typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
  const headers: Record<string, string> = { Accept: options.accept ?? 'application/json' };
  const token = options.token === undefined ? cluster.tokens.admin : options.token;
  if (token !== null) headers.Authorization = `Bearer ${token}`;
  if (payload !== undefined) headers['Content-Type'] = options.contentType ?? 'application/json';
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method, headers, ca: cluster.caPem }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          text,
          json: () => JSON.parse(text) as Record<string, unknown>,
        });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
    if (payload !== undefined) req.write(payload);
    req.end();
  });
}

/**
 * The set of field paths of a JSON value (`metadata.labels.app`, `spec.containers[].name`),
 * ignoring values, and not descending into managedFields' FieldsV1 sets.
 */
export function fieldPaths(value: unknown, prefix = ''): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, path: string): void => {
    if (path.endsWith('.fieldsV1')) {
      out.add(path);
      return;
    }
    if (Array.isArray(v)) {
      out.add(`${path}[]`);
      for (const item of v) walk(item, `${path}[]`);
    } else if (v !== null && typeof v === 'object') {
      if (path) out.add(path);
      for (const [key, inner] of Object.entries(v)) walk(inner, path ? `${path}.${key}` : key);
    } else {
      out.add(path);
    }
  };
  walk(value, prefix);
  return [...out].sort();
}
