import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import {
  startSimulatedCluster,
  type SimulatedCluster,
  type SimulatedClusterOptions,
} from '../../sim/start-simulated-cluster.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';
import { bothConceptsAnswer, referenceManifest } from '../support/first-pod-fixtures.js';

/**
 * The whole path with a cluster: POST with a kubeconfig → sealed in PostgreSQL → BullMQ → worker
 * builds a client for that attempt only → checks against the simulated cluster → stored result.
 */
const speed = 100;
let services: TestServices;
let cluster: SimulatedCluster;

async function start(options: { cluster?: SimulatedClusterOptions; jobAttempts?: number } = {}) {
  cluster = await startSimulatedCluster({ speed, ...options.cluster });
  services = await openTestServices({ jobAttempts: options.jobAttempts ?? 2, backoffMs: 10 });
}

afterEach(async () => {
  await services.close();
  await cluster.stop();
});

function learnerClient() {
  const kc = new k8s.KubeConfig();
  kc.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
  return kc.makeApiClient(k8s.CoreV1Api);
}

async function applyAndWaitRunning(core: k8s.CoreV1Api, manifest = referenceManifest) {
  await core.createNamespacedPod({
    namespace: 'default',
    body: load(manifest) as k8s.V1Pod,
  });
  for (let i = 0; i < 300; i += 1) {
    const pod = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
    if (pod.status?.phase === 'Running') return;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('my-pod never ran');
}

function firstPodAttempt(manifest = referenceManifest) {
  return {
    assessmentId: 'first-pod',
    learnerId: 'learner-with-cluster',
    manifest,
    answers: { 'pending-causes': bothConceptsAnswer },
    cluster: { kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }), namespace: 'default' },
  };
}

/** The learner applies my-pod, waits for Running and submits; a worker is grading. */
async function submitWhileMyPodRuns(
  manifest = referenceManifest,
): Promise<{ core: k8s.CoreV1Api; attemptId: string }> {
  const core = learnerClient();
  await applyAndWaitRunning(core, manifest);
  services.startWorker({ timeScale: speed });
  const posted = await services.api
    .post('/v1/attempts')
    .send(firstPodAttempt(manifest))
    .expect(202);
  return { core, attemptId: posted.body.id };
}

