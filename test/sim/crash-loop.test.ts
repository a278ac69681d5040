/** A container that keeps exiting: restarts, CrashLoopBackOff, and the previous container's logs. */
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { coreApi, rawRequest, startTestCluster } from './sim-test-helpers.js';

describe('a crashing container', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster({ speed: 0 });
  });

  afterEach(async () => {
    await cluster.stop();
  });

  it('when it exits 1 under restartPolicy Always, then it restarts at once, then waits in CrashLoopBackOff', async () => {
    const core = coreApi(cluster);
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'crasher' },
        spec: {
          containers: [
            { name: 'box', image: 'busybox:1.36', command: ['sh', '-c', 'echo starting; exit 1'] },
          ],
        },
      },
    });
    const status = async () =>
      (await core.readNamespacedPod({ name: 'crasher', namespace: 'default' })).status
        ?.containerStatuses?.[0];

    await cluster.control.advanceTime(2500); // sandbox + pull: started, exited at once
    expect((await status())?.state?.terminated).toMatchObject({ exitCode: 1, reason: 'Error' });
    await cluster.control.advanceTime(1000); // first restart is immediate
    await cluster.control.advanceTime(1000); // ... and that run fails too: back-off 10 s
    const waiting = await status();
    expect(waiting?.state?.waiting?.reason).toBe('CrashLoopBackOff');
    expect(waiting?.restartCount).toBe(2);
    expect(waiting?.lastState?.terminated?.exitCode).toBe(1);

    const previous = await rawRequest(
      cluster,
      'GET',
      '/api/v1/namespaces/default/pods/crasher/log?previous=true',
    );
    expect(previous.text).toBe('starting\n');
    const table = await rawRequest(cluster, 'GET', '/api/v1/namespaces/default/pods/crasher', {
      accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    const cells = (table.json().rows as Array<{ cells: unknown[] }>)[0]?.cells;
    expect(cells?.slice(0, 3)).toEqual(['crasher', '0/1', 'CrashLoopBackOff']);
    expect(String(cells?.[3])).toMatch(/^2 \(\d+s ago\)$/);

    const events = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: 'involvedObject.name=crasher,reason=BackOff',
    });
    expect(events.items[0]?.message).toMatch(
      /^Back-off restarting failed container box in pod crasher_default\(/,
    );
    expect(events.items[0]?.type).toBe('Warning');

    await cluster.control.advanceTime(10_000);
    expect((await status())?.restartCount).toBe(2);
    expect((await status())?.state?.terminated?.exitCode).toBe(1);
  });

  it('when a shell sleeps and the pod is deleted, then it is killed only after the grace period', async () => {
    const core = coreApi(cluster);
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'sleeper' },
        spec: {
          terminationGracePeriodSeconds: 5,
          containers: [{ name: 'box', image: 'busybox:1.36', command: ['sh', '-c', 'sleep 3600'] }],
        },
      },
    });
    await cluster.control.advanceTime(3000);
    await core.deleteNamespacedPod({ name: 'sleeper', namespace: 'default' });
    await cluster.control.advanceTime(4000);
    expect(
      (await core.readNamespacedPod({ name: 'sleeper', namespace: 'default' })).metadata
        ?.deletionTimestamp,
    ).toBeDefined();
    await cluster.control.advanceTime(1500);
    expect((await core.listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
  });
});
