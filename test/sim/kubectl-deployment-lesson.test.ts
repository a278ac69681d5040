/**
 * Lesson two ("Your first Deployment") with the kubectl found on PATH, against the simulated
 * cluster: create (a protobuf body), see the ReplicaSet and Pods, delete a Pod and see it
 * replaced, scale, roll out a new image and watch the rollout; a bad tag stalls the rollout
 * until the progress deadline.
 */
import { readFileSync } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { kubectlFor, rawRequest, startTestCluster, waitFor } from './sim-test-helpers.js';

/** The lesson as written, and its reference manifest, kept beside the rubric. */
const LESSON = new URL('../../assessments/first-deployment/lesson.md', import.meta.url);
const WEB_YAML = new URL('../../assessments/first-deployment/reference/web.yaml', import.meta.url);

/** Every `kubectl ...` in the lesson's steps, as written (placeholders like `<one>` kept). */
function lessonCommands(): string[] {
  const steps = readFileSync(LESSON, 'utf8').split('## What the learner does, in order')[1] ?? '';
  const section = steps.split('\n## ')[0] ?? '';
  return [...section.matchAll(/`(kubectl [^`]+)`/g)].map((match) => match[1] ?? '');
}

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

  it('runs every command of lesson two as written, with the reference web.yaml', async () => {
    const one = '<one>';
    const victimPlaceholder = '<one of the three>';
    // The commands, in the lesson's order; a test of its own keeps them in step with the text.
    expect(lessonCommands()).toEqual([
      'kubectl apply -f web.yaml',
      'kubectl get deployment web',
      'kubectl get rs -l app=web',
      'kubectl get pods -l app=web',
      `kubectl get pod ${one} -o yaml`,
      `kubectl delete pod ${victimPlaceholder}`,
      'kubectl get pods -l app=web --watch',
      'kubectl scale deployment web --replicas=5',
      'kubectl logs deployment/web',
      'kubectl set image deployment/web web=nginx:1.29',
      'kubectl rollout status deployment/web',
      'kubectl get rs -l app=web',
    ]);
    const argv = (command: string, names: Record<string, string> = {}) => {
      let text = command;
      for (const [placeholder, name] of Object.entries(names))
        text = text.replace(placeholder, name);
      return text.split(' ').slice(1);
    };
    await copyFile(WEB_YAML, join(kubectl.dir, 'web.yaml'));
    const inDir = (command: string) =>
      argv(command).map((arg) => (arg === 'web.yaml' ? join(kubectl.dir, 'web.yaml') : arg));

    expect((await kubectl.run(inDir('kubectl apply -f web.yaml'))).stdout.trim()).toBe(
      'deployment.apps/web created',
    );
    const running = await waitFor('three Pods Running', async () => {
      const now = await pods();
      return now.length === 3 && now.every((p) => p.status === 'Running') ? now : undefined;
    });
    const deployment = await kubectl.run(argv('kubectl get deployment web'));
    expect(deployment.stdout).toMatch(/^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/m);
    expect(deployment.stdout).toMatch(/^web\s+3\/3\s+3\s+3\s+/m);
    const sets = await kubectl.run(argv('kubectl get rs -l app=web'));
    expect(sets.stdout.match(/^web-[a-z0-9]+\s+3\s+3\s+3\s+/gm)).toHaveLength(1);
    const listed = await kubectl.run(argv('kubectl get pods -l app=web'));
    expect(listed.stdout.match(/^web-[a-z0-9]+-[a-z0-9]{5}\s+1\/1\s+Running\s+/gm)).toHaveLength(3);
    const [first, victim] = running;
    const yaml = await kubectl.run(
      argv(`kubectl get pod ${one} -o yaml`, { [one]: first?.name ?? '' }),
    );
    expect(yaml.stdout).toMatch(
      /ownerReferences:\n {2}- apiVersion: apps\/v1\n {4}blockOwnerDeletion: true\n {4}controller: true\n {4}kind: ReplicaSet\n {4}name: web-[a-z0-9]+\n/,
    );

    const deleted = await kubectl.run(
      argv(`kubectl delete pod ${victimPlaceholder}`, { [victimPlaceholder]: victim?.name ?? '' }),
    );
    expect(deleted.stdout.trim()).toBe(`pod "${victim?.name}" deleted`);
    // Then the watch, as the lesson says: it shows a Pod that was not there before.
    const before = running.map((p) => p.name).join('|');
    const watched = await kubectl.follow(
      argv('kubectl get pods -l app=web --watch'),
      new RegExp(`^(?!(${before})\\s)web-[a-z0-9]+-[a-z0-9]{5}\\s`, 'm'),
    );
    expect(watched.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);

    expect(
      (await kubectl.run(argv('kubectl scale deployment web --replicas=5'))).stdout.trim(),
    ).toBe('deployment.apps/web scaled');
    await waitFor('five Pods Running', async () => {
      const now = await pods();
      return now.length === 5 && now.every((p) => p.status === 'Running') ? now : undefined;
    });
    const logs = await kubectl.run(argv('kubectl logs deployment/web'));
    expect(logs.code).toBe(0);
    expect(logs.stdout).toContain('start worker process');

    const updated = await kubectl.run(argv('kubectl set image deployment/web web=nginx:1.29'));
    expect(updated.stdout.trim()).toBe('deployment.apps/web image updated');
    const rollout = await kubectl.run([
      ...argv('kubectl rollout status deployment/web'),
      '--timeout=30s',
    ]);
    expect(rollout.code).toBe(0);
    expect(rollout.stdout).toContain('deployment "web" successfully rolled out');
    const after = await kubectl.run(argv('kubectl get rs -l app=web'));
    const counts = [...after.stdout.matchAll(/^web-[a-z0-9]+\s+(\d+)\s+(\d+)\s+/gm)].map(
      (match) => `${match[1]}/${match[2]}`,
    );
    expect(counts.sort()).toEqual(['0/0', '5/5']);
  });

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
