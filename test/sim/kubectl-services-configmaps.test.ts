/**
 * Services and ConfigMaps with the kubectl found on PATH, against the simulated cluster:
 * `create service` and `create configmap` (protobuf bodies), `expose`, `apply -f`, `get`
 * (server-side Tables), `get -o yaml` with the defaults kube-apiserver 1.26 fills in, `patch`,
 * a watch, and `delete`.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { collectionPath, observableKinds } from '../../src/grading/kubernetes/observable-kinds.js';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { kubectlFor, rawRequest, startTestCluster } from './sim-test-helpers.js';

interface ServiceJson {
  spec: Record<string, unknown> & { clusterIP: string; ports: Array<Record<string, unknown>> };
  status: unknown;
}

describe('Services and ConfigMaps with kubectl', () => {
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

  it("serves a list and a watch of every kind a rubric may observe, from the grader's one table", async () => {
    for (const kind of observableKinds) {
      const list = await rawRequest(cluster, 'GET', collectionPath(kind, 'default'), {
        token: cluster.tokens.readOnly,
      });
      expect({ kind, status: list.status, listKind: list.json().kind }).toEqual({
        kind,
        status: 200,
        listKind: `${kind}List`,
      });
      const watch = await rawRequest(
        cluster,
        'GET',
        `${collectionPath(kind, 'default')}?watch=1&timeoutSeconds=1`,
        { token: cluster.tokens.readOnly },
      );
      expect({ kind, status: watch.status }).toEqual({ kind, status: 200 });
    }
  });

  it('creates a Service with a cluster IP and the 1.26 defaults, lists, patches and deletes it', async () => {
    const created = await kubectl.run(['create', 'service', 'clusterip', 'web', '--tcp=80:8080']);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('service/web created');
    const got = await kubectl.run(['get', 'service', 'web', '-o', 'json']);
    const service = JSON.parse(got.stdout) as ServiceJson;
    expect(service.spec.clusterIP).toMatch(/^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    expect(service.spec).toEqual({
      ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: 'web' },
      clusterIP: service.spec.clusterIP,
      clusterIPs: [service.spec.clusterIP],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      ipFamilies: ['IPv4'],
      ipFamilyPolicy: 'SingleStack',
      internalTrafficPolicy: 'Cluster',
    });
    expect(Object.keys(service.spec)).toEqual([
      'clusterIP',
      'clusterIPs',
      'internalTrafficPolicy',
      'ipFamilies',
      'ipFamilyPolicy',
      'ports',
      'selector',
      'sessionAffinity',
      'type',
    ]);
    expect(service.status).toEqual({ loadBalancer: {} });

    const table = await kubectl.run(['get', 'svc']);
    const [header, row] = table.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'TYPE',
      'CLUSTER-IP',
      'EXTERNAL-IP',
      'PORT(S)',
      'AGE',
    ]);
    expect(row?.split(/\s+/).slice(0, 5)).toEqual([
      'web',
      'ClusterIP',
      service.spec.clusterIP,
      '<none>',
      '80/TCP',
    ]);

    const patched = await kubectl.run([
      'patch',
      'service',
      'web',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"tier":"frontend"}}}',
    ]);
    expect(patched.stdout.trim()).toBe('service/web patched');
    const relabelled = await kubectl.run(['get', 'svc', '-l', 'tier=frontend', '-o', 'name']);
    expect(relabelled.stdout.trim()).toBe('service/web');
    const ip = await kubectl.run(['get', 'svc', 'web', '-o', 'jsonpath={.spec.clusterIP}']);
    expect(ip.stdout).toBe(service.spec.clusterIP);

    const deleted = await kubectl.run(['delete', 'service', 'web']);
    expect(deleted.stdout.trim()).toBe('service "web" deleted');
    const after = await kubectl.run(['get', 'service', 'web']);
    expect(after.code).toBe(1);
    expect(after.stderr).toContain('services "web" not found');
  });

  it('exposes a Deployment, applies a NodePort Service and keeps its cluster IP on re-apply', async () => {
    await kubectl.run(['create', 'deployment', 'web', '--image=nginx:1.28', '--replicas=2']);
    const exposed = await kubectl.run(['expose', 'deployment', 'web', '--port=80']);
    expect(exposed.stdout.trim()).toBe('service/web exposed');
    const selector = await kubectl.run(['get', 'svc', 'web', '-o', 'jsonpath={.spec.selector}']);
    expect(JSON.parse(selector.stdout)).toEqual({ app: 'web' });

    const manifest = join(kubectl.dir, 'node-port.yaml');
    await writeFile(
      manifest,
      [
        'apiVersion: v1',
        'kind: Service',
        'metadata:',
        '  name: web-np',
        'spec:',
        '  type: NodePort',
        '  selector:',
        '    app: web',
        '  ports:',
        '    - port: 80',
        '      targetPort: http',
        '',
      ].join('\n'),
    );
    expect((await kubectl.run(['apply', '-f', manifest])).stdout.trim()).toBe(
      'service/web-np created',
    );
    const first = JSON.parse(
      (await kubectl.run(['get', 'svc', 'web-np', '-o', 'json'])).stdout,
    ) as ServiceJson;
    expect(first.spec.ports[0]).toEqual({
      protocol: 'TCP',
      port: 80,
      targetPort: 'http',
      nodePort: expect.any(Number) as number,
    });
    expect(first.spec.ports[0]?.nodePort).toBeGreaterThanOrEqual(30000);
    expect(first.spec.externalTrafficPolicy).toBe('Cluster');
    expect((await kubectl.run(['apply', '-f', manifest])).stdout.trim()).toBe(
      'service/web-np unchanged',
    );
    const table = await kubectl.run(['get', 'svc', 'web-np', '--no-headers']);
    expect(table.stdout).toContain(`80:${String(first.spec.ports[0]?.nodePort)}/TCP`);
  });

  it('creates, reads, watches, refuses a bad key and deletes a ConfigMap', async () => {
    const created = await kubectl.run([
      'create',
      'configmap',
      'settings',
      '--from-literal=port=80',
      '--from-literal=greeting=',
    ]);
    expect(created.stderr).toBe('');
    expect(created.stdout.trim()).toBe('configmap/settings created');
    const got = JSON.parse(
      (await kubectl.run(['get', 'configmap', 'settings', '-o', 'json'])).stdout,
    ) as Record<string, unknown>;
    expect(Object.keys(got)).toEqual(['apiVersion', 'data', 'kind', 'metadata']);
    expect(got.data).toEqual({ greeting: '', port: '80' });

    const table = await kubectl.run(['get', 'cm']);
    expect(
      table.stdout
        .trim()
        .split('\n')[0]
        ?.split(/\s{2,}/),
    ).toEqual(['NAME', 'DATA', 'AGE']);
    expect(table.stdout).toMatch(/^settings\s+2\s+/m);

    const raw = await rawRequest(cluster, 'GET', '/api/v1/namespaces/default/configmaps/settings');
    expect(Object.keys(raw.json())).toEqual(['kind', 'apiVersion', 'metadata', 'data']);

    const bad = await rawRequest(cluster, 'POST', '/api/v1/namespaces/default/configmaps', {
      body: {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'bad' },
        data: { 'a b': 'x' },
      },
    });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.json())).toContain('a valid config key must consist of');

    const watched = kubectl.follow(['get', 'configmaps', '--watch', '-o', 'name'], /settings-2/);
    await kubectl.run(['create', 'configmap', 'settings-2', '--from-literal=a=b']);
    expect(await watched).toContain('configmap/settings-2');

    const deleted = await kubectl.run(['delete', 'configmap', 'settings']);
    expect(deleted.stdout.trim()).toBe('configmap "settings" deleted');
  });
});
