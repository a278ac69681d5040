/** The lesson's flow through @kubernetes/client-node, as the grader will see it. */
import * as k8s from '@kubernetes/client-node';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  coreApi,
  kubeConfigFor,
  lessonPod,
  startTestCluster,
  statusOf,
  waitFor,
} from './sim-test-helpers.js';

describe('the lesson flow through @kubernetes/client-node', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('when a learner creates my-pod, it is watched to Running, read with its events and logs, deleted, and stays gone', async () => {
    const core = coreApi(cluster);
    const created = await core.createNamespacedPod({ namespace: 'default', body: lessonPod() });
    expect(created.metadata?.uid).toBeTruthy();
    expect(created.status?.phase).toBe('Pending');

    // Watch from the create's resourceVersion until the pod runs, recording the phases seen.
    const phases: string[] = [];
    let watchRequest: AbortController | undefined;
    const runningPod = await new Promise<k8s.V1Pod>((resolve, reject) => {
      new k8s.Watch(kubeConfigFor(cluster))
        .watch(
          '/api/v1/namespaces/default/pods',
          {
            fieldSelector: 'metadata.name=my-pod',
            resourceVersion: created.metadata?.resourceVersion,
          },
          (type: string, pod: k8s.V1Pod) => {
            phases.push(`${type}:${pod.status?.phase ?? ''}`);
            if (pod.status?.phase === 'Running') resolve(pod);
          },
          (err: unknown) => {
            if (err) reject(err instanceof Error ? err : new Error(String(err)));
          },
        )
        .then((request) => {
          watchRequest = request;
        }, reject);
    });
    watchRequest?.abort();
    expect(phases[0]).toBe('MODIFIED:Pending');
    expect(phases.every((p) => p.startsWith('MODIFIED:'))).toBe(true);
    expect(runningPod.spec?.nodeName).toBe('sim-node-1');

    const pod = await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' });
    expect(pod.status?.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(pod.status?.hostIP).toBe('172.18.0.2');
    expect(pod.status?.conditions?.map((c) => `${c.type}=${c.status}`)).toEqual([
      'Initialized=True',
      'Ready=True',
      'ContainersReady=True',
      'PodScheduled=True',
    ]);
    expect(pod.status?.containerStatuses?.[0]).toMatchObject({
      name: 'web',
      ready: true,
      restartCount: 0,
      started: true,
    });
    expect(pod.status?.containerStatuses?.[0]?.state?.running?.startedAt).toBeDefined();
    expect(pod.spec?.containers[0]?.ports?.[0]).toEqual({ containerPort: 80, protocol: 'TCP' });

    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.name=my-pod,involvedObject.uid=${pod.metadata?.uid ?? ''}`,
    });
    expect(events.items.map((e) => e.reason)).toEqual([
      'Scheduled',
      'Pulling',
      'Pulled',
      'Created',
      'Started',
    ]);
    expect(events.items.find((e) => e.reason === 'Pulling')?.message).toBe(
      'Pulling image "nginx:1.28"',
    );

    const log = await core.readNamespacedPodLog({
      name: 'my-pod',
      namespace: 'default',
      container: 'web',
    });
    expect(log).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up');
    expect(log).toMatch(/\[notice\] 1#1: nginx\/1\.28\.0/);
    const tail = await core.readNamespacedPodLog({
      name: 'my-pod',
      namespace: 'default',
      tailLines: 2,
    });
    expect(tail.trimEnd().split('\n')).toHaveLength(2);

    const deleted = await core.deleteNamespacedPod({ name: 'my-pod', namespace: 'default' });
    expect(deleted.metadata?.deletionTimestamp).toBeDefined();
    expect(deleted.metadata?.deletionGracePeriodSeconds).toBe(30);

    await waitFor('my-pod to be gone', async () => {
      const { code } = await statusOf(
        core.readNamespacedPod({ name: 'my-pod', namespace: 'default' }),
      );
      return code === 404 ? true : undefined;
    });
    // Nothing recreates a bare pod, however long we wait.
    await cluster.control.advanceTime(10 * 60 * 1000);
    const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=web' });
    expect(list.items).toHaveLength(0);
    const killing = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'reason=Killing',
    });
    expect(killing.items[0]?.message).toBe('Stopping container web');
  });
});
