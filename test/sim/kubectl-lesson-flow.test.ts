/** The lesson's commands with the kubectl found on PATH, against the simulated cluster. */
import { readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import { kubectlFor, LESSON_POD_YAML, startTestCluster } from './sim-test-helpers.js';

/** The lesson as the course team wrote it, kept beside its rubric. */
const LESSON = new URL('../../assessments/first-pod/lesson.md', import.meta.url);

describe('kubectl against the simulated cluster', () => {
  let cluster: SimulatedCluster;
  let kubectl: Awaited<ReturnType<typeof kubectlFor>>;

  beforeEach(async () => {
    cluster = await startTestCluster({ speed: 50 });
    kubectl = await kubectlFor(cluster);
  });

  afterEach(async () => {
    await cluster.stop();
    await kubectl.cleanup();
  });

  it('runs apply, get -o wide, get -o yaml, describe, logs and delete as in the lesson', async () => {
    const manifest = join(kubectl.dir, 'my-pod.yaml');
    await writeFile(manifest, LESSON_POD_YAML);

    const applied = await kubectl.run(['apply', '-f', manifest]);
    expect(applied.stderr).toBe('');
    expect(applied.stdout.trim()).toBe('pod/my-pod created');

    const waited = await kubectl.run([
      'wait',
      '--for=condition=Ready',
      'pod/my-pod',
      '--timeout=15s',
    ]);
    expect(waited.stdout.trim()).toBe('pod/my-pod condition met');

    const wide = await kubectl.run(['get', 'pod', 'my-pod', '-o', 'wide']);
    const [header, row] = wide.stdout.trim().split('\n');
    expect(header?.split(/\s{2,}/)).toEqual([
      'NAME',
      'READY',
      'STATUS',
      'RESTARTS',
      'AGE',
      'IP',
      'NODE',
      'NOMINATED NODE',
      'READINESS GATES',
    ]);
    expect(row).toMatch(
      /^my-pod\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.0\.\d+\s+sim-node-1\s+<none>\s+<none>$/,
    );

    const yaml = await kubectl.run(['get', 'pod', 'my-pod', '-o', 'yaml']);
    const pod = load(yaml.stdout) as {
      metadata: { annotations: Record<string, string>; labels: Record<string, string> };
      spec: { containers: Array<{ ports: unknown[] }> };
      status: { phase: string; podIP: string };
    };
    expect(pod.metadata.labels).toEqual({ app: 'web' });
    expect(pod.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration']).toContain(
      '"containerPort":80',
    );
    expect(pod.spec.containers[0]?.ports).toEqual([{ containerPort: 80, protocol: 'TCP' }]);
    expect(pod.status.phase).toBe('Running');

    const reapplied = await kubectl.run(['apply', '-f', manifest]);
    expect(reapplied.stdout.trim()).toBe('pod/my-pod unchanged');

    const describe = await kubectl.run(['describe', 'pod', 'my-pod']);
    expect(describe.stdout).toMatch(/^Status:\s+Running$/m);
    expect(describe.stdout).toMatch(/^Node:\s+sim-node-1\/172\.18\.0\.2$/m);
    const events = describe.stdout.slice(describe.stdout.indexOf('Events:'));
    for (const reason of ['Scheduled', 'Pulling', 'Pulled', 'Created', 'Started'])
      expect(events).toContain(reason);
    expect(events).toContain('Successfully assigned default/my-pod to sim-node-1');

    const logs = await kubectl.run(['logs', 'my-pod']);
    expect(logs.stdout).toContain('Configuration complete; ready for start up');
    const logsByContainer = await kubectl.run(['logs', 'my-pod', '-c', 'web']);
    expect(logsByContainer.stdout).toBe(logs.stdout);

    const deleted = await kubectl.run(['delete', 'pod', 'my-pod']);
    expect(deleted.stdout.trim()).toBe('pod "my-pod" deleted');
    const after = await kubectl.run(['get', 'pod', 'my-pod']);
    expect(after.code).not.toBe(0);
    expect(after.stderr.trim()).toBe('Error from server (NotFound): pods "my-pod" not found');

    // What kubectl asked for, from the request log: discovery, OpenAPI v3 for field validation, the pod.
    const requests = cluster.control.requests();
    expect(
      requests.some(
        (r) =>
          r.method === 'POST' &&
          r.path === '/api/v1/namespaces/default/pods' &&
          r.query.fieldValidation === 'Strict',
      ),
    ).toBe(true);
    expect(requests.some((r) => r.path === '/openapi/v3')).toBe(true);
    expect(requests.every((r) => r.identity === 'admin')).toBe(true);
    expect(requests.filter((r) => r.status >= 500)).toEqual([]);
  });

  it('runs the rest of lesson one as written: get --watch, exec -it with ls and exit, logs -f', async () => {
    const lesson = readFileSync(LESSON, 'utf8');
    for (const command of [
      'kubectl apply -f my-pod.yaml',
      'kubectl get pod my-pod --watch',
      'kubectl exec -it my-pod -- /bin/sh',
      'kubectl logs my-pod -f',
      'kubectl logs my-pod -c web',
      'kubectl delete pod my-pod',
    ]) {
      expect(lesson).toContain(command);
    }
    const manifest = join(kubectl.dir, 'my-pod.yaml');
    await writeFile(manifest, LESSON_POD_YAML);
    await kubectl.run(['apply', '-f', manifest]);

    const watched = await kubectl.follow(['get', 'pod', 'my-pod', '--watch'], /\bRunning\b/);
    expect(watched.split('\n')[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(watched).toMatch(/^my-pod\s+1\/1\s+Running\s+0\s+/m);

    // The learner's `ls` and `exit`, typed on stdin (not a terminal here, so kubectl drops -t).
    const shell = await kubectl.run(['exec', '-it', 'my-pod', '--', '/bin/sh'], {
      stdin: 'ls\nls /usr/share/nginx/html\nhostname\nexit\n',
    });
    expect(shell.code).toBe(0);
    expect(shell.stdout.split('\n')).toEqual(expect.arrayContaining(['etc', 'usr', 'var']));
    expect(shell.stdout).toContain('50x.html\nindex.html\nmy-pod\n');
    const withContainer = await kubectl.run(
      ['exec', '-it', 'my-pod', '-c', 'web', '--', '/bin/sh'],
      { stdin: 'cat /etc/nginx/nginx.conf\nexit 3\n' },
    );
    expect(withContainer.stdout).toContain('include /etc/nginx/conf.d/*.conf;');
    expect(withContainer.code).toBe(3);
    expect(withContainer.stderr).toContain('command terminated with exit code 3');

    const followed = await kubectl.follow(['logs', 'my-pod', '-f'], /ready for start up/);
    expect(followed).toContain('/docker-entrypoint.sh: Configuration complete; ready for start up');

    // kubectl 1.30+ speaks WebSocket for exec (GET); nothing fell back to SPDY.
    const execs = cluster.control.requests().filter((r) => r.path.endsWith('/my-pod/exec'));
    expect(execs.map((r) => [r.method, r.status])).toEqual([
      ['GET', 101],
      ['GET', 101],
    ]);
    expect(execs[1]?.query.container).toBe('web');
  });

  it('execs over SPDY too, as kubectl before 1.30 does and as the WebSocket fallback', async () => {
    const manifest = join(kubectl.dir, 'my-pod.yaml');
    await writeFile(manifest, LESSON_POD_YAML);
    await kubectl.run(['apply', '-f', manifest]);
    await kubectl.run(['wait', '--for=condition=Ready', 'pod/my-pod', '--timeout=15s']);
    const spdy = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    const shell = await kubectl.run(['exec', '-it', 'my-pod', '--', '/bin/sh'], {
      stdin: 'ls /etc/nginx\nenv\nexit\n',
      env: spdy,
    });
    expect(shell.code).toBe(0);
    expect(shell.stdout).toContain('conf.d\nmime.types\nnginx.conf\n');
    expect(shell.stdout).toMatch(/^HOSTNAME=my-pod$/m);
    const single = await kubectl.run(['exec', 'my-pod', '--', 'cat', '/nope'], { env: spdy });
    expect(single.code).toBe(1);
    expect(single.stderr).toContain('cat: /nope: No such file or directory');
    const missing = await kubectl.run(['exec', 'no-such-pod', '--', 'ls'], { env: spdy });
    expect(missing.stderr.trim()).toBe(
      'Error from server (NotFound): pods "no-such-pod" not found',
    );
    // (kubectl gets the pod first, so the missing one never reaches exec.)
    const execs = cluster.control.requests().filter((r) => r.path.endsWith('/exec'));
    expect(execs.map((r) => [r.method, r.status])).toEqual([
      ['POST', 101],
      ['POST', 101],
    ]);
  });

  it('shows a Table for get and refuses writes made with the read-only kubeconfig', async () => {
    const readOnly = join(kubectl.dir, 'readonly');
    await writeFile(readOnly, cluster.kubeconfigYaml({ token: 'readOnly' }));
    const manifest = join(kubectl.dir, 'my-pod.yaml');
    await writeFile(manifest, LESSON_POD_YAML);
    const refused = await kubectl.run(['--kubeconfig', readOnly, 'apply', '-f', manifest]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain(
      'is forbidden: User "system:serviceaccount:default:grader" cannot',
    );
    const nodes = await kubectl.run(['--kubeconfig', readOnly, 'get', 'nodes']);
    expect(nodes.stdout).toMatch(/^sim-node-1\s+Ready\s+<none>\s+\S+\s+v1\.26\.0$/m);
  });
});
