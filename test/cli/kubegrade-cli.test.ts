import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import { runCli } from '../../src/cli/main.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { bothConceptsAnswer, referenceManifest } from '../support/first-pod-fixtures.js';
import { waitFor } from '../sim/sim-test-helpers.js';

function captureIo() {
  const out: string[] = [];
  const err: string[] = [];
  const progress: string[] = [];
  return {
    io: {
      out: (text: string) => void out.push(text),
      err: (text: string) => void err.push(text),
      progress: (text: string) => void progress.push(text),
    },
    out,
    err,
    progress,
  };
}

let workdir: string;

beforeAll(async () => {
  workdir = await mkdtemp(join(tmpdir(), 'kubegrade-cli-'));
});

describe('kubegrade validate', () => {
  it('accepts the first-pod rubric and summarises it', async () => {
    const { io, out } = captureIo();
    expect(await runCli(['validate', 'first-pod'], io)).toBe(0);
    expect(out.join('\n')).toMatch(/first-pod .*checks/);
  });

  it('reports each problem of a broken rubric with its file and line, exit 1', async () => {
    const folder = join(workdir, 'broken');
    await import('node:fs/promises').then((fs) => fs.mkdir(folder, { recursive: true }));
    await writeFile(
      join(folder, 'assessment.yaml'),
      'id: broken\nversion: "1.0.0"\ntitle: Broken\nsummary: s\npassingScore: 2\ntimeLimitMinutes: 5\n' +
        'inputs: { manifest: x.yaml }\nchecks: []\nquiz: []\n',
    );
    const { io, out } = captureIo();
    expect(await runCli(['validate', folder], io)).toBe(1);
    expect(out.join('\n')).toMatch(/assessment\.yaml:5: passingScore/);
  });

  it('answers a wrong call with usage and exit 2', async () => {
    const { io, err } = captureIo();
    expect(await runCli(['grade', 'first-pod'], io)).toBe(2);
    expect(err.join('\n')).toMatch(/--kubeconfig/);
    expect(await runCli(['frobnicate'], captureIo().io)).toBe(2);
  });
});

describe('kubegrade grade against a simulated cluster', () => {
  let cluster: SimulatedCluster;
  const speed = 50;

  beforeEach(async () => {
    cluster = await startSimulatedCluster({ speed });
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('grades the lesson done right with full marks and prints the result as JSON', async () => {
    const learner = new k8s.KubeConfig();
    learner.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
    const core = learner.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'default',
      body: load(referenceManifest) as k8s.V1Pod,
    });
    await waitFor('my-pod Running', async () => {
      const pod = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
      return pod.status?.phase === 'Running' ? pod : undefined;
    });

    const kubeconfig = join(workdir, 'readonly.kubeconfig');
    const manifest = join(workdir, 'my-pod.yaml');
    const answers = join(workdir, 'answers.yaml');
    await writeFile(kubeconfig, cluster.kubeconfigYaml({ token: 'readOnly' }));
    await writeFile(manifest, referenceManifest);
    await writeFile(answers, JSON.stringify({ 'pending-causes': bothConceptsAnswer }));

    const { io, out, progress } = captureIo();
    const grading = runCli(
      [
        'grade',
        'first-pod',
        '--kubeconfig',
        kubeconfig,
        '--manifest',
        manifest,
        '--answers',
        answers,
        '--json',
        '--time-scale',
        String(speed),
      ],
      io,
    );
    // The learner finishes the lesson when the grader says so: delete the Pod.
    await waitFor(
      'the delete-now line',
      async () =>
        progress.some((line) => line.startsWith('now delete the Pod')) ? true : undefined,
      25_000,
    );
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
    const exitCode = await grading;

    const result = JSON.parse(out.join('\n'));
    expect(
      result.checks.filter((check: { outcome: string }) => check.outcome !== 'passed'),
    ).toEqual([]);
    expect(result.score).toBe(result.maxScore);
    expect(exitCode).toBe(0);
    expect(result.kubernetesRequests).toBeGreaterThan(0);
    // Progress: one line per check as it finishes.
    expect(progress.filter((line) => /^\[\d+\/\d+\] ✔/u.test(line))).toHaveLength(
      result.checks.length,
    );
  });

  it('refuses a kubeconfig with an exec plugin with the API code, and runs nothing (exit 3)', async () => {
    const hostile = join(workdir, 'exec.kubeconfig');
    await writeFile(
      hostile,
      [
        'apiVersion: v1',
        'kind: Config',
        'current-context: c',
        'contexts: [{ name: c, context: { cluster: k, user: u } }]',
        `clusters: [{ name: k, cluster: { server: "${cluster.url}" } }]`,
        'users: [{ name: u, user: { exec: { apiVersion: client.authentication.k8s.io/v1, command: /bin/sh, args: ["-c", "touch /tmp/pwned"] } } }]',
      ].join('\n'),
    );
    const { io, err } = captureIo();
    const manifest = join(workdir, 'my-pod.yaml');
    await writeFile(manifest, referenceManifest);
    expect(
      await runCli(['grade', 'first-pod', '--kubeconfig', hostile, '--manifest', manifest], io),
    ).toBe(3);
    expect(err.join('\n')).toMatch(/KUBECONFIG_REJECTED/);
    expect(cluster.control.requests()).toHaveLength(0);
  });
});
