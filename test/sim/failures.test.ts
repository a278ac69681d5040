/** The two causes of a Pending pod from the lesson's quiz: an image that cannot be pulled, and no room on any node. */
import type * as k8s from '@kubernetes/client-node';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { coreApi, lessonPod, startTestCluster, statusOf, waitFor } from './sim-test-helpers.js';

function podWith(container: Partial<k8s.V1Container>): k8s.V1Pod {
  const pod = lessonPod();
  pod.spec!.containers[0] = { ...pod.spec!.containers[0]!, ...container };
  return pod;
}

async function eventsOf(core: k8s.CoreV1Api, name: string): Promise<k8s.CoreV1Event[]> {
  return (
    await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.name=${name}`,
    })
  ).items;
}

describe('a pod that stays Pending', () => {
  let cluster: SimulatedCluster;

  afterEach(async () => {
    await cluster.stop();
  });

  it('when the image tag does not exist (nginx:1.82), then ErrImagePull turns into ImagePullBackOff with its events and back-off', async () => {
    // Frozen time: every step is driven by advanceTime, so the order is deterministic.
    cluster = await startTestCluster({ speed: 0 });
    const core = coreApi(cluster);
    await core.createNamespacedPod({
      namespace: 'default',
      body: podWith({ image: 'nginx:1.82' }),
    });
    const waiting = async (): Promise<k8s.V1ContainerStateWaiting | undefined> =>
      (await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' })).status
        ?.containerStatuses?.[0]?.state?.waiting;

    await cluster.control.advanceTime(500);
    expect((await waiting())?.reason).toBe('ContainerCreating');
    await cluster.control.advanceTime(2000);
    const pulling = await waiting();
    expect(pulling?.reason).toBe('ErrImagePull');
    expect(pulling?.message).toBe(
      'rpc error: code = NotFound desc = failed to pull and unpack image "docker.io/library/nginx:1.82": failed to resolve reference "docker.io/library/nginx:1.82": docker.io/library/nginx:1.82: not found',
    );
    await cluster.control.advanceTime(1000);
    expect(await waiting()).toEqual({
      reason: 'ImagePullBackOff',
      message: 'Back-off pulling image "nginx:1.82"',
    });
    const pod = await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' });
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.conditions?.find((c) => c.type === 'Ready')).toMatchObject({
      status: 'False',
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [web]',
    });

    const events = await eventsOf(core, 'my-pod');
    expect(events.map((e) => `${e.type}/${e.reason}: ${e.message}`)).toEqual([
      'Normal/Scheduled: Successfully assigned default/my-pod to sim-node-1',
      'Normal/Pulling: Pulling image "nginx:1.82"',
      `Warning/Failed: Failed to pull image "nginx:1.82": ${pulling?.message ?? ''}`,
      'Warning/Failed: Error: ErrImagePull',
      'Normal/BackOff: Back-off pulling image "nginx:1.82"',
      'Warning/Failed: Error: ImagePullBackOff',
    ]);

    // Logs of a container that never started: the API server's 400 (pod-log-400-waiting.json).
    const log = await statusOf(core.readNamespacedPodLog({ name: 'my-pod', namespace: 'default' }));
    expect(log.code).toBe(400);
    expect(log.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'container "web" in pod "my-pod" is waiting to start: image can\'t be pulled',
      reason: 'BadRequest',
      code: 400,
    });

    // Back-off: the next pull comes 10 s after the first failure, then 20 s after the second.
    await cluster.control.advanceTime(5000);
    expect((await eventsOf(core, 'my-pod')).find((e) => e.reason === 'Pulling')?.count).toBe(1);
    await cluster.control.advanceTime(5000);
    expect((await eventsOf(core, 'my-pod')).find((e) => e.reason === 'Pulling')?.count).toBe(2);
    await cluster.control.advanceTime(2000 + 1000 + 15_000);
    expect((await eventsOf(core, 'my-pod')).find((e) => e.reason === 'Pulling')?.count).toBe(2);
    await cluster.control.advanceTime(5000);
    expect((await eventsOf(core, 'my-pod')).find((e) => e.reason === 'Pulling')?.count).toBe(3);
  });

  it('when the tag is added to the catalogue, then the next pull succeeds and the pod runs', async () => {
    cluster = await startTestCluster({ speed: 0 });
    const core = coreApi(cluster);
    await core.createNamespacedPod({
      namespace: 'default',
      body: podWith({ image: 'nginx:1.82' }),
    });
    await cluster.control.advanceTime(4000);
    cluster.control.addImage('nginx', ['1.82']);
    await cluster.control.advanceTime(20_000);
    const pod = await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' });
    expect(pod.status?.phase).toBe('Running');
  });

  it('when the CPU request exceeds every node, then the pod stays unscheduled with FailedScheduling', async () => {
    cluster = await startTestCluster();
    const core = coreApi(cluster);
    await core.createNamespacedPod({
      namespace: 'default',
      body: podWith({ resources: { requests: { cpu: '64' } } }),
    });
    const event = await waitFor('FailedScheduling', async () =>
      (await eventsOf(core, 'my-pod')).find((e) => e.reason === 'FailedScheduling'),
    );
    expect(event.type).toBe('Warning');
    expect(event.message).toMatch(/^0\/1 nodes are available: 1 Insufficient cpu\. /);
    expect(event.reportingComponent).toBe('default-scheduler');
    await cluster.control.advanceTime(60_000);
    const pod = await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' });
    expect(pod.spec?.nodeName).toBeUndefined();
    expect(pod.status?.phase).toBe('Pending');
    expect(pod.status?.qosClass).toBe('Burstable');
    expect(pod.status?.conditions).toEqual([
      expect.objectContaining({
        type: 'PodScheduled',
        status: 'False',
        reason: 'Unschedulable',
        message: event.message,
      }),
    ]);
    expect((await eventsOf(core, 'my-pod')).map((e) => e.reason)).toEqual(['FailedScheduling']);
  });

  it('when memory and CPU both exceed the node, then both reasons are named', async () => {
    cluster = await startTestCluster();
    const core = coreApi(cluster);
    await core.createNamespacedPod({
      namespace: 'default',
      body: podWith({ resources: { requests: { cpu: '3', memory: '64Gi' } } }),
    });
    const event = await waitFor('FailedScheduling', async () =>
      (await eventsOf(core, 'my-pod')).find((e) => e.reason === 'FailedScheduling'),
    );
    expect(event.message).toMatch(
      /^0\/1 nodes are available: 1 Insufficient cpu, 1 Insufficient memory\. /,
    );
  });

  it('when a scheduled pod frees its CPU, then a waiting pod is scheduled', async () => {
    cluster = await startTestCluster();
    const core = coreApi(cluster);
    const big = podWith({ resources: { requests: { cpu: '1500m' } } });
    await core.createNamespacedPod({ namespace: 'default', body: big });
    await waitFor('first pod bound', async () =>
      (await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' })).spec?.nodeName
        ? true
        : undefined,
    );
    const second = podWith({ resources: { requests: { cpu: '1' } } });
    second.metadata!.name = 'second';
    await core.createNamespacedPod({ namespace: 'default', body: second });
    await waitFor('second unschedulable', async () =>
      (await eventsOf(core, 'second')).some((e) => e.reason === 'FailedScheduling')
        ? true
        : undefined,
    );
    await core.deleteNamespacedPod({ name: 'my-pod', namespace: 'default', gracePeriodSeconds: 0 });
    await waitFor('second bound', async () =>
      (await core.readNamespacedPod({ name: 'second', namespace: 'default' })).spec?.nodeName ===
      'sim-node-1'
        ? true
        : undefined,
    );
  });
});
