/** Fault injection, as @kubernetes/client-node sees each fault. */
import * as k8s from '@kubernetes/client-node';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  coreApi,
  kubeConfigFor,
  lessonPod,
  startTestCluster,
  statusOf,
} from './sim-test-helpers.js';

const PODS = '/api/v1/namespaces/default/pods';

describe('fault injection', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
    await cluster.control.seed(lessonPod());
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('when a route has added latency, then the call still succeeds but only after the delay', async () => {
    const core = coreApi(cluster);
    cluster.control.addFault({ method: 'GET', path: `${PODS}/*`, kind: 'latency', latencyMs: 300 });
    const started = Date.now();
    const pod = await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(pod.metadata?.name).toBe('my-pod');
    expect(cluster.control.requests().at(-1)).toMatchObject({ fault: 'latency', status: 200 });
  });

  it('when a route answers 429, then the client gets an ApiException with Retry-After, and the next call succeeds once times is used up', async () => {
    const core = coreApi(cluster);
    const rule = cluster.control.addFault({
      method: 'GET',
      path: PODS,
      kind: 'status',
      status: 429,
      retryAfterSeconds: 7,
      times: 1,
    });
    const failed = await core
      .listNamespacedPod({ namespace: 'default' })
      .catch((error: unknown) => error);
    expect(failed).toBeInstanceOf(k8s.ApiException);
    const apiError = failed as k8s.ApiException<string>;
    expect(apiError.code).toBe(429);
    expect(apiError.headers['retry-after']).toBe('7');
    expect(JSON.parse(apiError.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Too many requests, please try again later.',
      reason: 'TooManyRequests',
      details: { retryAfterSeconds: 7 },
      code: 429,
    });
    const list = await core.listNamespacedPod({ namespace: 'default' });
    expect(list.items).toHaveLength(1);
    expect(cluster.control.faults()).toEqual([expect.objectContaining({ id: rule.id, hits: 1 })]);
  });

  it.each([
    [500, 'InternalError'],
    [503, 'ServiceUnavailable'],
  ] as const)(
    'when a route answers %i, then the client gets an ApiException with a %s Status',
    async (status, reason) => {
      const core = coreApi(cluster);
      cluster.control.addFault({ path: `${PODS}/**`, kind: 'status', status });
      const { code, body } = await statusOf(
        core.readNamespacedPod({ name: 'my-pod', namespace: 'default' }),
      );
      expect(code).toBe(status);
      expect(body).toMatchObject({ kind: 'Status', status: 'Failure', reason, code: status });
      // Other routes are untouched.
      await expect(core.listNamespacedPod({ namespace: 'default' })).resolves.toBeDefined();
    },
  );

  it('when the connection is dropped, then the client sees a socket error, not an HTTP status', async () => {
    const core = coreApi(cluster);
    cluster.control.addFault({ method: 'GET', path: `${PODS}/my-pod`, kind: 'drop', times: 1 });
    const error = await core
      .readNamespacedPod({ name: 'my-pod', namespace: 'default' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(k8s.ApiException);
    expect(String((error as Error).message)).toMatch(/socket hang up|ECONNRESET/);
    expect(cluster.control.requests().at(-1)).toMatchObject({ fault: 'drop', status: 0 });
    await expect(
      core.readNamespacedPod({ name: 'my-pod', namespace: 'default' }),
    ).resolves.toBeDefined();
  });

  it('when a watch is closed early, then the client receives the initial events and its done callback runs without error', async () => {
    cluster.control.addFault({ path: PODS, watch: true, kind: 'watch-close-early', afterMs: 150 });
    const seen: string[] = [];
    const started = Date.now();
    const doneWith = await new Promise<unknown>((resolve) => {
      void new k8s.Watch(kubeConfigFor(cluster)).watch(
        PODS,
        {},
        (type: string, pod: k8s.V1Pod) => seen.push(`${type} ${pod.metadata?.name ?? ''}`),
        (err: unknown) => resolve(err),
      );
    });
    expect(doneWith).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(seen[0]).toBe('ADDED my-pod');
    expect(cluster.control.requests().at(-1)).toMatchObject({
      watch: true,
      fault: 'watch-close-early',
      status: 200,
    });
  });

  it('when faults are cleared, then requests behave normally again', async () => {
    const core = coreApi(cluster);
    cluster.control.addFault({ path: '/**', kind: 'status', status: 503 });
    expect((await statusOf(core.listNamespacedPod({ namespace: 'default' }))).code).toBe(503);
    expect(cluster.control.clearFaults()).toBe(1);
    await expect(core.listNamespacedPod({ namespace: 'default' })).resolves.toBeDefined();
  });
});