async function waitForView(
  attemptId: string,
  ready: (view: { nextStep?: unknown; status: string }) => boolean,
): Promise<void> {
  for (;;) {
    const view = (await services.api.get(`/v1/attempts/${attemptId}`)).body;
    if (ready(view)) return;
    if (view.status !== 'queued' && view.status !== 'running') {
      throw new Error(`attempt ended ${view.status} before the condition`);
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('grading an attempt against the learner cluster', () => {
  it('gives full marks for the lesson done right, with the read-only token, and erases the credentials', async () => {
    await start();
    const { core, attemptId } = await submitWhileMyPodRuns();
    // The learner follows the grader on the attempt page: the running moment is recorded check by
    // check while the attempt is still running, and the deletion check waits for them.
    let view = (await services.api.get(`/v1/attempts/${attemptId}`)).body;
    for (
      let i = 0;
      i < 500 && !view.checks.some((c: { id: string }) => c.id === 'pod-is-bare');
      i += 1
    ) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      view = (await services.api.get(`/v1/attempts/${attemptId}`)).body;
    }
    expect(view.status).toBe('running');
    expect(view.checks.find((c: { id: string }) => c.id === 'pod-running')?.outcome).toBe('passed');
    expect(view.checks.some((c: { id: string }) => c.id === 'pod-deleted-not-recreated')).toBe(
      false,
    );
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });

    const attempt = await waitForFinishedAttempt(services.attempts, attemptId, 30_000);
    expect(attempt.status).toBe('graded');
    expect(attempt.checks.filter((check) => check.outcome !== 'passed')).toEqual([]);
    expect(attempt.score).toBe(attempt.maxScore);

    const row = await services.prisma.attempt.findUniqueOrThrow({ where: { id: attemptId } });
    expect(row.clusterSecret).toBeNull();
    const requests = await services.prisma.evidence.findFirstOrThrow({
      where: { attemptId, kind: 'cluster-requests' },
    });
    const summary = requests.data as { count: number };
    // The grader's requests, as the cluster saw them (the learner's own calls use the admin token).
    expect(summary.count).toBe(
      cluster.control.requests().filter((r) => r.identity === 'readOnly').length,
    );
    expect(summary.count).toBeLessThanOrEqual(10);
  });

  it('gives full marks when the manifest writes quantities the API server stores in another form', async () => {
    // kube-apiserver keeps `cpu: 0.5` as "500m" and `memory: 0.5Gi` as "512Mi"; the grader
    // compares the manifest with the stored Pod by value.
    const manifest = referenceManifest.replace(
      '      ports:',
      [
        '      resources:',
        '        requests: { cpu: 0.5, memory: 0.5Gi }',
        '        limits: { cpu: 1000m, memory: 1073741824 }',
        '      ports:',
      ].join('\n'),
    );
    expect(manifest).toContain('cpu: 0.5');
    await start();
    const { core, attemptId } = await submitWhileMyPodRuns(manifest);
    const stored = await core.readNamespacedPod({ namespace: 'default', name: 'my-pod' });
    expect(stored.spec?.containers[0]?.resources).toEqual({
      requests: { cpu: '500m', memory: '512Mi' },
      limits: { cpu: '1', memory: '1073741824' },
    });
    await waitForView(
      attemptId,
      (view) => (view.nextStep as { action?: string } | null)?.action === 'delete-pod',
    );
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });

    const attempt = await waitForFinishedAttempt(services.attempts, attemptId, 30_000);
    expect(attempt.checks.find((check) => check.id === 'pod-matches-manifest')?.outcome).toBe(
      'passed',
    );
    expect(attempt.score).toBe(attempt.maxScore);
  });

  it('marks the attempt not_gradable with the reason when the grader is forbidden to look, after every try', async () => {
    await start({ cluster: { readOnlyDenied: ['replicasets.apps'] }, jobAttempts: 2 });
    const { attemptId } = await submitWhileMyPodRuns();
    const attempt = await waitForFinishedAttempt(services.attempts, attemptId, 60_000);

    expect(attempt.status).toBe('not_gradable');
    expect(attempt.score).toBeNull();
    expect(attempt.notGradableReason).toMatch(/403|not allowed|forbidden/i);
    const errored = attempt.checks.filter((check) => check.outcome === 'error');
    expect(errored.length).toBeGreaterThan(0);
    expect(attempt.checks.some((check) => check.outcome === 'failed')).toBe(false);
    const job = await services.queue.getJob(attemptId);
    expect(job?.attemptsMade).toBeGreaterThanOrEqual(1);
    expect(attempt.gradingRuns).toBe(2);
  });

  it('treats a cluster that does not answer in time as could-not-look, never as a fail', async () => {
    await start({ jobAttempts: 1 });
    const core = learnerClient();
    await applyAndWaitRunning(core);
    cluster.control.addFault({
      path: '/api/v1/namespaces/default/pods/my-pod',
      watch: false,
      kind: 'latency',
      latencyMs: 3_000,
    });
    services.startWorker({ timeScale: speed, clusterRequestTimeoutMs: 200 });
    const posted = await services.api.post('/v1/attempts').send(firstPodAttempt()).expect(202);
    const attempt = await waitForFinishedAttempt(services.attempts, posted.body.id, 30_000);

    expect(attempt.status).toBe('not_gradable');
    expect(attempt.notGradableReason).toMatch(/time/i);
    const running = attempt.checks.find((check) => check.id === 'pod-running');
    expect(running?.outcome).toBe('error');
  });

  it('refuses at submission a cluster address outside the allow-list, storing nothing', async () => {
    cluster = await startSimulatedCluster({ speed });
    services = await openTestServices({ allowCidrs: '' });
    const response = await services.api.post('/v1/attempts').send(firstPodAttempt()).expect(422);
    expect(response.body.error.code).toBe('CLUSTER_ADDRESS_REFUSED');
    expect(response.body.error.details.reason).toBe('LOOPBACK');
    expect(await services.prisma.attempt.count()).toBe(0);
    expect(cluster.control.requests()).toHaveLength(0);
  });
});
