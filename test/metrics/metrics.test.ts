import * as k8s from '@kubernetes/client-node';
import { load } from 'js-yaml';
import request from 'supertest';
import type { KubegradeMetrics } from '../../src/metrics/kubegrade-metrics.js';
import { requestKind } from '../../src/metrics/observe-cluster-requests.js';
import { enqueueGrading } from '../../src/queue/grading-queue.js';
import { gradingJobName } from '../../src/queue/grading-job.js';
import { startSimulatedCluster, type SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  attemptBody,
  bothConceptsAnswer,
  fixtureAssessmentsDirectory,
  referenceManifest,
} from '../support/first-pod-fixtures.js';
import {
  openTestServices,
  waitForFinishedAttempt,
  type TestServices,
} from '../support/test-services.js';

/** The Prometheus series move with what the service does, read as Prometheus reads them. */

let services: TestServices | undefined;
let cluster: SimulatedCluster | undefined;

afterEach(async () => {
  await services?.close();
  await cluster?.stop();
  services = undefined;
  cluster = undefined;
});

/** One sample's value from the Prometheus text format, 0 when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-zA-Z_:][\w:]*)(\{[^}]*\})?\s+(\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const present = match[2] ?? '';
    if (Object.entries(labels).every(([key, value]) => present.includes(`${key}="${value}"`))) {
      return Number(match[3]);
    }
  }
  return 0;
}

async function scrapeApi(current: TestServices): Promise<string> {
  const response = await request(current.app).get('/metrics').expect(200);
  expect(response.headers['content-type']).toMatch(/^text\/plain/);
  return response.text;
}

const scrapeWorker = (metrics: KubegradeMetrics) => metrics.registry.metrics();

describe('/metrics on the API and the worker', () => {
  it('counts a submitted attempt on the API and the graded attempt on the worker, with its times', async () => {
    services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
    const before = await scrapeApi(services);
    expect(sample(before, 'kubegrade_attempts_total', { status: 'submitted' })).toBe(0);
    // Node's defaults ride along: the event-loop lag an operator watches for stalls.
    expect(before).toMatch(/^nodejs_eventloop_lag_p99_seconds\{role="api"\} /m);

    const posted = await services.api.post('/v1/attempts').send(attemptBody()).expect(202);
    // An idempotent replay is not a second attempt.
    await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', 'metrics-1')
      .send(attemptBody())
      .expect(202);
    await services.api
      .post('/v1/attempts')
      .set('Idempotency-Key', 'metrics-1')
      .send(attemptBody())
      .expect(202);
    const afterPost = await scrapeApi(services);
    expect(sample(afterPost, 'kubegrade_attempts_total', { status: 'submitted' })).toBe(2);

    services.startWorker();
    await waitForFinishedAttempt(services.attempts, posted.body.id);
    const worker = await waitForSample(services.workerMetrics, 'kubegrade_attempts_total', {
      status: 'graded',
    });
    expect(sample(worker, 'kubegrade_attempts_total', { status: 'graded' })).toBeGreaterThanOrEqual(
      1,
    );
    expect(
      sample(worker, 'kubegrade_grading_duration_seconds_count', { status: 'graded' }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(worker, 'kubegrade_submit_to_result_seconds_count', { status: 'graded' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(worker, 'kubegrade_attempts_total', { status: 'not_gradable' })).toBe(0);
  });

  it('reports the queue depth by state from BullMQ, and /queue-depth sums the demand', async () => {
    services = await openTestServices({ assessmentsDirectory: fixtureAssessmentsDirectory });
    // Jobs for attempts that do not exist: nothing consumes them, they only sit in the queue.
    for (const id of [
      '00000000-0000-4000-8000-000000000001',
      '00000000-0000-4000-8000-000000000002',
    ]) {
      await enqueueGrading(services.queue, id);
    }
    await services.queue.add(
      gradingJobName,
      { attemptId: '00000000-0000-4000-8000-000000000003', schemaVersion: 1 },
      { jobId: '00000000-0000-4000-8000-000000000003', delay: 60_000 },
    );
    await services.queue.add(
      gradingJobName,
      { attemptId: '00000000-0000-4000-8000-000000000004', schemaVersion: 1 },
      { jobId: '00000000-0000-4000-8000-000000000004', priority: 5 },
    );
    const text = await scrapeApi(services);
    expect(sample(text, 'kubegrade_queue_jobs', { state: 'waiting' })).toBe(2);
    expect(sample(text, 'kubegrade_queue_jobs', { state: 'delayed' })).toBe(1);
    expect(sample(text, 'kubegrade_queue_jobs', { state: 'prioritized' })).toBe(1);
    expect(sample(text, 'kubegrade_queue_jobs', { state: 'active' })).toBe(0);

    const depth = await request(services.app).get('/queue-depth').expect(200);
    expect(depth.body).toEqual({ waiting: 2, prioritized: 1, delayed: 1, active: 0, demand: 3 });
  });

  it('counts Kubernetes requests by kind while grading against a cluster', async () => {
    cluster = await startSimulatedCluster({ speed: 100 });
    services = await openTestServices({ jobAttempts: 1 });
    const kc = new k8s.KubeConfig();
    kc.loadFromString(cluster.kubeconfigYaml({ token: 'admin' }));
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'default',
      body: load(referenceManifest) as k8s.V1Pod,
    });
    services.startWorker({ timeScale: 100 });
    const posted = await services.api
      .post('/v1/attempts')
      .send({
        assessmentId: 'first-pod',
        learnerId: 'metrics-learner',
        manifest: referenceManifest,
        answers: { 'pending-causes': bothConceptsAnswer },
        cluster: {
          kubeconfig: cluster.kubeconfigYaml({ token: 'readOnly' }),
          namespace: 'default',
        },
      })
      .expect(202);
    // The grader waits for the learner to delete the Pod once the running moment is recorded.
    await waitForSample(services.workerMetrics, 'kubegrade_cluster_requests_total', {
      kind: 'pods/log',
    });
    await core.deleteNamespacedPod({ namespace: 'default', name: 'my-pod' });
    await waitForFinishedAttempt(services.attempts, posted.body.id, 30_000);
    const text = await waitForSample(services.workerMetrics, 'kubegrade_attempts_total', {
      status: 'graded',
    });
    const ok = { method: 'GET', outcome: '2xx' };
    expect(
      sample(text, 'kubegrade_cluster_requests_total', { kind: 'pods', ...ok }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'kubegrade_cluster_requests_total', { kind: 'pods/watch', ...ok }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'kubegrade_cluster_requests_total', { kind: 'events', ...ok }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      sample(text, 'kubegrade_cluster_requests_total', { kind: 'deployments', ...ok }),
    ).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'kubegrade_cluster_request_errors_total', { kind: 'pods' })).toBe(0);
  });

  it('names request kinds from the path the grader built, never from free text', () => {
    expect(requestKind('/api/v1/namespaces/default/pods/my-pod')).toBe('pods');
    expect(requestKind('/api/v1/namespaces/default/pods/my-pod/log?tailLines=5')).toBe('pods/log');
    expect(requestKind('/api/v1/namespaces/default/pods?watch=true')).toBe('pods/watch');
    expect(requestKind('/api/v1/namespaces/default/pods', 'WATCH')).toBe('pods/watch');
    expect(requestKind('/apis/apps/v1/namespaces/x/replicasets')).toBe('replicasets');
    expect(requestKind('/version')).toBe('other');
    expect(requestKind('/api/v1/namespaces/x/Pods%20{bad}')).toBe('other');
  });
});

/** Scrapes until the series is above zero: the worker records after the attempt is stored. */
async function waitForSample(
  metrics: KubegradeMetrics,
  name: string,
  labels: Record<string, string>,
): Promise<string> {
  for (;;) {
    const text = await scrapeWorker(metrics);
    if (sample(text, name, labels) > 0) return text;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
