/**
 * Lesson two ("Your first Deployment") with the kubectl found on PATH, against the simulated
 * cluster: create (a protobuf body), see the ReplicaSet and Pods, delete a Pod and see it
 * replaced, scale, roll out a new image and watch the rollout; a bad tag stalls the rollout
 * until the progress deadline.
 */
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { kubectlFor, rawRequest, startTestCluster, waitFor } from './sim-test-helpers.js';

interface PodRow {
  name: string;
  status: string;
}

describe('lesson two with kubectl: a Deployment', () => {
  let cluster: SimulatedCluster;
  let kubectl: Awaited<ReturnType<typeof kubectlFor>>;

  beforeEach(async () => {
    cluster = await startTestCluster({ speed: 100 });
    kubectl = await kubectlFor(cluster);
  });

  afterEach(async () => {
    await cluster.stop();
    await kubectl.cleanup();
  });

  const pods = async (): Promise<PodRow[]> => {
    const out = await kubectl.run([
      'get',
      'pods',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.phase}{"\\n"}{end}',
    ]);
    return out.stdout
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [name = '', status = ''] = line.split(' ');
        return { name, status };
      });
  };

  it('creates, replaces a deleted Pod, scales and rolls out a new image', async () => {
    const created = await kubectl.run([
      'create',
      'deployment',
      'web',
      '--image=nginx:1.28',
      '--replicas=3',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('deployment.apps/web created');
    const rolled = await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    expect(rolled.stdout).toContain('deployment "web" successfully rolled out');

    const listed = await kubectl.run(['get', 'rs,pods', '-l', 'app=web']);
    expect(listed.stdout).toMatch(/^replicaset\.apps\/web-[a-z0-9]+\s+3\s+3\s+3\s+/m);
    expect(listed.stdout.match(/^pod\/web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running/gm)).toHaveLength(
      3,
    );

    // A deleted Pod is replaced by its ReplicaSet.
    const [victim] = await pods();
    const deleted = await kubectl.run(['delete', 'pod', victim?.name ?? '']);
    expect(deleted.stdout.trim()).toBe(`pod "${victim?.name}" deleted`);
    const replaced = await waitFor('a replacement Pod', async () => {
      const now = await pods();
      return now.length === 3 && !now.some((p) => p.name === victim?.name) ? now : undefined;
    });
    expect(replaced).toHaveLength(3);

    const scaled = await kubectl.run(['scale', 'deployment', 'web', '--replicas=5']);
    expect(scaled.stdout.trim()).toBe('deployment.apps/web scaled');
    await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    expect(await pods()).toHaveLength(5);
    expect(
      cluster.control
        .requests()
        .some((r) => r.method === 'PATCH' && r.path.endsWith('/deployments/web/scale')),
    ).toBe(true);

    const updated = await kubectl.run(['set', 'image', 'deployment/web', 'nginx=nginx:1.29']);
    expect(updated.stdout.trim()).toBe('deployment.apps/web image updated');
    const rollout = await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=30s']);
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');

    const images = await kubectl.run([
      'get',
      'pods',
      '-l',
      'app=web',
      '-o',
      'jsonpath={.items[*].spec.containers[0].image}',
    ]);
    expect(images.stdout.split(' ')).toEqual(Array(5).fill('nginx:1.29'));
    const sets = await kubectl.run([
      'get',
      'rs',
      '-l',
      'app=web',
      '-o',
      'jsonpath={range .items[*]}{.spec.template.spec.containers[0].image}={.spec.replicas}{"\\n"}{end}',
    ]);
    expect(sets.stdout.trim().split('\n').sort()).toEqual(['nginx:1.28=0', 'nginx:1.29=5']);
    // Gradual: the new ReplicaSet first grew by maxSurge (25% of 5, rounded up: 2).
    const described = await kubectl.run(['describe', 'deployment', 'web']);
    expect(described.stdout).toMatch(/Scaled up replica set web-[a-z0-9]+ to 2\b/);
    expect(described.stdout).toMatch(/Scaled down replica set web-[a-z0-9]+ to 4/);
  });

  it('a rollout stuck on a bad tag exceeds its progress deadline, and old Pods keep serving', async () => {
    await kubectl.run(['create', 'deployment', 'web', '--image=nginx:1.28', '--replicas=3']);
    await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    // 10 s of simulated deadline instead of 600 s, so the wait is short.
    await kubectl.run([
      'patch',
      'deployment',
      'web',
      '-p',
      '{"spec":{"progressDeadlineSeconds":10}}',
    ]);
    await kubectl.run(['set', 'image', 'deployment/web', 'nginx=nginx:1.99-typo']);
    const status = await kubectl.run(['rollout', 'status', 'deployment/web', '--timeout=20s']);
    expect(status.code).not.toBe(0);
    expect(status.stderr).toContain('error: deployment "web" exceeded its progress deadline');
    const deployment = (
      await rawRequest(cluster, 'GET', '/apis/apps/v1/namespaces/default/deployments/web')
    ).json() as {
      status: { conditions: Array<Record<string, string>>; availableReplicas: number };
    };
    expect(deployment.status.conditions.find((c) => c.type === 'Progressing')).toMatchObject({
      status: 'False',
      reason: 'ProgressDeadlineExceeded',
    });
    expect(deployment.status.availableReplicas).toBe(3);
    const rows = await pods();
    expect(rows.filter((p) => p.status === 'Running')).toHaveLength(3);
    const waiting = await kubectl.run(['get', 'pods', '-l', 'app=web']);
    expect(waiting.stdout).toMatch(/\s(ImagePullBackOff|ErrImagePull)\s/);
  });

  it('a ReplicaSet adopts an orphan Pod that matches its selector instead of making another', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    await rawRequest(cluster, 'POST', PODS, {
      body: {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'orphan', labels: { app: 'adopt' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] },
      },
    });
    const rs = await rawRequest(cluster, 'POST', '/apis/apps/v1/namespaces/default/replicasets', {
      body: {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'adopter' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'adopt' } },
          template: {
            metadata: { labels: { app: 'adopt' } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] },
          },
        },
      },
    });
    const uid = (rs.json().metadata as { uid: string }).uid;
    const owned = await waitFor('the ReplicaSet to own 2 Pods', async () => {
      const list = (await rawRequest(cluster, 'GET', `${PODS}?labelSelector=app%3Dadopt`)).json()
        .items as Array<{ metadata: { name: string; ownerReferences?: Array<{ uid: string }> } }>;
      return list.length === 2 && list.every((p) => p.metadata.ownerReferences?.[0]?.uid === uid)
        ? list
        : undefined;
    });
    expect(owned.map((p) => p.metadata.name)).toContain('orphan');
  });
});
