/** Deployments, ReplicaSets and garbage collection: what makes a Pod come back, or not. */
import type * as k8s from '@kubernetes/client-node';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  appsApi,
  coreApi,
  lessonPod,
  startTestCluster,
  statusOf,
  waitFor,
} from './sim-test-helpers.js';

const deployment = (replicas: number): k8s.V1Deployment => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', labels: { app: 'web-deploy' } },
  spec: {
    replicas,
    selector: { matchLabels: { app: 'web-deploy' } },
    template: {
      metadata: { labels: { app: 'web-deploy' } },
      spec: { containers: [{ name: 'web', image: 'nginx:1.28', ports: [{ containerPort: 80 }] }] },
    },
  },
});

describe('controllers', () => {
  let cluster: SimulatedCluster;

  beforeEach(async () => {
    cluster = await startTestCluster();
  });

  afterEach(async () => {
    await cluster.stop();
  });

  async function runningPods(
    core: k8s.CoreV1Api,
    labelSelector: string,
    count: number,
  ): Promise<k8s.V1Pod[]> {
    return waitFor(`${count} running pods for ${labelSelector}`, async () => {
      const list = await core.listNamespacedPod({ namespace: 'default', labelSelector });
      const running = list.items.filter(
        (p) => p.status?.phase === 'Running' && !p.metadata?.deletionTimestamp,
      );
      return running.length === count && list.items.length === count ? running : undefined;
    });
  }

  it('when a Deployment pod is deleted, then a new pod with a new uid replaces it', async () => {
    const core = coreApi(cluster);
    const apps = appsApi(cluster);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment(1) });
    const [first] = await runningPods(core, 'app=web-deploy', 1);

    const replicaSets = await apps.listNamespacedReplicaSet({
      namespace: 'default',
      labelSelector: 'app=web-deploy',
    });
    expect(replicaSets.items).toHaveLength(1);
    const rs = replicaSets.items[0];
    const hash = rs?.metadata?.labels?.['pod-template-hash'] ?? '';
    expect(rs?.metadata?.name).toBe(`web-${hash}`);
    expect(rs?.metadata?.ownerReferences?.[0]).toMatchObject({
      kind: 'Deployment',
      name: 'web',
      controller: true,
      blockOwnerDeletion: true,
    });
    expect(first?.metadata?.name).toMatch(
      new RegExp(`^web-${hash}-[bcdfghjklmnpqrstvwxz2456789]{5}$`),
    );
    expect(first?.metadata?.ownerReferences).toEqual([
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        name: rs?.metadata?.name,
        uid: rs?.metadata?.uid,
        controller: true,
        blockOwnerDeletion: true,
      },
    ]);

    await core.deleteNamespacedPod({ name: first?.metadata?.name ?? '', namespace: 'default' });
    const [replacement] = await runningPods(core, 'app=web-deploy', 1);
    expect(replacement?.metadata?.uid).not.toBe(first?.metadata?.uid);
    expect(replacement?.metadata?.name).not.toBe(first?.metadata?.name);

    const rsEvents = await core.listNamespacedEvent({
      namespace: 'default',
      fieldSelector: `involvedObject.name=${rs?.metadata?.name ?? ''}`,
    });
    expect(rsEvents.items.map((e) => e.reason)).toEqual(['SuccessfulCreate', 'SuccessfulCreate']);
    const deploy = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(deploy.metadata?.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    await waitFor('deployment available', async () => {
      const d = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
      return d.status?.availableReplicas === 1 ? d : undefined;
    });
  });

  it('when a bare pod is deleted, then nothing recreates it', async () => {
    const core = coreApi(cluster);
    await core.createNamespacedPod({ namespace: 'default', body: lessonPod() });
    await runningPods(core, 'app=web', 1);
    await core.deleteNamespacedPod({ name: 'my-pod', namespace: 'default' });
    await waitFor('my-pod gone', async () =>
      (await statusOf(core.readNamespacedPod({ name: 'my-pod', namespace: 'default' }))).code ===
      404
        ? true
        : undefined,
    );
    await cluster.control.advanceTime(5 * 60 * 1000);
    expect((await core.listNamespacedPod({ namespace: 'default' })).items).toEqual([]);
    expect(
      (await appsApi(cluster).listNamespacedReplicaSet({ namespace: 'default' })).items,
    ).toEqual([]);
  });

  it('when a Deployment is deleted, then its ReplicaSet and pods are garbage-collected', async () => {
    const core = coreApi(cluster);
    const apps = appsApi(cluster);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment(2) });
    await runningPods(core, 'app=web-deploy', 2);
    await apps.deleteNamespacedDeployment({ name: 'web', namespace: 'default' });
    await waitFor('dependents collected', async () => {
      const pods = await core.listNamespacedPod({ namespace: 'default' });
      const rss = await apps.listNamespacedReplicaSet({ namespace: 'default' });
      return pods.items.length === 0 && rss.items.length === 0 ? true : undefined;
    });
  });

  it('when a ReplicaSet is deleted with propagationPolicy Orphan, then its pods stay without an owner', async () => {
    const core = coreApi(cluster);
    const apps = appsApi(cluster);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment(1) });
    await runningPods(core, 'app=web-deploy', 1);
    await apps.deleteNamespacedDeployment({
      name: 'web',
      namespace: 'default',
      propagationPolicy: 'Orphan',
    });
    const [rs] = await waitFor('orphaned replicaset', async () => {
      const list = await apps.listNamespacedReplicaSet({ namespace: 'default' });
      return list.items.length === 1 && !list.items[0]?.metadata?.ownerReferences
        ? list.items
        : undefined;
    });
    await expect(
      statusOf(apps.readNamespacedDeployment({ name: 'web', namespace: 'default' })),
    ).resolves.toMatchObject({ code: 404 });
    await apps.deleteNamespacedReplicaSet({
      name: rs?.metadata?.name ?? '',
      namespace: 'default',
      propagationPolicy: 'Foreground',
    });
    await waitFor('foreground deletion done', async () => {
      const pods = await core.listNamespacedPod({ namespace: 'default' });
      const rss = await apps.listNamespacedReplicaSet({ namespace: 'default' });
      return pods.items.length === 0 && rss.items.length === 0 ? true : undefined;
    });
  });

  it('when a Deployment is scaled, then its ReplicaSet follows', async () => {
    const core = coreApi(cluster);
    const apps = appsApi(cluster);
    await apps.createNamespacedDeployment({ namespace: 'default', body: deployment(1) });
    await runningPods(core, 'app=web-deploy', 1);
    const current = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    await apps.replaceNamespacedDeployment({
      name: 'web',
      namespace: 'default',
      body: { ...current, spec: { ...current.spec!, replicas: 3 } },
    });
    await runningPods(core, 'app=web-deploy', 3);
    const updated = await apps.readNamespacedDeployment({ name: 'web', namespace: 'default' });
    expect(updated.metadata?.generation).toBe(2);
  });
});
