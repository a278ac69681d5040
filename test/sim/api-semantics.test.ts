/** API conventions the grader relies on: watch resourceVersions, patches, conflicts, selectors, subresources, validation. */
import * as k8s from '@kubernetes/client-node';
import type { SimulatedCluster } from '../../sim/start-simulated-cluster.js';
import {
  coreApi,
  kubeConfigFor,
  lessonPod,
  rawRequest,
  startTestCluster,
  statusOf,
  waitFor,
} from './sim-test-helpers.js';

const PODS = '/api/v1/namespaces/default/pods';

function watchLines(text: string): Array<{
  type: string;
  object: { metadata: { name: string; resourceVersion: string; labels?: Record<string, string> } };
}> {
  return text
    .trim()
    .split('\n')
    .filter((l) => l)
    .map((l) => JSON.parse(l) as never);
}

describe('API semantics', () => {
  let cluster: SimulatedCluster;

  afterEach(async () => {
    await cluster.stop();
  });

  describe('watch', () => {
    beforeEach(async () => {
      cluster = await startTestCluster({ scheduler: false });
    });

    it('without resourceVersion starts with ADDED for existing objects; with one, replays only later changes', async () => {
      const [first] = await cluster.control.seed([
        lessonPod(),
        { ...lessonPod(), metadata: { name: 'other', labels: { app: 'other' } } },
      ]);
      const all = watchLines(
        (await rawRequest(cluster, 'GET', `${PODS}?watch=true&timeoutSeconds=1`)).text,
      );
      expect(all.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED my-pod',
        'ADDED other',
      ]);

      await rawRequest(cluster, 'PATCH', `${PODS}/my-pod`, {
        body: { metadata: { labels: { tier: 'x' } } },
        contentType: 'application/merge-patch+json',
      });
      const since = watchLines(
        (
          await rawRequest(
            cluster,
            'GET',
            `${PODS}?watch=true&timeoutSeconds=1&resourceVersion=${first?.metadata.resourceVersion ?? ''}`,
          )
        ).text,
      );
      expect(since.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'ADDED other',
        'MODIFIED my-pod',
      ]);

      const selected = watchLines(
        (
          await rawRequest(
            cluster,
            'GET',
            `${PODS}?watch=true&timeoutSeconds=1&labelSelector=app%3Dweb&resourceVersion=${first?.metadata.resourceVersion ?? ''}`,
          )
        ).text,
      );
      expect(selected.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual([
        'MODIFIED my-pod',
      ]);
    });

    it('timeoutSeconds ends the stream, and a label change out of the selector arrives as DELETED', async () => {
      await cluster.control.seed(lessonPod());
      const kc = kubeConfigFor(cluster);
      const seen: string[] = [];
      const started = Date.now();
      const done = new Promise<unknown>((resolve) => {
        void new k8s.Watch(kc).watch(
          PODS,
          { labelSelector: 'app=web', timeoutSeconds: 1 },
          (type: string, pod: k8s.V1Pod) => seen.push(`${type} ${pod.metadata?.labels?.app ?? ''}`),
          resolve,
        );
      });
      await waitFor('initial event', async () => (seen.length > 0 ? true : undefined));
      await coreApi(cluster).patchNamespacedPod(
        { name: 'my-pod', namespace: 'default', body: { metadata: { labels: { app: 'moved' } } } },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      expect(await done).toBeNull();
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(seen).toEqual(['ADDED web', 'DELETED moved']);
    });

    it('a malformed resourceVersion is a 400', async () => {
      const answer = await rawRequest(cluster, 'GET', `${PODS}?watch=true&resourceVersion=abc`);
      expect(answer.status).toBe(400);
    });
  });

  describe('writes', () => {
    beforeEach(async () => {
      cluster = await startTestCluster({ scheduler: false });
    });

    it('an update with a stale resourceVersion is a 409 Conflict', async () => {
      const core = coreApi(cluster);
      const created = await core.createNamespacedPod({ namespace: 'default', body: lessonPod() });
      await core.patchNamespacedPod(
        {
          name: 'my-pod',
          namespace: 'default',
          body: [{ op: 'add', path: '/metadata/labels/tier', value: 'frontend' }],
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
      );
      const { code, body } = await statusOf(
        core.replaceNamespacedPod({ name: 'my-pod', namespace: 'default', body: created }),
      );
      expect(code).toBe(409);
      expect(body).toMatchObject({
        reason: 'Conflict',
        message:
          'Operation cannot be fulfilled on pods "my-pod": the object has been modified; please apply your changes to the latest version and try again',
        details: { name: 'my-pod', kind: 'pods' },
      });
    });

    it('strategic merge patch merges containers by name and ports by containerPort; spec changes other than image are refused', async () => {
      const core = coreApi(cluster);
      await core.createNamespacedPod({ namespace: 'default', body: lessonPod() });
      const smp = k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.StrategicMergePatch);
      const patched = await core.patchNamespacedPod(
        {
          name: 'my-pod',
          namespace: 'default',
          body: { spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
        },
        smp,
      );
      expect(patched.spec?.containers).toHaveLength(1);
      expect(patched.spec?.containers[0]).toMatchObject({
        name: 'web',
        image: 'nginx:1.27',
        ports: [{ containerPort: 80, protocol: 'TCP' }],
      });
      const refused = await statusOf(
        core.patchNamespacedPod(
          {
            name: 'my-pod',
            namespace: 'default',
            body: { spec: { containers: [{ name: 'web', ports: [{ containerPort: 8080 }] }] } },
          },
          smp,
        ),
      );
      expect(refused.code).toBe(422);
      expect(refused.body.message).toMatch(
        /^Pod "my-pod" is invalid: spec: Forbidden: pod updates may not change fields other than/,
      );
      const jsonPatchTest = await statusOf(
        core.patchNamespacedPod(
          {
            name: 'my-pod',
            namespace: 'default',
            body: [{ op: 'test', path: '/metadata/name', value: 'x' }],
          },
          k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.JsonPatch),
        ),
      );
      expect(jsonPatchTest.code).toBe(422);
    });

    it('the status subresource changes only status; the main resource ignores status', async () => {
      const core = coreApi(cluster);
      const created = await core.createNamespacedPod({ namespace: 'default', body: lessonPod() });
      const replaced = await core.replaceNamespacedPod({
        name: 'my-pod',
        namespace: 'default',
        body: { ...created, status: { phase: 'Failed' } },
      });
      expect(replaced.status?.phase).toBe('Pending');
      const status = await core.patchNamespacedPodStatus(
        {
          name: 'my-pod',
          namespace: 'default',
          body: { status: { phase: 'Succeeded' }, metadata: { labels: { ignored: 'yes' } } },
        },
        k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
      );
      expect(status.status?.phase).toBe('Succeeded');
      expect(status.metadata?.labels).toEqual({ app: 'web' });
      const read = await core.readNamespacedPodStatus({ name: 'my-pod', namespace: 'default' });
      expect(read.status?.phase).toBe('Succeeded');
    });

    it('validation answers 422 with one cause per problem', async () => {
      const core = coreApi(cluster);
      const bad: k8s.V1Pod = {
        metadata: { name: 'My_Pod' },
        spec: {
          containers: [
            { name: 'web', image: 'nginx' },
            { name: 'web', image: '' },
          ],
        },
      };
      const { code, body } = await statusOf(
        core.createNamespacedPod({ namespace: 'default', body: bad }),
      );
      expect(code).toBe(422);
      const causes = (body.details as { causes: Array<{ field: string; reason: string }> }).causes;
      expect(causes.map((c) => `${c.field} ${c.reason}`)).toEqual([
        'metadata.name FieldValueInvalid',
        'spec.containers[1].name FieldValueDuplicate',
        'spec.containers[1].image FieldValueRequired',
      ]);
      expect(body.message).toMatch(
        /^Pod "My_Pod" is invalid: \[metadata\.name: Invalid value: "My_Pod": a lowercase RFC 1123 subdomain/,
      );
    });

    it('a namespace must exist; a new one can be created, and deleting it removes what it holds', async () => {
      const core = coreApi(cluster);
      const missing = await statusOf(
        core.createNamespacedPod({ namespace: 'attempt-1', body: lessonPod() }),
      );
      expect(missing.code).toBe(404);
      expect(missing.body.message).toBe('namespaces "attempt-1" not found');
      await core.createNamespace({ body: { metadata: { name: 'attempt-1' } } });
      await core.createNamespacedPod({ namespace: 'attempt-1', body: lessonPod() });
      const ns = await core.readNamespace({ name: 'attempt-1' });
      expect(ns.status?.phase).toBe('Active');
      await core.deleteNamespace({ name: 'attempt-1' });
      await waitFor('namespace gone', async () =>
        (await statusOf(core.readNamespace({ name: 'attempt-1' }))).code === 404 ? true : undefined,
      );
      expect((await core.listPodForAllNamespaces()).items).toEqual([]);
    });

    it('field selectors work on pods and refuse unknown fields', async () => {
      await cluster.control.seed(lessonPod());
      const core = coreApi(cluster);
      expect(
        (
          await core.listNamespacedPod({
            namespace: 'default',
            fieldSelector: 'status.phase=Pending',
          })
        ).items,
      ).toHaveLength(1);
      expect(
        (
          await core.listNamespacedPod({
            namespace: 'default',
            fieldSelector: 'status.phase!=Pending',
          })
        ).items,
      ).toHaveLength(0);
      expect(
        (await core.listNamespacedPod({ namespace: 'default', fieldSelector: 'spec.nodeName=' }))
          .items,
      ).toHaveLength(1);
      const refused = await statusOf(
        core.listNamespacedPod({ namespace: 'default', fieldSelector: 'spec.image=nginx' }),
      );
      expect(refused.code).toBe(400);
      expect(refused.body.message).toBe('field label not supported: spec.image');
    });
  });

  describe('logs', () => {
    beforeEach(async () => {
      cluster = await startTestCluster();
    });

    it('follow streams lines until the container stops; an unknown container or an unscheduled pod is a 400', async () => {
      const core = coreApi(cluster);
      const pod = lessonPod();
      pod.spec!.containers.push({
        name: 'sidecar',
        image: 'busybox:1.36',
        command: ['sh', '-c', 'echo sidecar up; sleep infinity'],
      });
      await core.createNamespacedPod({ namespace: 'default', body: pod });
      await waitFor('running', async () =>
        (await core.readNamespacedPod({ name: 'my-pod', namespace: 'default' })).status?.phase ===
        'Running'
          ? true
          : undefined,
      );

      const pick = await rawRequest(cluster, 'GET', `${PODS}/my-pod/log`);
      expect(pick.status).toBe(400);
      expect(pick.json().message).toBe(
        'a container name must be specified for pod my-pod, choose one of: [web sidecar]',
      );
      expect(
        (await rawRequest(cluster, 'GET', `${PODS}/my-pod/log?container=nope`)).json().message,
      ).toBe('container nope is not valid for pod my-pod');
      expect((await rawRequest(cluster, 'GET', `${PODS}/my-pod/log?container=sidecar`)).text).toBe(
        'sidecar up\n',
      );
      const stamped = await rawRequest(
        cluster,
        'GET',
        `${PODS}/my-pod/log?container=web&tailLines=1&timestamps=true`,
      );
      expect(stamped.text).toMatch(
        /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z \d{4}\/\d\d\/\d\d .*start worker process 30\n$/,
      );

      // Follow: the stream stays open until the pod is deleted and nginx stops.
      const followed = rawRequest(cluster, 'GET', `${PODS}/my-pod/log?container=web&follow=true`);
      await new Promise((resolve) => setTimeout(resolve, 100));
      await core.deleteNamespacedPod({ name: 'my-pod', namespace: 'default' });
      const answer = await followed;
      expect(answer.status).toBe(200);
      expect(answer.text).toContain('Configuration complete; ready for start up');
    });
  });
});
