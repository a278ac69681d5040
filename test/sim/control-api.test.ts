/** The /_sim control API over HTTPS, and the `npm run sim` command. */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { coreApi, lessonPod, rawRequest, startTestCluster, statusOf } from './sim-test-helpers.js';

describe('control API over HTTPS', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster({ speed: 0 });
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('seeds objects, advances time, counts requests and sets faults, for the admin token only', async () => {
    const seeded = await rawRequest(cluster, 'POST', '/_sim/seed', {
      body: { kind: 'List', apiVersion: 'v1', items: [lessonPod()] },
    });
    expect(seeded.status).toBe(201);
    expect(
      (seeded.json().items as Array<{ metadata: { uid: string } }>)[0]?.metadata.uid,
    ).toBeTruthy();

    // With frozen time the pod waits for the image pull until time is advanced.
    const core = coreApi(cluster);
    expect(
      (await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' })).status?.phase,
    ).toBe('Pending');
    const before = (await rawRequest(cluster, 'GET', '/_sim/time')).json();
    const advanced = await rawRequest(cluster, 'POST', '/_sim/time/advance', {
      body: { ms: 5000 },
    });
    expect(Date.parse(advanced.json().now as string) - Date.parse(before.now as string)).toBe(5000);
    expect(
      (await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' })).status?.phase,
    ).toBe('Running');

    const requests = (await rawRequest(cluster, 'GET', '/_sim/requests')).json().items as Array<
      Record<string, unknown>
    >;
    expect(
      requests.map(
        (r) => `${String(r.method)} ${String(r.path)} ${String(r.status)} ${String(r.identity)}`,
      ),
    ).toEqual([
      'GET /api/v1/namespaces/default/pods/my-pod 200 admin',
      'GET /api/v1/namespaces/default/pods/my-pod 200 admin',
    ]);
    await rawRequest(cluster, 'DELETE', '/_sim/requests');
    expect((await rawRequest(cluster, 'GET', '/_sim/requests')).json().items).toEqual([]);

    const fault = await rawRequest(cluster, 'POST', '/_sim/faults', {
      body: { path: '/api/v1/namespaces/*/pods/*', kind: 'status', status: 503, times: 1 },
    });
    expect(fault.status).toBe(201);
    expect(
      (await statusOf(core.readNamespacedPod({ name: 'my-pod', namespace: 'default' }))).code,
    ).toBe(503);
    expect(
      (await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' })).metadata?.name,
    ).toBe('my-pod');
    expect(
      (await rawRequest(cluster, 'DELETE', `/_sim/faults/${String(fault.json().id)}`)).json(),
    ).toEqual({ removed: 1 });
    expect(
      (await rawRequest(cluster, 'POST', '/_sim/faults', { body: { path: '/x', kind: 'explode' } }))
        .status,
    ).toBe(400);

    expect(
      (await rawRequest(cluster, 'GET', '/_sim/requests', { token: cluster.tokens.readOnly }))
        .status,
    ).toBe(403);
    expect((await rawRequest(cluster, 'GET', '/_sim/requests', { token: 'nope' })).status).toBe(
      401,
    );
  });
});

describe('npm run sim', () => {
  it('writes a kubeconfig for a serving cluster and stops on SIGTERM', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kubegrade-sim-cli-'));
    const kubeconfigPath = join(dir, 'kubeconfig');
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'sim/main.ts',
        '--kubeconfig',
        kubeconfigPath,
        '--port',
        '0',
        '--speed',
        '100',
      ],
      {
        cwd: new URL('../../', import.meta.url).pathname,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      let output = '';
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('kubeconfig written')) resolve();
        });
        child.on('exit', (code) => reject(new Error(`sim exited early with ${String(code)}`)));
      });
      const text = await readFile(kubeconfigPath, 'utf8');
      const parsed = load(text) as {
        clusters: Array<{ cluster: Record<string, string> }>;
        users: Array<{ user: { token: string } }>;
      };
      expect(parsed.clusters[0]?.cluster['certificate-authority-data']).toBeTruthy();
      expect(parsed.users[0]?.user.token).toMatch(/^sim-admin-/);
      const kc = new k8s.KubeConfig();
      kc.loadFromString(text);
      const nodes = await kc.makeApiClient(k8s.CoreV1Api).listNode();
      expect(nodes.items.map((n) => n.metadata?.name)).toEqual(['sim-node-1']);
      const exited = new Promise<number | null>((resolve) =>
        child.on('exit', (code) => resolve(code)),
      );
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
      await rm(dir, { recursive: true, force: true });
    }
  });
});
